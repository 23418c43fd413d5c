package dev.lakepipe.training;

import dev.lakepipe.cli.CommandExtension;

/** Adds {@code lakepipe export} to the command line. */
public final class ExportExtension implements CommandExtension {
  @Override
  public Object command() {
    return new ExportCommand();
  }
}
