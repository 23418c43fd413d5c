package dev.lakepipe.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A JSON Schema (draft-07) of job specs, made from {@link SpecKeys}: what editors use to complete and check the keys
 * of YAML and JSON specs. It says what the spec check says about each key alone (its type, its allowed values);
 * what depends on several keys (a mode that needs keys, a format that has no time travel) only the check finds.
 */
public final class SpecSchema {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String SETTING = "#/definitions/setting";

  private final List<String> formats;

  private SpecSchema(Collection<String> formats) {
    this.formats = List.copyOf(new TreeSet<>(formats));
  }

  /**
   * @param formats the names of the table formats a spec may name
   * @return the schema, indented
   */
  public static String json(Collection<String> formats) {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(new SpecSchema(formats).root());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ObjectNode root() {
    ObjectNode root = NODES.objectNode();
    root.put("$schema", "http://json-schema.org/draft-07/schema#");
    root.put("title", "lakepipe job spec");
    root.put("description", "A lakepipe pipeline: sources, steps and targets. `lakepipe validate` checks what this"
        + " schema cannot: keys that depend on each other, and names that must exist.");
    object(root, SpecKeys.ROOT);
    // A setting is a scalar, or an object of settings: nested and dotted keys mean the same.
    ObjectNode setting = NODES.objectNode();
    ArrayNode either = setting.putArray("anyOf");
    either.addObject().set("type", strings("string", "number", "boolean", "null"));
    either.addObject().put("type", "object").putObject("additionalProperties").put("$ref", SETTING);
    root.putObject("definitions").set("setting", setting);
    return root;
  }

  private void object(ObjectNode node, List<SpecKey> keys) {
    node.put("type", "object");
    ObjectNode properties = node.putObject("properties");
    keys.forEach(key -> properties.set(key.name(), value(key)));
    List<String> required = keys.stream().filter(SpecKey::required).map(SpecKey::name).toList();
    if (!required.isEmpty()) {
      node.set("required", strings(required.toArray(String[]::new)));
    }
    node.put("additionalProperties", false);
  }

  private ObjectNode value(SpecKey key) {
    ObjectNode node = NODES.objectNode();
    node.put("description", key.description());
    switch (key.type()) {
      case STRING -> node.put("type", "string").put("minLength", 1);
      case TEXT -> node.set("type", strings("string", "number"));
      case NUMBER -> node.put("type", "number");
      case INTEGER -> node.put("type", "integer").put("minimum", 1);
      case BOOLEAN -> node.put("type", "boolean");
      case STRING_LIST -> {
        node.set("type", strings("string", "array"));
        node.put("minLength", 1);
        node.putObject("items").put("type", "string").put("minLength", 1);
      }
      case SETTINGS -> node.put("type", "object").putObject("additionalProperties").put("$ref", SETTING);
      case FORMAT -> node.put("type", "string").set("enum", strings(formats.toArray(String[]::new)));
      case OBJECT -> object(node, key.keys());
      case NAMED_OBJECTS -> {
        node.put("type", "object");
        ObjectNode entry = node.putObject("additionalProperties");
        object(entry, key.keys());
        constraints(key, entry);
      }
      case NAMED_STRING_MAPS -> node.put("type", "object").putObject("additionalProperties").put("type", "object")
          .putObject("additionalProperties").put("type", "string").put("minLength", 1);
      default -> throw new IllegalStateException("no schema for " + key.type());
    }
    if (!key.allowed().isEmpty()) {
      node.set("enum", strings(key.allowed().toArray(String[]::new)));
    }
    key.defaultValue().ifPresent(value -> {
      if (key.type() == SpecKey.Type.INTEGER) {
        node.put("default", Long.parseLong(value));
      } else {
        node.put("default", value);
      }
    });
    return node;
  }

  /** What the keys of a step or a check require of each other, where a schema can say it. */
  private static void constraints(SpecKey key, ObjectNode entry) {
    if (key.name().equals("steps")) {
      ArrayNode oneOf = entry.putArray("oneOf");
      oneOf.addObject().set("required", strings("sql"));
      oneOf.addObject().set("required", strings("class"));
    } else if (key.name().equals("checks")) {
      ArrayNode kinds = entry.putArray("allOf");
      for (CheckType kind : CheckType.values()) {
        ObjectNode rule = kinds.addObject();
        ObjectNode when = rule.putObject("if");
        when.set("required", strings("kind"));
        when.putObject("properties").putObject("kind").put("const", kind.specName());
        ObjectNode then = rule.putObject("then");
        then.set("required", strings(kind.required().toArray(String[]::new)));
        then.putObject("propertyNames").set("enum", strings(Stream.of(SpecKeys.CHECK_COMMON.stream()
            .map(SpecKey::name), kind.required().stream(), kind.optional().stream()).flatMap(s -> s)
            .toArray(String[]::new)));
      }
    }
  }

  private static ArrayNode strings(String... values) {
    ArrayNode array = NODES.arrayNode();
    for (String value : values) {
      array.add(value);
    }
    return array;
  }
}
