package dev.lakepipe.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretsTest {
  @Test
  void keysThatNameSecrets() {
    for (String key : List.of("password", "db.password", "fs.s3a.secret.key", "fs.s3a.access.key", "api-key",
        "kafka.sasl.jaas.token", "credentials", "azure.account.key", "SECRET")) {
      assertTrue(Secrets.isSecret(key), key);
    }
  }

  @Test
  void keysThatNameColumnsOrSettings() {
    for (String key : List.of("hoodie.datasource.write.recordkey.field", "keys", "key", "primary.key",
        "spark.sql.shuffle.partitions", "header", "keystore.type")) {
      assertFalse(Secrets.isSecret(key), key);
    }
  }

  @Test
  void masksEveryOccurrence() {
    assertEquals("url=jdbc:x?pw=*** and *** again",
        Secrets.mask("url=jdbc:x?pw=hunter22 and hunter22 again", Set.of("hunter22")));
  }
}
