package candybridge.alert;

import static java.util.Objects.requireNonNull;

import candybridge.text.UntrustedText;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells operators when a delivery needs them: a failed or in-doubt delivery, or a backlog older
 * than a threshold. Each alert is one WARN log line and, when {@code CANDYBRIDGE_ALERT_WEBHOOK_URL}
 * is set, one JSON POST made by a background thread (see {@link AlertSender}): every method returns
 * at once, whatever the webhook does. Alerts carry ids and reasons, never parameters; anything that
 * looks like an e-mail address is removed first. Thread-safe.
 *
 * <p>In-doubt deliveries are summarised per burst ({@link #deliveryInDoubt}); the breaker's
 * opening and closing are one alert each ({@code referralcandy_unavailable}, {@code
 * referralcandy_recovered}).
 *
 * <p>The JSON: {@code {"alert":"delivery_failed"|"delivery_in_doubt"|"backlog_old","at":"<instant>",
 * "delivery":{"id":12,"workflow":…,"dedupe_key":…,"event_id":…,"status":…,"reason":…,"attempts":3},
 * "detail":"<sentence>"}}; a backlog alert has {@code oldest_due_age_seconds} and {@code
 * threshold_seconds} instead of {@code delivery}.
 */
public final class Alerts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Alerts.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How alerts are sent.
   *
   * @param timeout connect and response timeout of one POST
   * @param retryDelays waits before each retry of a POST that failed (non-2xx or I/O error)
   * @param queueCapacity alerts waiting to be sent before new ones are dropped
   * @param backlogThreshold age of the oldest due delivery that raises {@code backlog_old}
   */
  public record Settings(
      Duration timeout, List<Duration> retryDelays, int queueCapacity, Duration backlogThreshold) {
    public Settings {
      requireNonNull(timeout, "timeout == null");
      retryDelays = List.copyOf(requireNonNull(retryDelays, "retryDelays == null"));
      if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity < 1");
      requireNonNull(backlogThreshold, "backlogThreshold == null");
    }

    /** 5 s timeout, retries after 1 s, 10 s and 1 min, 100 queued, backlog alert at 15 min. */
    public static Settings defaults() {
      return new Settings(
          Duration.ofSeconds(5),
          List.of(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1)),
          100,
          Duration.ofMinutes(15));
    }
  }

  private final Clock clock;
  private final Duration backlogThreshold;
  private final boolean logging;
  private final Optional<AlertSender> sender;
  private boolean backlogAlerted;
  private Optional<InDoubtBurst> burst = Optional.empty();
  private ScheduledExecutorService ticker;

  /** An in-doubt burst is sent once this long passed without another in-doubt delivery... */
  public static final Duration BURST_QUIET = Duration.ofSeconds(10);
  /** ...or this long after its first, whichever comes first. */
  public static final Duration BURST_MAX = Duration.ofMinutes(1);

  private Alerts(Clock clock, Duration backlogThreshold, boolean logging, Optional<AlertSender> sender) {
    this.clock = requireNonNull(clock, "clock == null");
    this.backlogThreshold = requireNonNull(backlogThreshold, "backlogThreshold == null");
    this.logging = logging;
    this.sender = sender;
  }

  /** Does nothing at all: for tests and tools that do not care. */
  public static Alerts disabled() {
    return new Alerts(Clock.systemUTC(), Settings.defaults().backlogThreshold(), false, Optional.empty());
  }

  /** WARN log lines only: the production choice when no alert webhook is configured. */
  public static Alerts logOnly(Clock clock, Duration backlogThreshold) {
    return new Alerts(clock, backlogThreshold, true, Optional.empty());
  }

  /** Logs and POSTs each alert to {@code url}; starts the sender thread ({@link #close} stops it). */
  public static Alerts start(URI url, Clock clock, Settings settings) {
    requireNonNull(url, "url == null");
    AlertSender sender =
        new AlertSender(url, settings.timeout(), settings.retryDelays(), settings.queueCapacity());
    sender.start();
    return new Alerts(clock, settings.backlogThreshold(), true, Optional.of(sender));
  }

  /** The delivery failed for good (a 4xx, a missing parameter, or retries used up). */
  public void deliveryFailed(DeliveryAlert delivery) {
    DeliveryAlert d = delivery.scrubbed();
    raise("delivery_failed", d,
        "Delivery " + d.deliveryId() + " failed after " + d.attempts() + " attempt(s); retrying cannot"
            + " help, so it needs an operator: fix the cause, then replay it.");
  }

  /**
   * The delivery may or may not have reached ReferralCandy; it is not resent blindly. Deliveries
   * that go in doubt together (an outage, a restart after a crash) make one alert: it goes out
   * once {@link #BURST_QUIET} passed without another, or {@link #BURST_MAX} after the first, and
   * names how many and the time window ({@link #tick} checks).
   */
  public synchronized void deliveryInDoubt(DeliveryAlert delivery) {
    Instant now = clock.instant();
    burst = Optional.of(burst.map(b -> b.plus(now)).orElseGet(() -> InDoubtBurst.first(delivery.scrubbed(), now)));
  }

  /** Sends a burst of in-doubt deliveries that has ended; called every second by {@link #startTicking}. */
  public synchronized void tick() {
    Instant now = clock.instant();
    if (burst.isEmpty() || !burst.get().endedBy(now, BURST_QUIET, BURST_MAX)) {
      return;
    }
    InDoubtBurst b = burst.get();
    burst = Optional.empty();
    DeliveryAlert d = b.first();
    String window = b.count() == 1 ? "at " + b.from() : "between " + b.from() + " and " + b.to();
    ObjectNode body = delivery(envelope("delivery_in_doubt"), d);
    body.put("count", b.count());
    body.put("from", b.from().toString());
    body.put("to", b.to().toString());
    body.put("detail", b.count() + " deliver" + (b.count() == 1 ? "y" : "ies") + " went in doubt " + window
        + ": ReferralCandy may or may not have them (first: delivery " + d.deliveryId() + ", " + d.reason()
        + "). They are not resent. Check ReferralCandy for these sales, then: candybridge resolve"
        + " --status in_doubt --as sent|resend (deliveries list --status in_doubt lists them)");
    emit("delivery_in_doubt count=" + b.count() + " from=" + b.from() + " to=" + b.to() + " first=delivery "
        + d.deliveryId() + " reason=" + d.reason(), "delivery_in_doubt count=" + b.count(), body);
  }

  /** The breaker opened: no new call to ReferralCandy starts until a probe succeeds. */
  public void breakerOpened(String why) {
    ObjectNode body = envelope("referralcandy_unavailable");
    String scrubbed = DeliveryAlert.scrub(why);
    body.put("reason", scrubbed);
    body.put("detail", "ReferralCandy is not answering normally (" + scrubbed + "). Candybridge stopped"
        + " starting calls and probes verify.json until it answers; webhooks are still stored.");
    emit("referralcandy_unavailable reason=" + scrubbed, "referralcandy_unavailable", body);
  }

  /** The breaker closed again: deliveries resume. */
  public void breakerClosed(Optional<Duration> openFor) {
    ObjectNode body = envelope("referralcandy_recovered");
    openFor.ifPresent(d -> body.put("unavailable_seconds", d.toSeconds()));
    body.put("detail", "ReferralCandy answers again" + openFor.map(d -> " after " + d.toSeconds() + " s").orElse("")
        + "; deliveries resume.");
    emit("referralcandy_recovered" + openFor.map(d -> " after=" + d.toSeconds() + "s").orElse(""),
        "referralcandy_recovered", body);
  }

  /** Runs {@link #tick} every second on a daemon thread until {@link #close}. */
  public synchronized Alerts startTicking() {
    if (ticker == null) {
      ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "alert-ticker");
        t.setDaemon(true);
        return t;
      });
      ticker.scheduleWithFixedDelay(this::tickQuietly, 1, 1, TimeUnit.SECONDS);
    }
    return this;
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.warn("alert tick failed: {}", e.toString());
    }
  }

  /**
   * Raises {@code backlog_old} when the oldest due delivery has waited at least the threshold, once;
   * it is raised again only after a check found the backlog under the threshold (or empty).
   */
  public synchronized void checkBacklog(Optional<Duration> oldestDueAge) {
    boolean old = oldestDueAge.isPresent() && oldestDueAge.get().compareTo(backlogThreshold) >= 0;
    if (old && !backlogAlerted) {
      backlogAlerted = true;
      long ageSeconds = oldestDueAge.get().toSeconds();
      ObjectNode body = envelope("backlog_old");
      body.put("oldest_due_age_seconds", ageSeconds);
      body.put("threshold_seconds", backlogThreshold.toSeconds());
      body.put("detail", "The oldest due delivery has waited " + minutes(oldestDueAge.get())
          + ", over the " + minutes(backlogThreshold) + " threshold: the delivery worker is stopped or behind.");
      emit("backlog_old oldest_due_age=" + ageSeconds + "s threshold=" + backlogThreshold.toSeconds() + "s",
          "backlog_old", body);
    } else if (!old && backlogAlerted) {
      backlogAlerted = false;
      if (logging) {
        log.info("alert backlog_old cleared: no due delivery is older than {}s", backlogThreshold.toSeconds());
      }
    }
  }

  /** Alerts dropped because the send queue was full (or closed). */
  public long dropped() {
    return sender.map(AlertSender::dropped).orElse(0L);
  }

  /**
   * Sends a burst still gathering, then stops the sender after giving queued alerts one last try
   * (bounded by the POST timeout).
   */
  @Override
  public void close() {
    synchronized (this) {
      if (ticker != null) {
        ticker.shutdownNow();
      }
      if (burst.isPresent()) {
        burst = Optional.of(burst.get().asClosed());
        tick();
      }
    }
    sender.ifPresent(AlertSender::close);
  }

  private void raise(String kind, DeliveryAlert d, String detail) {
    ObjectNode body = delivery(envelope(kind), d);
    body.put("detail", detail);
    emit(kind + " delivery=" + d.deliveryId() + " key=" + d.dedupeKey() + " reason=" + d.reason(),
        kind + " delivery=" + d.deliveryId(), body);
  }

  private static ObjectNode delivery(ObjectNode body, DeliveryAlert d) {
    ObjectNode delivery = body.putObject("delivery");
    delivery.put("id", d.deliveryId());
    delivery.put("workflow", d.workflow());
    delivery.put("dedupe_key", d.dedupeKey());
    delivery.put("event_id", d.eventId());
    delivery.put("status", d.status());
    delivery.put("reason", d.reason());
    delivery.put("attempts", d.attempts());
    return body;
  }

  private ObjectNode envelope(String kind) {
    ObjectNode body = JSON.createObjectNode();
    body.put("alert", kind);
    body.put("at", clock.instant().toString());
    return body;
  }

  private void emit(String logLine, String label, ObjectNode body) {
    if (logging) {
      log.warn("alert {}", UntrustedText.forLog(logLine));
    }
    sender.ifPresent(s -> s.offer(new AlertSender.Outgoing(label, body.toString())));
  }

  private static String minutes(Duration d) {
    return d.toMinutes() + " min";
  }
}
