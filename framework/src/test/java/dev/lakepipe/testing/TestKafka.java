package dev.lakepipe.testing;

import dev.lakepipe.kafka.broker.LocalKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one real Kafka broker of a test JVM (KRaft mode, in a child JVM, on 127.0.0.1), started on first use and
 * stopped when the JVM exits; every suite in the JVM shares it, each with its own topics.
 */
public final class TestKafka {
  private static LocalKafkaBroker broker;

  private TestKafka() {}

  public static synchronized String bootstrapServers() {
    if (broker == null) {
      String classpath = System.getProperty(LocalKafkaBroker.CLASSPATH_PROPERTY);
      if (classpath == null) {
        throw new IllegalStateException("system property " + LocalKafkaBroker.CLASSPATH_PROPERTY
            + " is not set: run the tests through Maven, which builds the broker's class path (module kafka-broker)");
      }
      try {
        broker = LocalKafkaBroker.start(Path.of(classpath), TestSpark.newFolder("kafka-"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
    }
    return broker.bootstrapServers();
  }

  /** A record to send: the key may be null. */
  public record Message(String key, String value) {}

  /** Sends the messages in order, all to partition {@code partition} of the topic (created on first use). */
  public static void send(String topic, int partition, List<Message> messages) {
    send(topic, new StringSerializer(), messages.stream()
        .map(message -> new ProducerRecord<>(topic, partition, message.key(), message.value())).toList());
  }

  /** Sends binary values without keys in order, all to partition {@code partition} of the topic. */
  public static void sendBytes(String topic, int partition, List<byte[]> values) {
    send(topic, new ByteArraySerializer(), values.stream()
        .map(value -> new ProducerRecord<byte[], byte[]>(topic, partition, null, value)).toList());
  }

  private static <T> void send(String topic, Serializer<T> serializer, List<ProducerRecord<T, T>> records) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<T, T> producer = new KafkaProducer<>(properties, serializer, serializer)) {
      for (ProducerRecord<T, T> record : records) {
        producer.send(record).get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("sending to " + topic + " failed", e.getCause());
    }
  }
}
