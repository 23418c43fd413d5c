package dev.lakepipe.format.delta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakepipe.format.CommitContext;
import java.util.Map;
import java.util.stream.Collectors;

/** Commit properties kept in a Delta commit's user metadata, as one JSON object of strings. */
final class UserMetadata {
  private static final ObjectMapper JSON = new ObjectMapper();

  private UserMetadata() {}

  static String encode(Map<String, String> properties) {
    try {
      return JSON.writeValueAsString(properties);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings is always JSON", e);
    }
  }

  /** The lakepipe properties in a commit's user metadata; none when another writer put something else there. */
  static Map<String, String> decode(String userMetadata) {
    if (userMetadata == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(userMetadata, new TypeReference<Map<String, Object>>() {}).entrySet().stream()
          .filter(entry -> entry.getKey().startsWith(CommitContext.PREFIX))
          .collect(Collectors.toMap(Map.Entry::getKey, entry -> String.valueOf(entry.getValue())));
    } catch (JsonProcessingException e) {
      return Map.of();
    }
  }
}
