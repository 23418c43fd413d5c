package dev.lakepipe.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakepipe.format.TableFormats;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckSpecTest {
  private static final Path GOOD = Path.of("src/test/resources/specs/good");

  private static List<CheckSpec> checksOf(String file) throws InvalidSpecException {
    return new SpecLoader(TableFormats.all(), name -> null).load(GOOD.resolve(file), SpecLoader.Options.defaults())
        .targets().get("orders").checks();
  }

  @Test
  void hoconAndYamlDeclareTheSameChecks() throws Exception {
    List<CheckSpec> checks = checksOf("checks.conf");
    assertEquals(checks, checksOf("checks.yaml"));
    assertEquals(List.of(
        new CheckSpec("amount_ok", CheckType.NON_NEGATIVE, CheckSpec.Level.WARN, CheckSpec.OnFail.FAIL,
            CheckSpec.Scope.ROWS, Map.of("column", "amount"), Map.of()),
        new CheckSpec("gmv_normal", CheckType.ONLINE_NORMAL, CheckSpec.Level.ERROR, CheckSpec.OnFail.FAIL,
            CheckSpec.Scope.TABLE, Map.of("metric", "sum(amount)", "k", "3.0"), Map.of()),
        new CheckSpec("hourly_orders", CheckType.RATE_OF_CHANGE, CheckSpec.Level.ERROR, CheckSpec.OnFail.FAIL,
            CheckSpec.Scope.ROWS, Map.of("metric", "size", "max-decrease", "0.5", "lag", "24"), Map.of()),
        new CheckSpec("order_id_unique", CheckType.UNIQUENESS, CheckSpec.Level.ERROR, CheckSpec.OnFail.FAIL,
            CheckSpec.Scope.TABLE, Map.of(), Map.of("columns", List.of("order_id"))),
        new CheckSpec("shop_exists", CheckType.REFERENTIAL, CheckSpec.Level.ERROR, CheckSpec.OnFail.FAIL,
            CheckSpec.Scope.ROWS, Map.of("column", "shop_id", "reference", "shops", "reference-column", "shop_id"),
            Map.of()),
        new CheckSpec("status_known", CheckType.ALLOWED_VALUES, CheckSpec.Level.ERROR, CheckSpec.OnFail.QUARANTINE,
            CheckSpec.Scope.ROWS, Map.of("column", "status"), Map.of("values", List.of("created", "paid")))),
        checks);
    assertEquals(Optional.of(new CheckSpec.Metric("sum", Optional.of("amount"))), checks.get(1).metric());
    assertEquals(Optional.of(new CheckSpec.Metric("size", Optional.empty())), checks.get(2).metric());
  }
}
