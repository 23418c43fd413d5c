package dev.lakepipe.run;

import dev.lakepipe.plan.IncrementalStrategy;
import java.util.List;
import java.util.stream.Collectors;

/** A pipeline has a target that an incremental run cannot compute; nothing ran. Exit code 2. */
public class IncrementalNotSupportedException extends RuntimeException {
  public IncrementalNotSupportedException(List<IncrementalStrategy> refused) {
    super("cannot run incrementally: " + refused.stream().map(s -> "target " + s.target() + " " + s.reason())
        .collect(Collectors.joining("; ")) + ". Run with --mode full");
  }
}
