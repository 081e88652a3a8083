package candybridge.alert;

import static java.util.Objects.requireNonNull;

import candybridge.text.UntrustedText;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells operators when a delivery needs them: a failed or in-doubt delivery, or a backlog older
 * than a threshold. Each alert is one WARN log line and, for each destination set ({@code
 * CANDYBRIDGE_ALERT_WEBHOOK_URL}, e-mail through {@code CANDYBRIDGE_SMTP_URL}), one message sent by
 * that destination's background thread (see {@link AlertSender}): every method returns at once,
 * whatever the webhook or the mail server does. Alerts carry ids and reasons, never parameters;
 * anything that looks like an e-mail address is removed first. Thread-safe.
 *
 * <p>Bursts are summarised: in-doubt deliveries per burst ({@link #deliveryInDoubt}); failed
 * deliveries at most once a minute ({@link #deliveryFailed}: the first at once, the rest of the
 * minute as one alert with a count). The breaker's opening and closing are one alert each ({@code
 * referralcandy_unavailable}, {@code referralcandy_recovered}).
 *
 * <p>The JSON: {@code
 * {"alert":"delivery_failed"|"delivery_in_doubt"|"backlog_old"|…,"at":"<instant>",
 * "delivery":{"id":12,"workflow":…,"dedupe_key":…,"event_id":…,"status":…,"reason":…,"attempts":3},
 * "count":1,"detail":"<sentence>","link":"<admin page>#delivery-12","text":"<one line>"}}; {@code
 * text} makes the body a Slack or Mattermost incoming-webhook message as it is; {@code link} is
 * there when the admin page's address is known. A backlog alert has {@code oldest_due_age_seconds}
 * and {@code threshold_seconds} instead of {@code delivery}.
 */
public final class Alerts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Alerts.class);

  private final Clock clock;
  private final Duration backlogThreshold;
  private final boolean logging;
  private final List<AlertSender> senders;
  private final AlertTexts texts;
  private boolean backlogAlerted;
  private Optional<Burst> burst = Optional.empty();

  /**
   * Failed deliveries after the last delivery_failed alert, within {@link #SUMMARY_EVERY} of it.
   */
  private Optional<Burst> failedSince = Optional.empty();

  /** Until when a new failure is counted instead of sent; null: the next one goes out at once. */
  private Instant failedQuietUntil;

  private ScheduledExecutorService ticker;

  /** An in-doubt burst is sent once this long passed without another in-doubt delivery... */
  public static final Duration BURST_QUIET = Duration.ofSeconds(10);

  /** ...or this long after its first, whichever comes first. */
  public static final Duration BURST_MAX = Duration.ofMinutes(1);

  /**
   * At most one {@code delivery_failed} alert is sent per this long; the failures between are
   * counted.
   */
  public static final Duration SUMMARY_EVERY = Duration.ofMinutes(1);

  private Alerts(
      Clock clock,
      Duration backlogThreshold,
      boolean logging,
      List<AlertSender> senders,
      Optional<URI> adminPage) {
    this.clock = requireNonNull(clock, "clock == null");
    this.backlogThreshold = requireNonNull(backlogThreshold, "backlogThreshold == null");
    this.logging = logging;
    this.senders = List.copyOf(senders);
    this.texts = new AlertTexts(this.clock, requireNonNull(adminPage, "adminPage == null"));
  }

  /** Does nothing at all: for tests and tools that do not care. */
  public static Alerts disabled() {
    return new Alerts(
        Clock.systemUTC(),
        AlertSettings.defaults().backlogThreshold(),
        false,
        List.of(),
        Optional.empty());
  }

  /** WARN log lines only: the production choice when no alert webhook is configured. */
  public static Alerts logOnly(Clock clock, Duration backlogThreshold) {
    return new Alerts(clock, backlogThreshold, true, List.of(), Optional.empty());
  }

  /**
   * Logs and POSTs each alert to {@code url}; starts the sender thread ({@link #close} stops it).
   */
  public static Alerts start(URI url, Clock clock, AlertSettings settings) {
    return start(
        new AlertDestinations(Optional.of(requireNonNull(url, "url == null")), Optional.empty()),
        clock,
        settings);
  }

  /**
   * Logs each alert and sends it to every destination set, each from its own thread ({@link #close}
   * stops them); with none set, the same as {@link #logOnly}.
   */
  public static Alerts start(AlertDestinations to, Clock clock, AlertSettings settings) {
    List<AlertChannel> channels = new ArrayList<>();
    to.webhook().ifPresent(url -> channels.add(new WebhookChannel(url, settings.timeout())));
    to.email().ifPresent(smtp -> channels.add(new MailChannel(smtp, settings.timeout(), clock)));
    List<AlertSender> senders =
        channels.stream()
            .map(
                c ->
                    new AlertSender(
                        c, settings.timeout(), settings.retryDelays(), settings.queueCapacity()))
            .toList();
    senders.forEach(AlertSender::start);
    return new Alerts(clock, settings.backlogThreshold(), true, senders, settings.adminPage());
  }

  /**
   * The delivery failed for good (a 4xx, a missing parameter, or retries used up). Each failure is
   * one WARN line; at most one alert is sent per {@link #SUMMARY_EVERY}: the first failure at once,
   * the ones after it within the minute as one alert with their count when the minute is over
   * ({@link #tick} checks), so an outage that fails a thousand sales sends a few messages, not a
   * thousand.
   */
  public void deliveryFailed(DeliveryAlert delivery) {
    DeliveryAlert d = delivery.scrubbed();
    if (logging) {
      log.warn(
          "alert {}",
          UntrustedText.forLog(
              "delivery_failed delivery="
                  + d.deliveryId()
                  + " key="
                  + d.dedupeKey()
                  + " reason="
                  + d.reason()));
    }
    synchronized (this) {
      Instant now = clock.instant();
      if (failedQuietUntil != null && now.isBefore(failedQuietUntil)) {
        failedSince =
            Optional.of(failedSince.map(b -> b.plus(now)).orElseGet(() -> Burst.first(d, now)));
        return;
      }
      if (failedSince.isPresent()) {
        // The minute is over and the tick has not come yet: this one joins the summary.
        failedSince = Optional.of(failedSince.get().plus(now));
        sendFailedSummary(now);
        return;
      }
      failedQuietUntil = now.plus(SUMMARY_EVERY);
    }
    send(texts.failed(d));
  }

  /**
   * The failures counted since the last delivery_failed alert, as one alert; the next minute starts
   * now.
   */
  private void sendFailedSummary(Instant now) {
    Burst b = failedSince.orElseThrow();
    failedSince = Optional.empty();
    failedQuietUntil = now.plus(SUMMARY_EVERY);
    if (logging) {
      log.info(
          "alert delivery_failed summary: {} more deliver{} failed {} (first: delivery {})",
          b.count(),
          b.count() == 1 ? "y" : "ies",
          b.window(),
          b.first().deliveryId());
    }
    send(texts.failedSummary(b));
  }

  /**
   * The delivery may or may not have reached ReferralCandy; it is not resent blindly. Deliveries
   * that go in doubt together (an outage, a restart after a crash) make one alert: it goes out once
   * {@link #BURST_QUIET} passed without another, or {@link #BURST_MAX} after the first, and names
   * how many and the time window ({@link #tick} checks).
   */
  public synchronized void deliveryInDoubt(DeliveryAlert delivery) {
    Instant now = clock.instant();
    burst =
        Optional.of(
            burst.map(b -> b.plus(now)).orElseGet(() -> Burst.first(delivery.scrubbed(), now)));
  }

  /**
   * Sends a burst of in-doubt deliveries that has ended, and the failed deliveries counted over the
   * last minute; called every second by {@link #startTicking}.
   */
  public synchronized void tick() {
    Instant now = clock.instant();
    if (failedQuietUntil != null && !now.isBefore(failedQuietUntil)) {
      if (failedSince.isPresent()) {
        sendFailedSummary(now);
      } else {
        failedQuietUntil = null;
      }
    }
    if (burst.isEmpty() || !burst.get().endedBy(now, BURST_QUIET, BURST_MAX)) {
      return;
    }
    Burst b = burst.get();
    burst = Optional.empty();
    DeliveryAlert d = b.first();
    emit(
        "delivery_in_doubt count="
            + b.count()
            + " from="
            + b.from()
            + " to="
            + b.to()
            + " first=delivery "
            + d.deliveryId()
            + " reason="
            + d.reason(),
        texts.inDoubt(b));
  }

  /** The breaker opened: no new call to ReferralCandy starts until a probe succeeds. */
  public void breakerOpened(String why) {
    String scrubbed = DeliveryAlert.scrub(why);
    emit("referralcandy_unavailable reason=" + scrubbed, texts.unavailable(scrubbed));
  }

  /** The breaker closed again: deliveries resume. */
  public void breakerClosed(Optional<Duration> openFor) {
    emit(
        "referralcandy_recovered" + openFor.map(d -> " after=" + d.toSeconds() + "s").orElse(""),
        texts.recovered(openFor));
  }

  /** Runs {@link #tick} every second on a daemon thread until {@link #close}. */
  public synchronized Alerts startTicking() {
    if (ticker == null) {
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
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
   * Raises {@code backlog_old} when the oldest due delivery has waited at least the threshold,
   * once; it is raised again only after a check found the backlog under the threshold (or empty).
   */
  public synchronized void checkBacklog(Optional<Duration> oldestDueAge) {
    boolean old = oldestDueAge.isPresent() && oldestDueAge.get().compareTo(backlogThreshold) >= 0;
    if (old && !backlogAlerted) {
      backlogAlerted = true;
      emit(
          "backlog_old oldest_due_age="
              + oldestDueAge.get().toSeconds()
              + "s threshold="
              + backlogThreshold.toSeconds()
              + "s",
          texts.backlog(oldestDueAge.get(), backlogThreshold));
    } else if (!old && backlogAlerted) {
      backlogAlerted = false;
      if (logging) {
        log.info(
            "alert backlog_old cleared: no due delivery is older than {}s",
            backlogThreshold.toSeconds());
      }
    }
  }

  /** Alerts dropped because the send queue was full (or closed). */
  public long dropped() {
    return senders.stream().mapToLong(AlertSender::dropped).sum();
  }

  /**
   * Sends a burst still gathering and the failures counted, then stops the senders after giving
   * queued alerts one last try (bounded by the timeout).
   */
  @Override
  public void close() {
    synchronized (this) {
      if (ticker != null) {
        ticker.shutdownNow();
      }
      if (failedSince.isPresent()) {
        sendFailedSummary(clock.instant());
      }
      if (burst.isPresent()) {
        burst = Optional.of(burst.get().asClosed());
        tick();
      }
    }
    senders.forEach(AlertSender::close);
  }

  private void emit(String logLine, AlertTexts.Message message) {
    if (logging) {
      log.warn("alert {}", UntrustedText.forLog(logLine));
    }
    send(message);
  }

  private void send(AlertTexts.Message message) {
    if (senders.isEmpty()) {
      return;
    }
    AlertSender.Outgoing alert = message.outgoing();
    senders.forEach(s -> s.offer(alert));
  }
}
