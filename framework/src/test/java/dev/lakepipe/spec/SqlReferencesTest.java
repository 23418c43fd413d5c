package dev.lakepipe.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
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

  @Test
  void rowWiseQueriesMapFilterAndEnrichOneRelation() {
    assertEquals(List.of(), SqlReferences.rowWiseBlockers("""
        SELECT o.*, upper(s.name) AS shop, extract(day FROM o.ts) AS day
        FROM Orders o JOIN shops s ON o.shop_id = s.id LEFT JOIN users u ON o.user_id = u.id
        WHERE o.status <> 'count(' AND o.shop_id IN (SELECT id FROM shops WHERE open)
        """, "orders"));
  }

  @Test
  void aggregationsWindowsSetOperationsOuterJoinsAndSelfJoinsAreNotRowWise() {
    assertEquals(List.of("the aggregate count()", "GROUP BY", "HAVING"),
        SqlReferences.rowWiseBlockers("SELECT shop, count(*) FROM orders GROUP BY shop HAVING count(*) > 1", "orders"));
    assertEquals(List.of("DISTINCT", "a window function (OVER)", "LIMIT"), SqlReferences.rowWiseBlockers(
        "SELECT DISTINCT * FROM (SELECT *, row_number() OVER (PARTITION BY id ORDER BY ts) rn FROM orders) LIMIT 5",
        "orders"));
    assertEquals(List.of("orders on the right of a LEFT JOIN", "UNION", "reading orders more than once"),
        SqlReferences.rowWiseBlockers(
            "SELECT s.id FROM shops s LEFT OUTER JOIN orders o ON o.shop = s.id UNION SELECT id FROM orders", "orders"));
    assertEquals(List.of("FULL JOIN"),
        SqlReferences.rowWiseBlockers("SELECT * FROM orders o FULL OUTER JOIN shops s ON o.shop = s.id", "orders"));
  }

  @Test
  void identifiersAreWhatAQueryNamesUnlessAStarOrNaturalJoinReadsMore() {
    assertEquals(Optional.of(Set.of("select", "a", "b", "count", "c", "from", "t", "where")),
        SqlReferences.identifiers("SELECT a * 2, (b + 1) * `C`, count(*) FROM t -- d\n WHERE 'e' = 'e'"));
    for (String reads : List.of("SELECT * FROM t", "SELECT t.*, 1 FROM t", "SELECT DISTINCT * FROM t",
        "SELECT to_json(struct(*)) FROM t", "SELECT a, * EXCEPT (b) FROM t", "SELECT a FROM t NATURAL JOIN u",
        "TABLE t", "SELECT a FROM (TABLE t)")) {
      assertEquals(Optional.empty(), SqlReferences.identifiers(reads), reads);
    }
  }
}
