package dev.lakepipe.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** The peak heap and resident memory of this JVM, which every benchmark prints beside its times. */
public final class MemoryPeaks {
  private static final Path PROCESS_STATUS = Path.of("/proc/self/status");
  private static final Path PROCESS_CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private MemoryPeaks() {}

  /** Starts the peaks of {@link #peakHeapMegabytes()} and {@link #peakResidentMegabytes()} anew. */
  public static void resetPeaks() {
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    try {
      // Linux: "5" resets the process's peak resident set size (VmHWM) to the current one.
      Files.writeString(PROCESS_CLEAR_REFS, "5");
    } catch (IOException | UnsupportedOperationException e) {
      // Not Linux, or not allowed: the resident peak then counts from the process start.
    }
  }

  /** The sum of the heap pools' peak usage since the last {@link #resetPeaks()}. */
  public static long peakHeapMegabytes() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed()).sum() >> 20;
  }

  /** The process's peak resident set size (VmHWM of /proc/self/status); empty where there is no such file. */
  public static OptionalLong peakResidentMegabytes() {
    try {
      return Files.readAllLines(PROCESS_STATUS).stream().filter(line -> line.startsWith("VmHWM:"))
          .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10).findFirst();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }
}
