package dev.lakepipe.spec;

import java.util.List;
import java.util.Optional;

/**
 * One key a spec object may hold: the type of its value, the values it allows, its default and what it means. The
 * spec check takes the keys it accepts from {@link SpecKeys}, and {@code lakepipe schema} describes the spec from
 * the same keys, so the two cannot drift.
 *
 * @param allowed the values a string key takes; empty when any value of its type goes
 * @param defaultValue the value used when the key is absent, as a spec writes it; empty when there is none, or
 *     when it depends on other keys (the description then says how)
 * @param required whether a spec must give the key itself (a key the defaults or a profile may give is not)
 * @param keys the keys of the object (or of each named object) the key holds; empty for other types
 */
public record SpecKey(String name, Type type, String description, List<String> allowed,
    Optional<String> defaultValue, boolean required, List<SpecKey> keys) {
  /** The type of a key's value. */
  public enum Type {
    /** A non-empty string. */
    STRING,
    /** A non-empty string or a number taken as its text (a version, a duration, a size). */
    TEXT,
    /** A number. */
    NUMBER,
    /** A whole number. */
    INTEGER,
    BOOLEAN,
    /** A list of non-empty strings; a single string is a list of one. */
    STRING_LIST,
    /** An object of scalar settings, possibly nested: nested and dotted keys mean the same. */
    SETTINGS,
    /** The name of one of the table formats of the build. */
    FORMAT,
    /** An object with the keys {@link #keys()}. */
    OBJECT,
    /** An object of entries named by the user, each an object with the keys {@link #keys()}. */
    NAMED_OBJECTS,
    /** An object of entries named by the user, each an object of strings named by the user. */
    NAMED_STRING_MAPS
  }

  public SpecKey {
    allowed = List.copyOf(allowed);
    keys = List.copyOf(keys);
  }

  /** An optional key without default. */
  static SpecKey of(String name, Type type, String description) {
    return new SpecKey(name, type, description, List.of(), Optional.empty(), false, List.of());
  }

  /** A string key that takes one of {@code allowed}, {@code defaultValue} when absent (null for none). */
  static SpecKey choice(String name, List<String> allowed, String defaultValue, String description) {
    return new SpecKey(name, Type.STRING, description, allowed, Optional.ofNullable(defaultValue), false, List.of());
  }

  /** An object holding {@code keys}. */
  static SpecKey object(String name, Type type, String description, List<SpecKey> keys) {
    return new SpecKey(name, type, description, List.of(), Optional.empty(), false, keys);
  }

  SpecKey requiredKey() {
    return new SpecKey(name, type, description, allowed, defaultValue, true, keys);
  }

  SpecKey withDefault(String value) {
    return new SpecKey(name, type, description, allowed, Optional.of(value), required, keys);
  }
}
