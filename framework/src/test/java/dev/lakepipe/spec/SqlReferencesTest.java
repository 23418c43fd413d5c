package dev.lakepipe.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SqlReferencesTest {
  @Test
  void findsRelationsAfterFromJoinAndCommas() {
    assertEquals(Set.of("a", "b", "c", "d"), SqlReferences.of(
        "SELECT * FROM a x, b AS y JOIN c ON x.id = c.id LEFT JOIN (SELECT * FROM d) z ON true"));
  }

  @Test
  void leavesOutCtesQualifiedNamesFunctionsAndStrings() {
    assertEquals(Set.of("events"), SqlReferences.of("""
        WITH recent AS (SELECT * FROM events WHERE ts > 'FROM nowhere')
        -- FROM commented
        SELECT extract(day FROM ts), trim(BOTH ' ' FROM name) /* FROM x */
        FROM recent JOIN db.dim d ON true CROSS JOIN range(10) JOIN parquet.`/data/x` p ON true
        """));
  }

  @Test
  void namesAreCaseInsensitive() {
    assertEquals(Set.of("orders"), SqlReferences.of("select * from `Orders`"));
  }
}
