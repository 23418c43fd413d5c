package dev.lakepipe.pipelines.bench;

import dev.lakepipe.cli.CommandExtension;

/** Adds {@code lakepipe bench} to the command line. */
public final class BenchExtension implements CommandExtension {
  @Override
  public Object command() {
    return new BenchCommand();
  }
}
