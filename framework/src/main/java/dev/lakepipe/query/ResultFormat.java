package dev.lakepipe.query;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/** How the rows of a query are printed; values are printed exactly as {@link Values} says. */
public enum ResultFormat {
  /**
   * For people: a header, a rule of dashes, then one line per row, columns two spaces apart; numbers aligned right,
   * the rest left; null as {@code null}; line breaks and tabs inside values as {@code \n}, {@code \r}, {@code \t}.
   */
  TABLE("table") {
    @Override
    public void write(QueryResult result, PrintWriter out) {
      StructField[] fields = result.schema().fields();
      List<String[]> lines = new ArrayList<>();
      lines.add(Arrays.stream(fields).map(StructField::name).map(ResultFormat::oneLine).toArray(String[]::new));
      lines.add(null);
      for (Row row : result.rows()) {
        lines.add(IntStream.range(0, fields.length)
            .mapToObj(i -> row.isNullAt(i) ? "null" : oneLine(Values.text(row.get(i))))
            .toArray(String[]::new));
      }
      int[] widths = new int[fields.length];
      lines.stream().filter(line -> line != null)
          .forEach(line -> IntStream.range(0, widths.length).forEach(i -> widths[i] = Math.max(widths[i], width(line[i]))));
      for (String[] line : lines) {
        String text = IntStream.range(0, widths.length)
            .mapToObj(i -> line == null ? "-".repeat(widths[i])
                : pad(line[i], widths[i], fields[i].dataType() instanceof NumericType))
            .collect(Collectors.joining("  "));
        out.print(text.stripTrailing() + "\n");
      }
    }
  },

  /**
   * For programs, as RFC 4180 says: a header of the column names, then one record per row, lines ended by CRLF;
   * a field with a comma, double quote, CR or LF is enclosed in double quotes, its quotes doubled. Null is an empty
   * field, and the empty string an empty quoted field ({@code ""}), so the two stay apart.
   */
  CSV("csv") {
    @Override
    public void write(QueryResult result, PrintWriter out) {
      StructField[] fields = result.schema().fields();
      out.print(Arrays.stream(fields).map(f -> csvField(f.name())).collect(Collectors.joining(",")) + "\r\n");
      for (Row row : result.rows()) {
        out.print(IntStream.range(0, fields.length)
            .mapToObj(i -> row.isNullAt(i) ? "" : csvField(Values.text(row.get(i))))
            .collect(Collectors.joining(",")) + "\r\n");
      }
    }
  },

  /**
   * For programs: one JSON object per row and line, the columns in order; null as {@code null}; integers, floats and
   * booleans as JSON numbers and booleans; a DECIMAL as a string of its digits; timestamps and dates as ISO-8601
   * strings; arrays, maps and structs as JSON arrays and objects.
   */
  JSON_LINES("jsonl") {
    @Override
    public void write(QueryResult result, PrintWriter out) {
      for (Row row : result.rows()) {
        out.print(Values.json(result.schema(), row) + "\n");
      }
    }
  };

  private final String optionName;

  ResultFormat(String optionName) {
    this.optionName = optionName;
  }

  /** The name the command line knows it by: {@code table}, {@code csv}, {@code jsonl}. */
  public String optionName() {
    return optionName;
  }

  /** The format of that name, if any. */
  public static Optional<ResultFormat> named(String name) {
    return Arrays.stream(values()).filter(f -> f.optionName.equals(name)).findFirst();
  }

  /** Prints the rows, and nothing else. */
  public abstract void write(QueryResult result, PrintWriter out);

  private static String oneLine(String text) {
    return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
  }

  private static int width(String text) {
    return text.codePointCount(0, text.length());
  }

  private static String pad(String text, int width, boolean right) {
    String padding = " ".repeat(width - width(text));
    return right ? padding + text : text + padding;
  }

  private static String csvField(String text) {
    if (text.isEmpty()) {
      return "\"\"";
    }
    boolean quote = text.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n');
    return quote ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
  }
}
