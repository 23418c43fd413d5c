package dev.lakepipe.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;
import scala.Function1;
import scala.Option;
import scala.Tuple2;
import scala.collection.JavaConverters;

/** Java-to-Scala plumbing for Deequ's API (Scala 2.12); nothing of it leaves the package. */
final class Scala {
  private Scala() {}

  static <T> Option<T> none() {
    return Option.empty();
  }

  static <T> Option<T> some(T value) {
    return Option.apply(value);
  }

  /** An immutable Scala list (a {@code Seq}). */
  static <T> scala.collection.immutable.List<T> list(List<T> values) {
    return JavaConverters.asScalaBuffer(new ArrayList<>(values)).toList();
  }

  static <T> List<T> javaList(scala.collection.Seq<T> values) {
    return new ArrayList<>(JavaConverters.seqAsJavaList(values));
  }

  static scala.collection.immutable.Map<String, String> map(Map<String, String> values) {
    scala.collection.immutable.Map<String, String> result = scala.collection.immutable.Map$.MODULE$.empty();
    for (Map.Entry<String, String> entry : values.entrySet()) {
      result = result.$plus(new Tuple2<>(entry.getKey(), entry.getValue()));
    }
    return result;
  }

  /**
   * A Deequ assertion {@code Double => Boolean} (or {@code Long => Boolean} for sizes). Scala passes the value boxed
   * through the erased {@code apply(Object)}, so it arrives as a {@link Number}.
   */
  static Function1<Object, Object> assertion(DoublePredicate test) {
    return value -> test.test(((Number) value).doubleValue());
  }

  /** An {@code Option[Double]} as Deequ's Java signatures show it: {@code Option<Object>}. */
  static Option<Object> someDouble(double value) {
    return Option.apply(value);
  }
}
