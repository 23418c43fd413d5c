package dev.lakepipe.plan;

import dev.lakepipe.format.TableFormats;
import dev.lakepipe.spec.FormatTraits;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.TargetSpec;
import dev.lakepipe.spec.WriteMode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Why a run in a mode would refuse a plan before reading any data, decided from the spec alone (no Spark): a run
 * refuses with these messages, and {@code validate} finds them for the mode a spec names.
 */
public final class RunRefusals {
  private static final Set<WriteMode> STREAM_MODES = EnumSet.of(WriteMode.APPEND, WriteMode.UPSERT, WriteMode.DELETE);

  private RunRefusals() {}

  /** The refusal of the mode the spec names ({@code mode = incremental | streaming}), if it would be refused. */
  public static Optional<String> ofSpecMode(JobSpec spec) {
    Plan plan = Plan.of(spec);
    String mode = spec.mode().orElse("full");
    if (mode.equals("streaming")) {
      return streaming(plan);
    }
    if (mode.equals("incremental")) {
      return incremental(plan).map(message -> message + ". Run with --mode full");
    }
    return Optional.empty();
  }

  /**
   * Why a streaming run cannot compute the plan: a target with no streamed source, more than one, a mode other
   * than append, upsert and delete, or a format without commits.
   */
  public static Optional<String> streaming(Plan plan) {
    List<String> reasons = new ArrayList<>();
    for (TargetSpec target : plan.writes()) {
      List<SourceSpec> streamedSources = streamedSources(plan, target);
      List<String> streamed = streamedSources.stream().map(SourceSpec::name).toList();
      if (streamed.size() == 1) {
        strategyProblem(plan, target, streamedSources.get(0)).ifPresent(reasons::add);
      }
      if (streamed.isEmpty()) {
        reasons.add("target " + target.name() + " reads no streamed source (read = stream, or a stream format"
            + " such as kafka)");
      } else if (streamed.size() > 1) {
        reasons.add("target " + target.name() + " reads " + streamed.size() + " streamed sources ("
            + String.join(", ", streamed) + "); one stream drives a target, the other sources are read as snapshots");
      }
      if (!STREAM_MODES.contains(target.mode())) {
        reasons.add("target " + target.name() + " has mode " + target.mode().specName()
            + ", which does not apply to a stream (append, upsert, delete)");
      }
      FormatTraits format = TableFormats.get(target.format());
      if (!format.supportsChangeReads()) {
        reasons.add("target " + target.name() + " is " + format.name() + ", which keeps no commits to write each"
            + " micro-batch exactly once");
      }
    }
    return reasons.isEmpty() ? Optional.empty() : Optional.of("cannot run as a stream: " + String.join("; ", reasons));
  }

  /** Why an incremental run cannot compute the plan: the targets that have no incremental strategy. */
  public static Optional<String> incremental(Plan plan) {
    List<IncrementalStrategy> refused = plan.writes().stream().map(t -> IncrementalStrategy.of(plan, t))
        .filter(s -> !s.isIncremental()).toList();
    return refused.isEmpty() ? Optional.empty() : Optional.of("cannot run incrementally: " + refused.stream()
        .map(s -> "target " + s.target() + " " + s.reason()).collect(Collectors.joining("; ")));
  }

  /** The sources a streaming run streams into a target: read = stream, or of a stream format. */
  public static List<SourceSpec> streamedSources(Plan plan, TargetSpec target) {
    Set<String> upstream = plan.upstream(target.from());
    return plan.reads().stream().filter(s -> s.streamed() && upstream.contains(s.name())).toList();
  }

  /**
   * Why the target's steps cannot run per micro-batch: neither row-wise over the stream nor recomputable for the
   * keys a micro-batch affects, which needs a snapshot of the streamed source to recompute from.
   */
  private static Optional<String> strategyProblem(Plan plan, TargetSpec target, SourceSpec streamed) {
    IncrementalStrategy strategy = IncrementalStrategy.ofStream(plan, target, streamed.name());
    if (!strategy.isIncremental()) {
      return Optional.of("target " + target.name() + " is " + strategy.reason());
    }
    FormatTraits format = TableFormats.get(streamed.format());
    if (strategy.kind() == IncrementalStrategy.Kind.AFFECTED_KEYS && !format.supportsTimeTravel()) {
      return Optional.of("target " + target.name() + " needs " + strategy.reason() + "; but " + streamed.name()
          + " is a " + format.name() + " source, which keeps no snapshot to recompute from: append the stream to a"
          + " table with one target, and read that table with read = stream for target " + target.name());
    }
    return Optional.empty();
  }
}
