package dev.lakepipe.step;

import java.time.Instant;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a {@link CustomStep} receives.
 *
 * @param inputs the step's declared inputs, by name
 * @param options the step's {@code options} from the spec
 * @param logicalTime the logical time of the run (the hour or day it computes)
 */
public record StepContext(
    SparkSession spark, String step, Map<String, Dataset<Row>> inputs, Map<String, String> options,
    Instant logicalTime) {
  public StepContext {
    inputs = Map.copyOf(inputs);
    options = Map.copyOf(options);
  }

  /**
   * @throws IllegalArgumentException when the step declared no input of that name
   */
  public Dataset<Row> input(String name) {
    Dataset<Row> input = inputs.get(name);
    if (input == null) {
      throw new IllegalArgumentException("step " + step + " has no input " + name + "; its inputs are "
          + inputs.keySet());
    }
    return input;
  }
}
