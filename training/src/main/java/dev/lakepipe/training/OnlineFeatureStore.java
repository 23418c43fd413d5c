package dev.lakepipe.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * An embedded RocksDB store of the latest feature values per entity, for lookups at serving time: each entry holds
 * the values of one entity, the commit of the table they came from and the time they became valid; a lookup
 * treats values older than the store's ttl as missing. The store also records which table it mirrors, as of
 * which commit, so that the next materialization reads only the changes since.
 *
 * <p>One process opens a store at a time (RocksDB locks its folder).
 */
public final class OnlineFeatureStore implements AutoCloseable {
  private static final byte[] META = "\u0000meta".getBytes(StandardCharsets.UTF_8);
  private static final String SEPARATOR = "\u0001";
  static final ObjectMapper JSON = new ObjectMapper();

  static {
    RocksDB.loadLibrary();
  }

  private final RocksDB db;
  private final Options options;

  /**
   * What a store mirrors.
   *
   * @param location the table's location
   * @param commit the table's commit the store holds
   * @param entity the entity key columns
   * @param time the column of the time a row's values became valid; null when they are valid from their commit on
   * @param ttlSeconds how long values stay valid; null for ever
   */
  public record Mirror(String target, String format, String location, String commit, List<String> entity,
      String time, Long ttlSeconds) {
    public Optional<String> timeColumn() {
      return Optional.ofNullable(time);
    }

    public Optional<Duration> ttl() {
      return Optional.ofNullable(ttlSeconds).map(Duration::ofSeconds);
    }
  }

  /**
   * The features of one entity.
   *
   * @param commit the commit of the table they came from
   * @param validFromMillis when they became valid (the time column, or the commit's time), in ms since the epoch
   * @param values by column, as JSON values (numbers, strings, booleans, lists; times as ISO-8601 text)
   */
  public record Features(String commit, long validFromMillis, Map<String, Object> values) {
    public Instant validFrom() {
      return Instant.ofEpochMilli(validFromMillis);
    }
  }

  private OnlineFeatureStore(RocksDB db, Options options) {
    this.db = db;
    this.options = options;
  }

  /**
   * Opens the store in a folder, creating it when there is none.
   *
   * @throws UncheckedIOException when the folder cannot be created or RocksDB cannot open it (another process has
   *     it open)
   */
  public static OnlineFeatureStore open(Path dir) {
    Options options = new Options().setCreateIfMissing(true);
    try {
      Files.createDirectories(dir);
      return new OnlineFeatureStore(RocksDB.open(options, dir.toString()), options);
    } catch (IOException | RocksDBException e) {
      options.close();
      throw new UncheckedIOException(new IOException("cannot open the feature store " + dir + ": " + e.getMessage(),
          e));
    }
  }

  /** The key of an entity: its key values in the order of the entity columns. */
  public static String key(List<?> entity) {
    return entity.stream().map(String::valueOf).collect(Collectors.joining(SEPARATOR));
  }

  /**
   * The features of an entity valid at {@code now}: empty when the store has none, or they are older than the ttl.
   *
   * @throws UncheckedIOException when RocksDB fails
   */
  public Optional<Features> get(String key, Instant now) {
    Optional<Features> stored = stored(key);
    Optional<Duration> ttl = mirror().flatMap(Mirror::ttl);
    return stored.filter(f -> ttl.isEmpty() || f.validFrom().plus(ttl.get()).isAfter(now));
  }

  /** The features stored for an entity, however old. */
  Optional<Features> stored(String key) {
    return read(key.getBytes(StandardCharsets.UTF_8), Features.class);
  }

  /** What the store mirrors; empty before its first materialization. */
  public Optional<Mirror> mirror() {
    return read(META, Mirror.class);
  }

  /**
   * Writes the features of entities and removes those of others, and what the store mirrors, atomically.
   *
   * @throws UncheckedIOException when RocksDB fails
   */
  void write(Map<String, Features> puts, List<String> deletes, Mirror mirror) {
    try (WriteBatch batch = new WriteBatch(); WriteOptions sync = new WriteOptions()) {
      for (Map.Entry<String, Features> put : puts.entrySet()) {
        batch.put(put.getKey().getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(put.getValue()));
      }
      for (String delete : deletes) {
        batch.delete(delete.getBytes(StandardCharsets.UTF_8));
      }
      batch.put(META, JSON.writeValueAsBytes(mirror));
      db.write(sync, batch);
    } catch (RocksDBException | JsonProcessingException e) {
      throw new UncheckedIOException(new IOException("cannot write the feature store: " + e.getMessage(), e));
    }
  }

  /** The keys of every entity in the store, in key order. */
  public List<String> keys() {
    List<String> keys = new ArrayList<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (!Arrays.equals(it.key(), META)) {
          keys.add(new String(it.key(), StandardCharsets.UTF_8));
        }
      }
    }
    return keys;
  }

  /** Removes every entity, for a full materialization. */
  void clear() {
    try (RocksIterator it = db.newIterator(); WriteBatch batch = new WriteBatch(); WriteOptions sync = new WriteOptions()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        batch.delete(it.key());
      }
      db.write(sync, batch);
    } catch (RocksDBException e) {
      throw new UncheckedIOException(new IOException("cannot clear the feature store: " + e.getMessage(), e));
    }
  }

  private <T> Optional<T> read(byte[] key, Class<T> type) {
    try {
      byte[] value = db.get(key);
      return value == null ? Optional.empty() : Optional.of(JSON.readValue(value, type));
    } catch (RocksDBException | IOException e) {
      throw new UncheckedIOException(new IOException("cannot read the feature store: " + e.getMessage(), e));
    }
  }

  @Override
  public void close() {
    db.close();
    options.close();
  }
}
