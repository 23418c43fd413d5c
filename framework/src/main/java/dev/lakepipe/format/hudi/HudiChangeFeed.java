package dev.lakepipe.format.hudi;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.transform_values;
import static org.apache.spark.sql.functions.when;

import dev.lakepipe.format.ChangeRows;
import dev.lakepipe.format.ChangeSet;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.format.TableAddress;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.cdc.HoodieCDCExtractor;
import org.apache.hudi.common.table.cdc.HoodieCDCFileSplit;
import org.apache.hudi.common.table.cdc.HoodieCDCUtils;
import org.apache.hudi.common.table.log.InstantRange;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Hudi's CDC query turned into change rows. The query gives one row per change: {@code op} (i, u, d), {@code
 * ts_ms} (the commit's instant time) and the images {@code before} and {@code after} as JSON strings, written two
 * ways in Hudi 1.1.1:
 * <ul>
 *   <li>from the CDC log files of upserts and deletes, with Avro's {@code toString}: timestamps in microseconds,
 *       dates in days, decimals as arrays of the bytes of the unscaled value. These are decoded here.
 *   <li>from base files (inserts into new file groups, file groups emptied by a delete, file groups replaced by
 *       an overwrite), with Jackson over Spark's internal row: these carry the {@code _hoodie_*} columns, and a
 *       decimal value comes out as {@code {"zero":false}}, its value lost. These images are read again, exactly,
 *       from the base file they name, joined on the file name and record key.
 * </ul>
 */
final class HudiChangeFeed {
  private static final String PREFIX = "__lakepipe_hudi_";
  private static final String TYPE = PREFIX + "type";
  private static final String IMAGE = PREFIX + "image";
  private static final String IMAGES = PREFIX + "images";
  private static final String FILE = PREFIX + "file";
  private static final String KEY = PREFIX + "key";
  private static final String STORED = PREFIX + "stored";

  private final SparkSession spark;
  private final TableAddress address;

  HudiChangeFeed(SparkSession spark, TableAddress address) {
    this.spark = spark;
    this.address = address;
  }

  /**
   * The changes of the commits whose instant time is after {@code since} and up to {@code until}, which is how
   * Hudi 1.1.1's CDC query selects commits ({@code HoodieCDCExtractor}: an open-closed range of requested
   * instant times, although the option names speak of completion times). With concurrent writers, a commit
   * requested before {@code since} but completed after it would never be read; lakepipe writes a table from one
   * run at a time.
   *
   * @param commits the instant times of the completed commits in that range, oldest first
   * @param table the table's own schema
   * @throws UnsupportedOperationException for merge-on-read log files and for column types the CDC images cannot
   *     carry (binary, timestamp without time zone)
   */
  Dataset<Row> read(HoodieTableMetaClient client, String since, String until, List<String> commits, StructType table) {
    requireDecodable(table);
    Dataset<Row> cdc = spark.read().format("hudi").options(address.options())
        .option("hoodie.datasource.query.type", "incremental")
        .option("hoodie.datasource.query.incremental.format", "cdc")
        .option("hoodie.datasource.read.begin.instanttime", since)
        .option("hoodie.datasource.read.end.instanttime", until)
        .load(address.requirePath());
    Column op = col(HoodieCDCUtils.CDC_OPERATION_TYPE);
    // One row per image: an update gives its pre- and post-image, an insert its after, a delete its before.
    Dataset<Row> images = cdc
        .select(col(HoodieCDCUtils.CDC_COMMIT_TIMESTAMP).as(ChangeSet.COMMIT_SEQ), explode(array(
            struct(when(op.equalTo("u"), lit(ChangeSet.UPDATE_PREIMAGE)).otherwise(lit(ChangeSet.DELETE)).as(TYPE),
                col(HoodieCDCUtils.CDC_BEFORE_IMAGE).as(IMAGE)),
            struct(when(op.equalTo("u"), lit(ChangeSet.UPDATE_POSTIMAGE)).otherwise(lit(ChangeSet.INSERT)).as(TYPE),
                col(HoodieCDCUtils.CDC_AFTER_IMAGE).as(IMAGE)))).as(IMAGES))
        // A missing image is SQL NULL from base files, the string "null" from CDC log files.
        .where(col(IMAGES + "." + IMAGE).isNotNull().and(col(IMAGES + "." + IMAGE).notEqual("null")))
        .select(col(ChangeSet.COMMIT_SEQ), col(IMAGES + "." + TYPE).as(TYPE), col(IMAGES + "." + IMAGE).as(IMAGE))
        .withColumn(ChangeSet.COMMIT_SEQ, ChangeRows.sequence(col(ChangeSet.COMMIT_SEQ), commits));
    Column fileName = get_json_object(col(IMAGE), "$." + HoodieRecord.FILENAME_METADATA_FIELD);

    List<Column> decoded = new ArrayList<>();
    Column parsed = from_json(col(IMAGE), wire(table), Map.of("mode", "FAILFAST"));
    for (StructField field : table.fields()) {
      decoded.add(decode(parsed.getField(field.name()), field.dataType()).as(field.name()));
    }
    decoded.add(col(TYPE).as(ChangeSet.CHANGE_TYPE));
    decoded.add(col(ChangeSet.COMMIT_SEQ));
    Dataset<Row> fromLogs = images.where(fileName.isNull()).select(decoded.toArray(Column[]::new));

    Dataset<Row> fromFiles = images.where(fileName.isNotNull())
        .select(col(TYPE), col(ChangeSet.COMMIT_SEQ), fileName.as(FILE),
            get_json_object(col(IMAGE), "$." + HoodieRecord.RECORD_KEY_METADATA_FIELD).as(KEY))
        .join(storedRows(client, since, until, table), new String[] {FILE, KEY}, "left");
    List<Column> stored = new ArrayList<>();
    for (StructField field : table.fields()) {
      stored.add(col(SqlMerge.quote(field.name())));
    }
    stored.add(col(TYPE).as(ChangeSet.CHANGE_TYPE));
    stored.add(ChangeRows.orFail(when(col(STORED), col(ChangeSet.COMMIT_SEQ)),
        "a Hudi CDC image names a base file that the CDC file splits do not list").as(ChangeSet.COMMIT_SEQ));
    return fromLogs.unionByName(fromFiles.select(stored.toArray(Column[]::new)));
  }

  /**
   * The rows of the base files whose records the CDC query renders with Jackson (the same files Hudi's query reads
   * for those images, found the same way), with their file name, record key and a column that is always true.
   */
  private Dataset<Row> storedRows(HoodieTableMetaClient client, String since, String until, StructType table) {
    InstantRange range = InstantRange.builder().startInstant(since).endInstant(until)
        .nullableBoundary(true).rangeType(InstantRange.RangeType.OPEN_CLOSED).build();
    // By name: a file is listed once as the insert of one commit and again as the delete of a later one.
    Map<String, String> files = new LinkedHashMap<>();
    for (List<HoodieCDCFileSplit> splits : new HoodieCDCExtractor(client, range, false).extractCDCFileSplits().values()) {
      for (HoodieCDCFileSplit split : splits) {
        switch (split.getCdcInferCase()) {
          case BASE_FILE_INSERT -> split.getCdcFiles()
              .forEach(file -> add(files, new Path(client.getBasePath().toString(), file)));
          case BASE_FILE_DELETE, REPLACE_COMMIT ->
              add(files, new Path(split.getBeforeFileSlice().get().getBaseFile().get().getPath()));
          case AS_IS -> { }
          case LOG_FILE -> throw new UnsupportedOperationException("cannot read the changes of Hudi table "
              + address.name() + ": it has merge-on-read log files, whose CDC images lose decimal values");
        }
      }
    }
    StructType schema = table.add(HoodieRecord.RECORD_KEY_METADATA_FIELD, DataTypes.StringType);
    Dataset<Row> rows = files.isEmpty()
        ? spark.createDataFrame(List.of(), schema)
        : spark.read().schema(schema).parquet(files.values().toArray(String[]::new));
    return rows
        .withColumn(FILE, element_at(split(input_file_name(), "/"), -1))
        .withColumnRenamed(HoodieRecord.RECORD_KEY_METADATA_FIELD, KEY)
        .withColumn(STORED, lit(true));
  }

  private static void add(Map<String, String> files, Path file) {
    files.putIfAbsent(file.getName(), file.toString());
  }

  /** @throws UnsupportedOperationException for a column type the CDC log images cannot carry */
  private void requireDecodable(DataType type) {
    if (type instanceof BinaryType || type instanceof TimestampNTZType) {
      throw new UnsupportedOperationException("cannot read the changes of Hudi table " + address.name()
          + ": its CDC images cannot carry columns of type " + type.simpleString());
    }
    if (type instanceof StructType struct) {
      Arrays.stream(struct.fields()).forEach(field -> requireDecodable(field.dataType()));
    } else if (type instanceof ArrayType array) {
      requireDecodable(array.elementType());
    } else if (type instanceof MapType map) {
      requireDecodable(map.keyType());
      requireDecodable(map.valueType());
    }
  }

  /** The type Avro's JSON rendering of a value of {@code type} parses as. */
  private static DataType wire(DataType type) {
    if (type instanceof TimestampType) {
      return DataTypes.LongType;
    } else if (type instanceof DateType) {
      return DataTypes.IntegerType;
    } else if (type instanceof DecimalType) {
      return DataTypes.createArrayType(DataTypes.IntegerType);
    } else if (type instanceof StructType struct) {
      StructType wired = new StructType();
      for (StructField field : struct.fields()) {
        wired = wired.add(field.name(), wire(field.dataType()), true);
      }
      return wired;
    } else if (type instanceof ArrayType array) {
      return DataTypes.createArrayType(wire(array.elementType()));
    } else if (type instanceof MapType map) {
      return DataTypes.createMapType(map.keyType(), wire(map.valueType()));
    }
    return type;
  }

  /** The value of {@code type} from its {@link #wire} form. */
  private static Column decode(Column value, DataType type) {
    if (type instanceof TimestampType) {
      return timestamp_micros(value);
    } else if (type instanceof DateType) {
      return date_from_unix_date(value);
    } else if (type instanceof DecimalType decimal) {
      return functions.udf(new UnscaledBytes(decimal.scale()), decimal).apply(value);
    } else if (type instanceof StructType struct) {
      Column[] fields = Arrays.stream(struct.fields())
          .map(field -> decode(value.getField(field.name()), field.dataType()).as(field.name()))
          .toArray(Column[]::new);
      return when(value.isNotNull(), struct(fields));
    } else if (type instanceof ArrayType array) {
      return transform(value, element -> decode(element, array.elementType()));
    } else if (type instanceof MapType map) {
      return transform_values(value, (key, element) -> decode(element, map.valueType()));
    }
    return value;
  }

  /** A decimal from the big-endian two's-complement bytes of its unscaled value, as Avro renders a fixed decimal. */
  private static final class UnscaledBytes implements UDF1<Seq<Integer>, BigDecimal> {
    private final int scale;

    UnscaledBytes(int scale) {
      this.scale = scale;
    }

    @Override
    public BigDecimal call(Seq<Integer> bytes) {
      if (bytes == null) {
        return null;
      }
      List<Integer> list = JavaConverters.seqAsJavaList(bytes);
      byte[] unscaled = new byte[list.size()];
      for (int i = 0; i < unscaled.length; i++) {
        unscaled[i] = list.get(i).byteValue();
      }
      return new BigDecimal(new BigInteger(unscaled), scale);
    }
  }
}
