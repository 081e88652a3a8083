package candybridge.stripe;

import static java.util.Objects.requireNonNull;

import candybridge.config.DurationText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  static final String EVERY = "CANDYBRIDGE_RECONCILE_EVERY";
  static final String WINDOW = "CANDYBRIDGE_RECONCILE_WINDOW";
  static final Duration DEFAULT_WINDOW = Duration.ofHours(48);
  static final Duration MIN_EVERY = Duration.ofMinutes(1);

  /** How often, and how far back each run looks. */
  public record Settings(Duration every, Duration window) {
    public Settings {
      requireNonNull(every, "every == null");
      requireNonNull(window, "window == null");
      if (every.compareTo(MIN_EVERY) < 0) {
        throw new IllegalArgumentException(EVERY + " must be at least " + DurationText.format(MIN_EVERY));
      }
      if (window.isZero() || window.isNegative() || window.compareTo(Backfill.STRIPE_RETENTION) > 0) {
        throw new IllegalArgumentException(
            WINDOW + " must be longer than zero and at most " + DurationText.format(Backfill.STRIPE_RETENTION)
                + " (Stripe keeps events for 30 days)");
      }
    }
  }

  private final Backfill backfill;
  private final Clock clock;
  private final Settings settings;
  private ScheduledExecutorService scheduler;

  public Reconciliation(Backfill backfill, Clock clock, Settings settings) {
    this.backfill = requireNonNull(backfill, "backfill == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.settings = requireNonNull(settings, "settings == null");
  }

  /**
   * The settings from {@code CANDYBRIDGE_RECONCILE_EVERY} (e.g. {@code 6h}; unset: off, empty) and
   * {@code CANDYBRIDGE_RECONCILE_WINDOW} (default {@code 48h}).
   *
   * @throws IllegalArgumentException naming the setting when one is malformed, when the window is
   *     set without the interval, or when reconciliation is on without {@code STRIPE_API_KEY}
   */
  public static Optional<Settings> fromEnv(Map<String, String> env) {
    String every = env.getOrDefault(EVERY, "").strip();
    String window = env.getOrDefault(WINDOW, "").strip();
    if (every.isEmpty()) {
      if (!window.isEmpty()) {
        throw new IllegalArgumentException(
            WINDOW + " is set but " + EVERY + " is not: set " + EVERY + " (e.g. 6h) to turn reconciliation on");
      }
      return Optional.empty();
    }
    if (env.getOrDefault("STRIPE_API_KEY", "").isBlank()) {
      throw new IllegalArgumentException(
          EVERY + " needs STRIPE_API_KEY: reconciliation reads Stripe's Events API");
    }
    return Optional.of(
        new Settings(duration(EVERY, every), window.isEmpty() ? DEFAULT_WINDOW : duration(WINDOW, window)));
  }

  private static Duration duration(String name, String text) {
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  /** One reconciliation now: a backfill of {@code [now - window, now)} with the default types. */
  public Backfill.Result runOnce() {
    Instant now = clock.instant();
    Backfill.Result result = backfill.run(now.minus(settings.window()), now, List.of(), Backfill.Progress.none());
    if (result.complete()) {
      log.info("reconciliation of the last {}: pages={} {}",
          DurationText.format(settings.window()), result.pages(), result.counts());
    } else {
      log.warn("reconciliation of the last {} incomplete, next try in {}: {}",
          DurationText.format(settings.window()), DurationText.format(settings.every()), result.counts());
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
    scheduler.scheduleWithFixedDelay(this::runSafely, 0, settings.every().toMillis(), TimeUnit.MILLISECONDS);
    log.info("reconciliation every {} over the last {}",
        DurationText.format(settings.every()), DurationText.format(settings.window()));
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
