package dev.lakepipe.step;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;

/** The step kinds on the class path, in name order. */
public final class StepKinds {
  private static final List<StepKind> ALL = StreamSupport.stream(
          ServiceLoader.load(StepKind.class, StepKinds.class.getClassLoader()).spliterator(), false)
      .sorted(java.util.Comparator.comparing(StepKind::name)).toList();

  private StepKinds() {}

  public static List<StepKind> all() {
    return ALL;
  }

  public static Optional<StepKind> named(String name) {
    return ALL.stream().filter(k -> k.name().equals(name)).findFirst();
  }
}
