package candybridge.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs alerts to the alert webhook from one background thread, so that no caller ever waits on
 * the network: {@link #offer} only enqueues (bounded; a full queue drops the alert with a WARN).
 * Each alert is tried once plus once per retry delay; any non-2xx answer or I/O failure is
 * retried. The webhook URL is never logged: chat webhooks carry their token in the path.
 */
final class AlertSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertSender.class);

  /** One alert ready to send; {@code label} names it in log lines ({@code delivery_failed delivery=12}). */
  record Outgoing(String label, String json) {}

  private final URI url;
  private final HttpClient http;
  private final Duration timeout;
  private final List<Duration> retryDelays;
  private final BlockingQueue<Outgoing> queue;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;

  AlertSender(URI url, Duration timeout, List<Duration> retryDelays, int capacity) {
    this.url = url;
    this.timeout = timeout;
    this.retryDelays = List.copyOf(retryDelays);
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.thread = new Thread(this::run, "alert-sender");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Enqueues without blocking; returns false (and logs a WARN) when the queue is full or closed. */
  boolean offer(Outgoing alert) {
    if (closing.getCount() == 0 || !queue.offer(alert)) {
      dropped.incrementAndGet();
      log.warn("alert {} dropped: the alert queue is full or closed", alert.label());
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
      log.warn("{} alert(s) not sent: stopped before the alert webhook took them", queue.size());
    }
  }

  /** Tries until a 2xx or the retries are used up; after close, tries each remaining alert once. */
  private void deliver(Outgoing alert) throws InterruptedException {
    String lastError = "";
    for (int attempt = 0; attempt <= retryDelays.size(); attempt++) {
      if (attempt > 0 && (closing.getCount() == 0 || closing.await(retryDelays.get(attempt - 1).toMillis(), TimeUnit.MILLISECONDS))) {
        break;
      }
      try {
        int status = post(alert.json());
        if (status / 100 == 2) {
          log.debug("alert {} sent (try {})", alert.label(), attempt + 1);
          return;
        }
        lastError = "HTTP " + status;
      } catch (IOException e) {
        // The exception text may name the URL; the class says enough (timeout, refused, reset).
        lastError = e.getClass().getSimpleName();
      }
    }
    log.warn("alert {} not delivered to the alert webhook: {}", alert.label(), lastError);
  }

  private int post(String json) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "candybridge-alerts")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
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
