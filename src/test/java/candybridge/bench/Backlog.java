package candybridge.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * ReferralCandy and the backlog of the {@code backlog} and {@code outage} scenarios (bench.*
 * properties): {@code size} deliveries, drained by a fake ReferralCandy of {@code workers} calls at
 * a time at {@code latency} each, and the {@code concurrency} of the second drain.
 */
record Backlog(int size, Duration latency, int workers, int concurrency) {
  static Backlog fromProperties() {
    return new Backlog(
        Integer.getInteger("bench.backlog", 50_000),
        Duration.ofMillis(Integer.getInteger("bench.backlogLatencyMs", 20)),
        Integer.getInteger("bench.rcWorkers", 64),
        Integer.getInteger("bench.backlogConcurrency", 96));
  }

  /** A fake ReferralCandy of {@code workers} calls at a time, {@code latency} each. */
  BenchReferralCandy referralCandy(Timeline arrivals) throws IOException {
    return new BenchReferralCandy(arrivals, latency, workers);
  }

  /** E.g. "RC 64 x 20 ms: allows 3200/s". */
  String describeReferralCandy() {
    return String.format(
        Locale.ROOT,
        "RC %d x %d ms: allows %d/s",
        workers,
        latency.toMillis(),
        workers * 1000L / Math.max(1, latency.toMillis()));
  }
}
