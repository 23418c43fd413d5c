package dev.lakepipe.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A spec that cannot run, with every problem found in it. */
public class InvalidSpecException extends Exception {
  private final List<SpecProblem> problems;

  public InvalidSpecException(List<SpecProblem> problems) {
    super(problems.stream().sorted(SpecProblem.ORDER).map(SpecProblem::toString).collect(Collectors.joining("\n")));
    this.problems = problems.stream().sorted(SpecProblem.ORDER).toList();
  }

  /** The problems, sorted by file and line. */
  public List<SpecProblem> problems() {
    return problems;
  }
}
