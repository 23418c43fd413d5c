package dev.lakepipe.step;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A step written in Java, for what SQL cannot say. Named in a spec as {@code class = com.example.MyStep} with
 * its {@code inputs}; the class needs a public no-argument constructor.
 */
public interface CustomStep {
  /**
   * Computes the step's rows from its inputs. Called once per run; the result is read lazily like any step.
   *
   * @throws RuntimeException any failure; the run fails with the step's name in the message
   */
  Dataset<Row> apply(StepContext context);
}
