package dev.lakepipe.format;

import dev.lakepipe.spec.SchemaEvolution;
import java.util.List;

/**
 * The rows of a write differ from the table's schema in a way that the target's {@code schema-evolution} policy, or
 * the table's format, does not apply. Thrown before the write commits anything to the table.
 */
public class SchemaEvolutionException extends RuntimeException {
  private final List<String> refusals;

  /** @param refusals one message per refused column, naming it and both types */
  public SchemaEvolutionException(TableAddress address, SchemaEvolution policy, List<String> refusals) {
    super("schema-evolution = " + policy.specName() + " refuses the rows for " + address.location() + ": "
        + String.join("; ", refusals) + "; nothing was committed to it");
    this.refusals = List.copyOf(refusals);
  }

  /** One message per refused column. */
  public List<String> refusals() {
    return refusals;
  }
}
