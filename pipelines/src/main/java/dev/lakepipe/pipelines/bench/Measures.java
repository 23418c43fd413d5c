package dev.lakepipe.pipelines.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** What the benchmarks measure the same way: elapsed seconds, medians, the peak heap and resident memory. */
final class Measures {
  private static final Path PROCESS_STATUS = Path.of("/proc/self/status");
  private static final Path PROCESS_CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private Measures() {}

  /** Seconds that {@code work} took. */
  static double seconds(Supplier<?> work) {
    long start = System.nanoTime();
    work.get();
    return (System.nanoTime() - start) / 1e9;
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

  /** Starts the peaks of {@link #peakHeapMegabytes()} and {@link #peakResidentMegabytes()} anew. */
  static void resetPeaks() {
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    try {
      // Linux: "5" resets the process's peak resident set size (VmHWM) to the current one.
      Files.writeString(PROCESS_CLEAR_REFS, "5");
    } catch (IOException | UnsupportedOperationException e) {
      // Not Linux, or not allowed: the resident peak then counts from the process start.
    }
  }

  /** The sum of the heap pools' peak usage since the last {@link #resetPeaks()}. */
  static long peakHeapMegabytes() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed()).sum() >> 20;
  }

  /** The process's peak resident set size (VmHWM of /proc/self/status); empty where there is no such file. */
  static OptionalLong peakResidentMegabytes() {
    try {
      return Files.readAllLines(PROCESS_STATUS).stream().filter(line -> line.startsWith("VmHWM:"))
          .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10).findFirst();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }
}
