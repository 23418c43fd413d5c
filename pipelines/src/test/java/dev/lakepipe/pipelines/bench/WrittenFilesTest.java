package dev.lakepipe.pipelines.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrittenFilesTest {
  @TempDir
  Path folder;

  @Test
  void countsNewAndChangedFilesOnly() throws IOException {
    Files.createDirectories(folder.resolve("table/_log"));
    Files.writeString(folder.resolve("table/kept.parquet"), "12345");
    Files.writeString(folder.resolve("table/_log/0.json"), "1");
    WrittenFiles before = WrittenFiles.below(folder.toString(), new Configuration());

    Files.writeString(folder.resolve("table/new.parquet"), "1234567");
    Files.writeString(folder.resolve("table/_log/0.json"), "22");
    Files.setLastModifiedTime(folder.resolve("table/_log/0.json"), FileTime.fromMillis(0));
    WrittenFiles.Written written = WrittenFiles.below(folder.toString(), new Configuration()).since(before);

    assertEquals(new WrittenFiles.Written(2, 9), written);
  }

  @Test
  void aFolderNotYetWrittenHoldsNothing() {
    WrittenFiles nothing = WrittenFiles.below(folder.resolve("absent").toString(), new Configuration());
    assertEquals(new WrittenFiles.Written(0, 0), nothing.since(nothing));
  }
}
