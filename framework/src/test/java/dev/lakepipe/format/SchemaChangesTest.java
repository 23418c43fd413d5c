package dev.lakepipe.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.spec.SchemaEvolution;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The format-neutral schema comparison, without Spark running: what each policy lets through, and why not. */
class SchemaChangesTest {
  private static final StructType TABLE = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("qty", DataTypes.IntegerType)
      .add("price", DataTypes.createDecimalType(10, 2))
      .add("note", DataTypes.StringType);

  @Test
  void sameColumnsInAnotherOrderAndCaseChangeNothing() {
    StructType rows = new StructType().add("NOTE", DataTypes.StringType).add("id", DataTypes.LongType)
        .add("Qty", DataTypes.IntegerType).add("price", DataTypes.createDecimalType(10, 2));
    SchemaChanges changes = SchemaChanges.between(TABLE, rows);
    assertFalse(changes.changesTable());
    assertEquals(List.of(), changes.refusals(SchemaEvolution.FAIL, (from, to) -> Optional.empty()));
  }

  @Test
  void eachPolicyRefusesWhatItDoesNotApplyNamingTheColumnAndBothTypes() {
    StructType rows = new StructType().add("id", DataTypes.LongType).add("qty", DataTypes.LongType)
        .add("price", DataTypes.createDecimalType(12, 2)).add("note", DataTypes.StringType)
        .add("channel", DataTypes.StringType);
    SchemaChanges changes = SchemaChanges.between(TABLE, rows);
    assertTrue(changes.changesTable());
    assertEquals(List.of(
            "column channel (STRING) is not in the table: adding it needs schema-evolution = add-columns or widen,"
                + " not fail",
            "column qty is INT in the table and BIGINT in the rows: widening it needs schema-evolution = widen, not fail",
            "column price is DECIMAL(10,2) in the table and DECIMAL(12,2) in the rows: widening it needs"
                + " schema-evolution = widen, not fail"),
        changes.refusals(SchemaEvolution.FAIL, (from, to) -> Optional.empty()));
    assertEquals(2, changes.refusals(SchemaEvolution.ADD_COLUMNS, (from, to) -> Optional.empty()).size());
    assertEquals(List.of(), changes.refusals(SchemaEvolution.WIDEN, (from, to) -> Optional.empty()));
    assertEquals(List.of("column price is DECIMAL(10,2) in the table and DECIMAL(12,2) in the rows: no decimals"),
        changes.refusals(SchemaEvolution.WIDEN, (from, to) -> from.equals(DataTypes.IntegerType) ? Optional.empty()
            : Optional.of("no decimals")));
  }

  @Test
  void dropsRenamesAndUnsafeTypeChangesAreRefusedUnderEveryPolicy() {
    StructType rows = new StructType().add("id", DataTypes.LongType).add("qty", DataTypes.StringType)
        .add("price", DataTypes.createDecimalType(12, 4)).add("remark", DataTypes.StringType);
    List<String> refusals = SchemaChanges.between(TABLE, rows)
        .refusals(SchemaEvolution.WIDEN, (from, to) -> Optional.empty());
    assertEquals(List.of(
        "column note (STRING) is in the table but not in the rows (renamed to remark?): no schema-evolution drops or"
            + " renames a column",
        "column qty is INT in the table and STRING in the rows: not a safe widening (a wider integer, FLOAT to DOUBLE,"
            + " DECIMAL with more precision and the same scale); no schema-evolution applies it",
        "column price is DECIMAL(10,2) in the table and DECIMAL(12,4) in the rows: not a safe widening (a wider"
            + " integer, FLOAT to DOUBLE, DECIMAL with more precision and the same scale); no schema-evolution applies"
            + " it"), refusals);
  }

  @Test
  void rowsNarrowerThanTheTableAreWrittenAtTheTablesType() {
    StructType rows = new StructType().add("id", DataTypes.IntegerType).add("qty", DataTypes.ShortType)
        .add("price", DataTypes.createDecimalType(8, 2)).add("note", DataTypes.StringType);
    SchemaChanges changes = SchemaChanges.between(TABLE, rows);
    assertFalse(changes.changesTable());
    assertEquals(List.of(), changes.refusals(SchemaEvolution.FAIL, (from, to) -> Optional.of("never")));
  }
}
