package dev.lakepipe.format;

/** How a format locates its tables. */
public enum Addressing {
  /** By a file-system path; a logical table name {@code db.name} maps to {@code <warehouse>/db/name}. */
  PATH,
  /** By an identifier in the lakepipe Spark catalog, {@code <catalog>.db.name}. */
  CATALOG,
  /** By its options: a stream such as Kafka (servers and topics), never by a path or table name. */
  OPTIONS
}
