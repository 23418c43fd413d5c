package dev.lakepipe.spec;

import java.util.Comparator;

/**
 * One problem found in a spec, located where a user can fix it: {@code file:line: key: message}.
 *
 * @param file the file as the user named it, or {@code --set} for a command-line override
 * @param line 1-based line, or the 1-based position among the {@code --set} arguments
 * @param key the full path of the offending key, e.g. {@code targets.orders.mode}
 */
public record SpecProblem(String file, int line, String key, String message) {
  public static final Comparator<SpecProblem> ORDER = Comparator.comparing(SpecProblem::file)
      .thenComparingInt(SpecProblem::line)
      .thenComparing(SpecProblem::key)
      .thenComparing(SpecProblem::message);

  @Override
  public String toString() {
    return file + ":" + line + ": " + key + ": " + message;
  }
}
