package dev.lakepipe.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakepipe.step.CustomStep;
import dev.lakepipe.step.StepContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A custom step for the tests: labels rows of its one input whose amount reaches a minimum. */
public final class LabelStep implements CustomStep {
  @Override
  public Dataset<Row> apply(StepContext context) {
    double minimum = Double.parseDouble(context.options().get("min-amount"));
    return context.input("paid")
        .where(col("amount").geq(minimum))
        .withColumn("label", lit(context.options().get("label")))
        .withColumn("logical_date", lit(context.logicalTime().toString().substring(0, 10)));
  }
}
