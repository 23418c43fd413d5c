package dev.lakepipe.pipelines.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.function.Supplier;

/** What the benchmarks measure the same way: elapsed seconds and medians (memory: {@link dev.lakepipe.cli.MemoryPeaks}). */
final class Measures {
  private Measures() {}

  /** What a piece of work returned and the seconds it took. */
  record Timed<T>(T result, double seconds) {}

  /** Seconds that {@code work} took. */
  static double seconds(Supplier<?> work) {
    return timed(work).seconds();
  }

  static <T> Timed<T> timed(Supplier<T> work) {
    long start = System.nanoTime();
    T result = work.get();
    return new Timed<>(result, (System.nanoTime() - start) / 1e9);
  }

  /** @throws IllegalArgumentException when there are no values */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("the median of no values");
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }

  /** A value for a JSON line, with this many decimals. */
  static BigDecimal rounded(double value, int decimals) {
    return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP);
  }
}
