package dev.lakepipe.pipelines;

import java.time.LocalDate;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The generator's options shared by the demos: how many orders and shops, the seed and the first day. */
final class GeneratorOptions {
  @Option(names = "--orders-per-day", paramLabel = "N", defaultValue = "2000",
      description = "Orders created per day (default: ${DEFAULT-VALUE}).")
  long ordersPerDay;

  @Option(names = "--shops", paramLabel = "N", defaultValue = "100",
      description = "Number of shops (default: ${DEFAULT-VALUE}).")
  int shops;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "Seed of the generator; the same seed gives the same data (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--start-date", paramLabel = "YYYY-MM-DD", defaultValue = "2026-11-01",
      description = "The first day of orders, UTC (default: ${DEFAULT-VALUE}).")
  LocalDate startDate;

  /**
   * The generator's config for {@code days} days.
   *
   * @throws ParameterException when a size is not positive (exit code 2)
   */
  EcommerceGenerator.Config config(int days, CommandLine commandLine) {
    try {
      return new EcommerceGenerator.Config(seed, startDate, days, ordersPerDay, shops);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new ParameterException(commandLine, e.getMessage(), e);
    }
  }
}
