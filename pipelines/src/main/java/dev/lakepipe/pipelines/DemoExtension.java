package dev.lakepipe.pipelines;

import dev.lakepipe.cli.CommandExtension;

/** Adds {@code lakepipe demo} to the command line. */
public final class DemoExtension implements CommandExtension {
  @Override
  public Object command() {
    return new DemoCommand();
  }
}
