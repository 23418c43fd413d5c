package dev.lakepipe.step;

import dev.lakepipe.spec.SpecKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A kind of step a module adds to the spec language (a service of {@link java.util.ServiceLoader}): a spec step
 * {@code kind = <name>} with its settings in a block of the same name, e.g. {@code kind = sequence} and
 * {@code sequence { ... }}. The framework validates the block against {@link #keys()}, orders the step after the
 * relations {@link #inputs} names and computes it with {@link #step()}; the step is otherwise like any other
 * (a view for later steps, a target's {@code from}).
 */
public interface StepKind {
  /** The value of {@code kind}, and the name of the block of settings. */
  String name();

  /** What the kind computes, for {@code lakepipe schema}. */
  String description();

  /** The keys of the block; lists arrive comma-separated in the settings. */
  List<SpecKey> keys();

  /** The sources and steps a step of this kind reads, from its block's settings. */
  List<String> inputs(Map<String, String> settings);

  /**
   * Why the settings, each key of the right type already, do not make a step; empty when they do.
   */
  default Optional<String> problem(Map<String, String> settings) {
    return Optional.empty();
  }

  /**
   * How an incremental run recomputes a target of this kind, for {@code plan}: the kind's rows are not row-wise
   * over their inputs, so a target fed by one is refreshed by affected keys.
   */
  String incremental(Map<String, String> settings);

  /** Computes a step: its context holds the inputs and the block's settings as its options. */
  CustomStep step();
}
