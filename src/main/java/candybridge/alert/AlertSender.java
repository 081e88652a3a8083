package candybridge.alert;

import static java.util.Objects.requireNonNull;

import candybridge.text.UntrustedText;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alerts through one {@link AlertChannel} from one background thread, so that no caller ever
 * waits on the network: {@link #offer} only enqueues (bounded; a full queue drops the alert with a
 * WARN). Each alert is tried once plus once per retry delay; a channel that did not take it after
 * the last try costs one WARN line. One sender per channel: a broken mail server never delays the
 * webhook, nor the other way round.
 */
final class AlertSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertSender.class);

  /**
   * One alert ready to send.
   *
   * @param label names it in log lines ({@code delivery_failed delivery=12})
   * @param json the webhook body
   * @param subject the one-line summary (the e-mail subject)
   * @param text the e-mail body
   */
  record Outgoing(String label, String json, String subject, String text) {
    Outgoing {
      requireNonNull(label, "label == null");
      requireNonNull(json, "json == null");
      requireNonNull(subject, "subject == null");
      requireNonNull(text, "text == null");
    }
  }

  private final AlertChannel channel;
  private final Duration timeout;
  private final List<Duration> retryDelays;
  private final BlockingQueue<Outgoing> queue;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;

  AlertSender(AlertChannel channel, Duration timeout, List<Duration> retryDelays, int capacity) {
    this.channel = requireNonNull(channel, "channel == null");
    this.timeout = requireNonNull(timeout, "timeout == null");
    this.retryDelays = List.copyOf(retryDelays);
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::run, "alert-sender");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /**
   * Enqueues without blocking; returns false (and logs a WARN) when the queue is full or closed.
   */
  boolean offer(Outgoing alert) {
    if (closing.getCount() == 0 || !queue.offer(alert)) {
      dropped.incrementAndGet();
      log.warn(
          "alert {} dropped: the queue of alerts {} is full or closed",
          alert.label(),
          channel.via());
      return false;
    }
    return true;
  }

  long dropped() {
    return dropped.get();
  }

  private void run() {
    try {
      while (closing.getCount() > 0 || !queue.isEmpty()) {
        Outgoing next = queue.poll(100, TimeUnit.MILLISECONDS);
        if (next != null) {
          deliver(next);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!queue.isEmpty()) {
      log.warn(
          "{} alert(s) not sent {}: stopped before they were taken", queue.size(), channel.via());
    }
  }

  /**
   * Tries until the channel takes it or the retries are used up; after close, tries each remaining
   * alert once.
   */
  private void deliver(Outgoing alert) throws InterruptedException {
    String lastError = "";
    for (int attempt = 0; attempt <= retryDelays.size(); attempt++) {
      if (attempt > 0
          && (closing.getCount() == 0
              || closing.await(retryDelays.get(attempt - 1).toMillis(), TimeUnit.MILLISECONDS))) {
        break;
      }
      Optional<String> failure = channel.send(alert);
      if (failure.isEmpty()) {
        log.debug("alert {} sent {} (try {})", alert.label(), channel.via(), attempt + 1);
        return;
      }
      lastError = failure.get();
    }
    log.warn(
        "alert {} not delivered {}: {}",
        alert.label(),
        channel.via(),
        UntrustedText.forLog(lastError));
  }

  /**
   * Stops taking alerts, ends retry waits, and gives what is queued one try each, waiting at most
   * {@code grace}; an alert still unsent then is abandoned (its WARN line is already in the log).
   */
  void close(Duration grace) {
    closing.countDown();
    try {
      thread.join(grace.toMillis());
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(1_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(timeout.plusSeconds(1));
  }
}
