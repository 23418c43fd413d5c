package dev.lakepipe.run;

import java.time.Instant;
import java.util.Optional;

/**
 * What one micro-batch of a streaming run did for one target.
 *
 * @param rowsIn records the batch consumed from the streamed source
 * @param rowsOut rows given to the target (before "latest wins" keeps one per key)
 * @param quarantined records sent to the quarantine table; {@code rowsIn = rowsOut + quarantined} when the steps
 *     keep every row
 * @param lagSeconds now minus the newest event time of the batch, for sources that carry one
 * @param skipped whether the target already held this batch (a retry after a failure) and nothing was written
 * @param late records older than the source's watermark: quarantined (counted in {@code quarantined} too) or
 *     dropped, as the source's watermark says
 * @param watermark the batch's event-time watermark, for a source that declares one and once rows were written
 */
public record BatchProgress(String target, long batchId, long rowsIn, long rowsOut, long quarantined, double seconds,
    Optional<Double> lagSeconds, boolean skipped, long late, Optional<Instant> watermark) {}
