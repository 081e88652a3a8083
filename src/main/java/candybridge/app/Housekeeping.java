package candybridge.app;

import candybridge.config.DurationText;
import candybridge.delivery.PurgeResult;
import candybridge.delivery.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily retention purge of a running service (the same as {@code candybridge purge}): payloads,
 * parameters and attempts older than the retention go, event ids and dedupe keys stay.
 */
final class Housekeeping implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

  private final Store store;
  private final Clock clock;
  private final Duration retention;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "housekeeping");
            t.setDaemon(true);
            return t;
          });

  Housekeeping(Store store, Clock clock, Duration retention) {
    this.store = store;
    this.clock = clock;
    this.retention = retention;
  }

  /** First purge a minute after start (not on the start-up path), then every day. */
  Housekeeping start() {
    timer.scheduleAtFixedRate(this::purgeOnce, 1, 24 * 60, TimeUnit.MINUTES);
    return this;
  }

  void purgeOnce() {
    try {
      PurgeResult r = store.purge(clock.instant().minus(retention));
      log.info(
          "retention {}: cleared {} payloads, {} parameter sets, {} attempts",
          DurationText.format(retention),
          r.payloadsCleared(),
          r.deliveriesCleared(),
          r.attemptsDeleted());
    } catch (RuntimeException e) {
      log.warn("retention purge failed, will try again tomorrow: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
