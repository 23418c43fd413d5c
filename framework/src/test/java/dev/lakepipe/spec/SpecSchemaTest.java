package dev.lakepipe.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.format.TableFormats;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code lakepipe schema}: a valid JSON Schema, every shipped spec passes it, and it has the keys the check has. */
class SpecSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);

  /** A spec with every object that holds keys, each at the path the drift test adds keys to. */
  private static final String EVERY_OBJECT = """
      name = p
      warehouse = /tmp/w
      spark { master = "local[1]" }
      streaming { trigger = available-now }
      sources { s { format = json, path = in, schema = "id BIGINT, ts TIMESTAMP", read = stream,
                    watermark { column = ts, delay = 1m } } }
      steps { t { sql = "SELECT * FROM s" } }
      targets { o { from = t, format = delta, path = out, maintenance { retain = 7d },
                    checks { c { kind = row-count, min = 0 } } } }
      """;
  /** Where each object of {@link #EVERY_OBJECT} is in the spec, and where its schema is in the schema. */
  private static final Map<String, List<String>> OBJECTS = new LinkedHashMap<>();

  static {
    OBJECTS.put("", List.of());
    OBJECTS.put("spark", List.of("spark"));
    OBJECTS.put("streaming", List.of("streaming"));
    OBJECTS.put("sources.s", List.of("sources", "*"));
    OBJECTS.put("sources.s.watermark", List.of("sources", "*", "watermark"));
    OBJECTS.put("steps.t", List.of("steps", "*"));
    OBJECTS.put("targets.o", List.of("targets", "*"));
    OBJECTS.put("targets.o.maintenance", List.of("targets", "*", "maintenance"));
    OBJECTS.put("targets.o.checks.c", List.of("targets", "*", "checks", "*"));
  }

  private final JsonNode schema = readSchema();

  @Test
  void isADraft07SchemaOfTheSpecModel() throws IOException {
    try (InputStream draft07 = JsonSchemaFactory.class.getResourceAsStream("/draft-07/schema")) {
      assertEquals(Set.of(), SCHEMAS.getSchema(draft07).validate(schema));
    }
    assertEquals("http://json-schema.org/draft-07/schema#", schema.get("$schema").asText());
    assertEquals(SpecKeys.names(SpecKeys.ROOT), propertyNames(schema));
    assertEquals("name,targets", String.join(",", texts(schema.get("required"))));
    JsonNode target = at(List.of("targets", "*"));
    assertEquals(WriteMode.specNames(), texts(target.at("/properties/mode/enum")));
    assertEquals("append", target.at("/properties/mode/default").asText());
    assertEquals(Storage.specNames(), texts(target.at("/properties/storage/enum")));
    assertEquals(SchemaEvolution.specNames(), texts(target.at("/properties/schema-evolution/enum")));
    assertEquals("add-columns", target.at("/properties/schema-evolution/default").asText());
    assertEquals(List.copyOf(new TreeSet<>(TableFormats.all().keySet())), texts(target.at("/properties/format/enum")));
    assertEquals(List.of("from", "format"), texts(target.get("required")));
    assertEquals(CheckType.specNames(), texts(at(List.of("targets", "*", "checks", "*")).at("/properties/kind/enum")));
    assertEquals(QueryType.specNames(), texts(at(List.of("sources", "*")).at("/properties/query-type/enum")));
    assertEquals(new TreeSet<>(MaintenanceOption.specNames()), propertyNames(at(List.of("targets", "*", "maintenance"))));
    assertEquals(10, at(List.of("targets", "*", "maintenance")).at("/properties/retain-commits/default").asInt());
    assertEquals("boolean", at(List.of("steps", "*")).at("/properties/cache/type").asText());
    for (List<String> object : OBJECTS.values()) {
      JsonNode node = at(object);
      assertEquals(false, node.get("additionalProperties").asBoolean(), String.join(".", object));
      node.get("properties").fields().forEachRemaining(key -> assertTrue(
          !key.getValue().path("description").asText().isBlank(), key.getKey() + " has no description"));
    }
  }

  /**
   * The jobs under conf/ and the specs the tests run (outside {@code broken/}); some of the latter name their tables
   * {@code set-by-the-test}, which only the check refuses, or hold a SQL syntax error, which only the check finds.
   */
  @Test
  void everyShippedSpecPassesTheSchema() throws Exception {
    JsonSchema specSchema = SCHEMAS.getSchema(schema);
    SpecLoader loader = new SpecLoader(TableFormats.all(), name -> null);
    List<Path> specs = new ArrayList<>();
    for (Path folder : List.of(Path.of("../conf/jobs"), Path.of("src/test/resources/specs"))) {
      try (Stream<Path> files = Files.walk(folder)) {
        files.filter(f -> f.toString().matches(".*\\.(conf|ya?ml)$"))
            .filter(f -> !f.toString().matches(".*/(broken|env)/.*") && !f.endsWith("good/common.conf"))
            .sorted().forEach(specs::add);
      }
    }
    for (Path spec : specs) {
      if (spec.startsWith("../conf")) {
        loader.load(spec, SpecLoader.Options.defaults());
      }
      assertEquals(Set.of(), specSchema.validate(JSON.readTree(asJson(spec))), spec.toString());
    }
    assertTrue(specs.size() >= 27, specs.toString());
  }

  @Test
  void aKeyIsInTheSchemaExactlyWhenTheCheckKnowsIt() throws Exception {
    Set<String> candidates = new TreeSet<>(List.of("no-such-key", "Name", "format_", "partition_by", "settings"));
    OBJECTS.values().forEach(object -> candidates.addAll(propertyNames(at(object))));
    Config base = ConfigFactory.parseString(EVERY_OBJECT);
    assertEquals(List.of(), problems(base));
    for (Map.Entry<String, List<String>> object : OBJECTS.entrySet()) {
      Set<String> inSchema = propertyNames(at(object.getValue()));
      for (String key : candidates) {
        String path = object.getKey().isEmpty() ? "\"" + key + "\"" : object.getKey() + ".\"" + key + "\"";
        String keyPath = object.getKey().isEmpty() ? key : object.getKey() + "." + key;
        boolean unknown = problems(base.withValue(path, ConfigValueFactory.fromAnyRef("x"))).stream()
            .anyMatch(p -> p.key().equals(keyPath) && p.message().startsWith("unknown key"));
        assertEquals(!inSchema.contains(key), unknown, keyPath);
      }
    }
  }

  private static List<SpecProblem> problems(Config spec) {
    try {
      SpecValidator.validate(spec, new SpecSection.Location("spec.conf", 1), TableFormats.all(), List.of());
      return List.of();
    } catch (InvalidSpecException e) {
      return e.problems();
    }
  }

  /** A spec as the JSON an editor would check: HOCON rendered by Typesafe Config, YAML by the spec's parser. */
  private static String asJson(Path spec) throws IOException {
    List<SpecProblem> problems = new ArrayList<>();
    Config config = spec.toString().endsWith(".conf") ? ConfigFactory.parseFile(spec.toFile()).resolve()
        : YamlSpecParser.parse(Files.readString(spec), spec.toString(), name -> null, problems);
    assertEquals(List.of(), problems);
    return config.root().render(ConfigRenderOptions.concise());
  }

  private JsonNode at(List<String> object) {
    JsonNode node = schema;
    for (String step : object) {
      node = step.equals("*") ? node.get("additionalProperties") : node.get("properties").get(step);
    }
    return node;
  }

  private static Set<String> propertyNames(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.get("properties").fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    for (Iterator<JsonNode> values = array.elements(); values.hasNext(); ) {
      texts.add(values.next().asText());
    }
    return texts;
  }

  /** The schema as {@code lakepipe schema} prints it. */
  private static JsonNode readSchema() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "schema"), err.toString());
    try {
      return JSON.readTree(out.toString());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
