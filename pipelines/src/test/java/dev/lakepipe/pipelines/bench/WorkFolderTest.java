package dev.lakepipe.pipelines.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkFolderTest {
  @TempDir
  Path folder;

  @Test
  void aTemporaryFolderGoesWithItsContents() throws IOException {
    Path temporary;
    try (WorkFolder work = WorkFolder.namedOrTemporary(null, "lakepipe-work-folder-test-")) {
      temporary = work.path();
      assertTrue(temporary.getFileName().toString().startsWith("lakepipe-work-folder-test-"));
      Files.createDirectories(temporary.resolve("warehouse/table/_log"));
      Files.writeString(temporary.resolve("warehouse/table/_log/0.json"), "{}");
    }
    assertFalse(Files.exists(temporary));
  }

  @Test
  void aNamedFolderStays() throws IOException {
    Path named = folder.resolve("warehouse");
    try (WorkFolder work = WorkFolder.namedOrTemporary(named, "unused-")) {
      assertEquals(named, work.path());
      Files.createDirectories(named.resolve("table"));
      Files.writeString(named.resolve("table/data.parquet"), "1");
    }
    assertEquals("1", Files.readString(named.resolve("table/data.parquet")));
  }
}
