package dev.lakepipe.pipelines.bench;

import dev.lakepipe.pipelines.bench.MarketplaceHistory.Increment;
import dev.lakepipe.run.NodeResult;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Consecutive hourly increments, summarised over those after the first: the first hour of a process pays for
 * warming up (classes, caches, the first commit of each target after a full run), later hours show what an
 * hourly run costs.
 */
final class HourlyIncrements {
  private final List<Increment> all;
  private final List<Increment> measured;

  /** @throws IllegalArgumentException when there are fewer than two increments */
  HourlyIncrements(List<Increment> all) {
    if (all.size() < 2) {
      throw new IllegalArgumentException("at least two increments are needed, the first one is not measured");
    }
    this.all = List.copyOf(all);
    this.measured = this.all.subList(1, all.size());
  }

  double firstSeconds() {
    return all.get(0).seconds();
  }

  double medianSeconds() {
    return median(Increment::seconds);
  }

  double medianSparkJobs() {
    return median(Increment::sparkJobs);
  }

  /** Rows the tasks of an increment read from storage (Spark's input metrics), median. */
  double medianRowsRead() {
    return median(increment -> increment.work().total().rowsRead());
  }

  /** Bytes the tasks of an increment read from storage (Spark's input metrics), median. */
  double medianBytesRead() {
    return median(increment -> increment.work().total().bytesRead());
  }

  /** Files the scans of an increment read (data, delete, log and checkpoint files), median. */
  double medianFilesRead() {
    return median(increment -> increment.work().total().filesRead());
  }

  /** Rows the targets' writes upserted or deleted in an increment, median: the size of the hour's change. */
  double medianRowsWritten() {
    return median(increment -> increment.run().nodes().stream()
        .filter(node -> node.kind() == NodeResult.Kind.WRITE)
        .mapToLong(node -> node.rows().orElse(0)).sum());
  }

  double medianFilesWritten() {
    return median(increment -> increment.written().files());
  }

  double medianBytesWritten() {
    return median(increment -> increment.written().bytes());
  }

  /** Every hour's seconds, the first included. */
  List<Double> secondsEach() {
    return all.stream().map(Increment::seconds).toList();
  }

  /** Every hour's Spark jobs, the first included. */
  List<Long> sparkJobsEach() {
    return all.stream().map(Increment::sparkJobs).toList();
  }

  /** The measured increment whose time is the median (the lower of the two middle ones for an even count). */
  Increment typical() {
    List<Increment> sorted = measured.stream().sorted(Comparator.comparingDouble(Increment::seconds)).toList();
    return sorted.get((sorted.size() - 1) / 2);
  }

  private double median(ToDoubleFunction<Increment> value) {
    return Measures.median(measured.stream().map(value::applyAsDouble).toList());
  }
}
