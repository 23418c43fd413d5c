package dev.lakepipe.spec;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean" suggestions for misspelt keys and names. */
final class Names {
  private Names() {}

  /** The closest candidate within a small edit distance, if any. */
  static Optional<String> closest(String word, Collection<String> candidates) {
    int limit = Math.max(2, word.length() / 3);
    return candidates.stream()
        .filter(c -> distance(word.toLowerCase(), c.toLowerCase()) <= limit)
        .min(Comparator.comparingInt((String c) -> distance(word.toLowerCase(), c.toLowerCase())).thenComparing(c -> c));
  }

  /** " did you mean 'x'?" or an empty string. */
  static String suggestion(String word, Collection<String> candidates) {
    return closest(word, candidates).map(c -> "; did you mean '" + c + "'?").orElse("");
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
