package dev.lakepipe.quality.cli;

import dev.lakepipe.cli.CommandExtension;

/** Contributes {@code lakepipe quality} to the command line. */
public final class QualityExtension implements CommandExtension {
  @Override
  public Object command() {
    return new QualityCommand();
  }
}
