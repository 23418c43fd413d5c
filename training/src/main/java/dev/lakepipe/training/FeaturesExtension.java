package dev.lakepipe.training;

import dev.lakepipe.cli.CommandExtension;

/** Adds {@code lakepipe features} to the command line. */
public final class FeaturesExtension implements CommandExtension {
  @Override
  public Object command() {
    return new FeaturesCommand();
  }
}
