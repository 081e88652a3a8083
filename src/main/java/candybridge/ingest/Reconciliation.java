package candybridge.ingest;

import static java.util.Objects.requireNonNull;

import candybridge.config.DurationText;
import candybridge.config.ReconcileSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve}'s optional periodic reconciliation: every {@code every}, a {@link Backfill} of the
 * last {@code window}, so that an event whose webhook never arrived (endpoint down longer than
 * Stripe retries, misconfigured secret) still becomes its purchase. Runs never overlap. Tests call
 * {@link #runOnce()}; {@link #start()} only schedules it.
 */
public final class Reconciliation implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);

  private final Backfill backfill;
  private final Clock clock;
  private final ReconcileSettings settings;
  private ScheduledExecutorService scheduler;

  public Reconciliation(Backfill backfill, Clock clock, ReconcileSettings settings) {
    this.backfill = requireNonNull(backfill, "backfill == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.settings = requireNonNull(settings, "settings == null");
  }

  /** One reconciliation now: a backfill of {@code [now - window, now)} with the default types. */
  public Backfill.Result runOnce() {
    Instant now = clock.instant();
    Backfill.Result result =
        backfill.run(now.minus(settings.window()), now, List.of(), Backfill.Progress.none());
    if (result.complete()) {
      log.info(
          "reconciliation of the last {}: pages={} {}",
          DurationText.format(settings.window()),
          result.pages(),
          result.counts());
    } else {
      log.warn(
          "reconciliation of the last {} incomplete, next try in {}: {}",
          DurationText.format(settings.window()),
          DurationText.format(settings.every()),
          result.counts());
    }
    return result;
  }

  /** Runs {@link #runOnce()} now and then every {@code every} after the previous run ends. */
  public synchronized void start() {
    if (scheduler != null) {
      throw new IllegalStateException("reconciliation already started");
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "reconciliation");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(
        this::runSafely, 0, settings.every().toMillis(), TimeUnit.MILLISECONDS);
    log.info(
        "reconciliation every {} over the last {}",
        DurationText.format(settings.every()),
        DurationText.format(settings.window()));
  }

  /** An exception would cancel the schedule: log it and try again next time. */
  private void runSafely() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      log.error("reconciliation failed, next try in {}", DurationText.format(settings.every()), e);
    }
  }

  /** Stops the schedule and waits for a run in progress to end. */
  @Override
  public synchronized void close() {
    if (scheduler == null) {
      return;
    }
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("reconciliation still running after 30 s; leaving it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
