package candybridge.alert;

import static java.util.Objects.requireNonNull;

import candybridge.delivery.QueueStats;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@link Alerts#checkBacklog} from the queue statistics on a timer, so the backlog alert does
 * not depend on anyone scraping {@code /metrics}. An unreadable queue (empty statistics or an
 * exception) is skipped: it neither raises nor clears the alert.
 */
public final class BacklogWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BacklogWatch.class);

  private final Alerts alerts;
  private final Supplier<Optional<QueueStats>> stats;
  private final ScheduledExecutorService timer;

  BacklogWatch(Alerts alerts, Supplier<Optional<QueueStats>> stats) {
    this.alerts = requireNonNull(alerts, "alerts == null");
    this.stats = requireNonNull(stats, "stats == null");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "backlog-watch");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Checks every {@code every}, first after one period.
   *
   * @param stats typically {@code metrics::queueStats}, which shares the scrape's cached query
   */
  public static BacklogWatch start(
      Alerts alerts, Supplier<Optional<QueueStats>> stats, Duration every) {
    BacklogWatch watch = new BacklogWatch(alerts, stats);
    watch.timer.scheduleWithFixedDelay(
        watch::checkNow, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return watch;
  }

  /** One check, on the caller's thread. */
  void checkNow() {
    try {
      stats.get().ifPresent(q -> alerts.checkBacklog(q.oldestDueAge()));
    } catch (RuntimeException e) {
      log.warn("backlog check skipped: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
