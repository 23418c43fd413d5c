package dev.lakepipe.training;

import dev.lakepipe.spec.SpecKey;
import dev.lakepipe.spec.StreamingSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The settings of a step kind's block, as the spec check hands them over (lists comma-separated). */
record KindSettings(Map<String, String> values) {
  KindSettings {
    values = Map.copyOf(values);
  }

  /** @throws IllegalArgumentException when the key is absent (the spec check requires it before a run) */
  String text(String key) {
    return optional(key).orElseThrow(() -> new IllegalArgumentException("missing setting " + key));
  }

  Optional<String> optional(String key) {
    return Optional.ofNullable(values.get(key));
  }

  List<String> list(String key) {
    return optional(key).map(v -> Arrays.stream(v.split(",")).map(String::strip).toList()).orElse(List.of());
  }

  /** @throws IllegalArgumentException when the key holds no duration */
  Optional<Duration> duration(String key) {
    return optional(key).map(text -> StreamingSpec.parseDuration(text).orElseThrow(() ->
        new IllegalArgumentException(key + ": '" + text + "' is not a duration such as 30m, 24h or 7d")));
  }

  /** Why a duration setting does not parse; empty when it does or is absent. */
  Optional<String> durationProblem(String key) {
    return optional(key).filter(text -> StreamingSpec.parseDuration(text).isEmpty())
        .map(text -> key + ": '" + text + "' is not a duration such as 30m, 24h or 7d");
  }

  static SpecKey required(String name, SpecKey.Type type, String description) {
    return new SpecKey(name, type, description, List.of(), Optional.empty(), true, List.of());
  }

  static SpecKey optionalKey(String name, SpecKey.Type type, String description) {
    return new SpecKey(name, type, description, List.of(), Optional.empty(), false, List.of());
  }
}
