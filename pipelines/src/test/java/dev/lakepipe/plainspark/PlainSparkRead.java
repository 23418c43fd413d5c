package dev.lakepipe.plainspark;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * Reads the tables of the orders pipeline the way any Spark user would: a session with the table formats'
 * documented settings, no lakepipe class on the class path. Prints one line per table, {@code name fingerprint}
 * (see {@link #fingerprint}), and whether lakepipe's framework was visible.
 *
 * <p>Arguments: the warehouse folder. The tables are where the spec's {@code table = "dw.name"} puts them: Hudi
 * and Delta at {@code <warehouse>/dw/name}, Iceberg in a Hadoop catalog over the warehouse.
 */
public final class PlainSparkRead {
  /** Printed with true or false: whether a lakepipe framework class could be loaded. */
  public static final String FRAMEWORK_VISIBLE = "framework-visible";

  private PlainSparkRead() {}

  public static void main(String[] args) {
    String warehouse = args[0];
    SparkSession spark = SparkSession.builder()
        .master("local[2]")
        .appName("plain-spark-read")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension,"
            + "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions,"
            + "org.apache.spark.sql.hudi.HoodieSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.lake.type", "hadoop")
        .config("spark.sql.catalog.lake.warehouse", warehouse)
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "org.apache.spark.HoodieSparkKryoRegistrar")
        .getOrCreate();
    try {
      Dataset<Row> hudi = spark.read().format("hudi").load(warehouse + "/dw/order_detail");
      String[] hudiMetaColumns = Arrays.stream(hudi.columns()).filter(c -> c.startsWith("_hoodie_"))
          .toArray(String[]::new);
      System.out.println("order_detail " + fingerprint(hudi.drop(hudiMetaColumns)));
      System.out.println("gmv_by_shop_day "
          + fingerprint(spark.read().format("delta").load(warehouse + "/dw/gmv_by_shop_day")));
      System.out.println("order_status_daily " + fingerprint(spark.table("lake.dw.order_status_daily")));
      System.out.println(FRAMEWORK_VISIBLE + " " + frameworkVisible());
    } finally {
      spark.stop();
    }
  }

  /**
   * An order-insensitive fingerprint of a table's content: its columns with their types (by name), its row
   * count and the sum of a hash of every row.
   */
  public static String fingerprint(Dataset<Row> rows) {
    StructField[] fields = rows.schema().fields();
    String columns = Arrays.stream(fields).map(f -> f.name() + ":" + f.dataType().simpleString()).sorted()
        .collect(Collectors.joining(","));
    String hashed = Arrays.stream(fields).map(StructField::name).sorted().map(n -> "`" + n + "`")
        .collect(Collectors.joining(", "));
    Row summary = rows.selectExpr("count(*)", "sum(CAST(xxhash64(" + hashed + ") AS DECIMAL(38, 0)))").head();
    return "columns=" + columns + " rows=" + summary.getLong(0) + " hash=" + summary.get(1);
  }

  private static boolean frameworkVisible() {
    try {
      Class.forName("dev.lakepipe.run.BatchRun");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
