package dev.lakepipe.pipelines.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lakepipe bench}: benchmarks that measure alternatives side by side in one process and print one JSON line
 * per measurement, with the peak heap beside the times. They are commands, not tests: timings on shared machines are
 * noisy, ratios measured in one run are not.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    subcommands = {IncrementalBench.class, QualityBench.class, StreamingBench.class},
    description = "Benchmarks on generated e-commerce data; each prints JSON lines to stdout.")
public final class BenchCommand implements Runnable {
  @Spec
  CommandSpec command;

  @Override
  public void run() {
    command.commandLine().usage(command.commandLine().getOut());
  }
}
