package candybridge.app;

import candybridge.testing.Fixtures;
import candybridge.testing.StripeWebhooks;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * What an honest client sees while slow clients hang on: a thread that asks {@code /healthz} and
 * posts a real signed webhook (a new event each time) every 200 ms, timing each answer.
 */
final class SlowBodyProbe implements AutoCloseable {
  record Figures(
      int healthz,
      long healthzP50Ms,
      long healthzMaxMs,
      int webhooks,
      long webhookP50Ms,
      long webhookMaxMs,
      List<String> failures) {}

  private final int port;
  private final long now;
  private final String tag;
  private final List<Long> healthz = new ArrayList<>();
  private final List<Long> webhooks = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stop;

  private SlowBodyProbe(int port, long now, String tag) {
    this.port = port;
    this.now = now;
    this.tag = tag;
    this.thread = new Thread(this::run, "slow-body-probe");
    this.thread.setDaemon(true);
  }

  static SlowBodyProbe start(int port, long now, String tag) {
    SlowBodyProbe probe = new SlowBodyProbe(port, now, tag);
    probe.thread.start();
    return probe;
  }

  private void run() {
    String template = Fixtures.read("stripe/checkout.session.completed.json");
    for (int i = 0; !stop; i++) {
      long t0 = System.nanoTime();
      try {
        HttpResponse<String> r = StripeWebhooks.get(port, "/healthz");
        record(healthz, t0, r.statusCode(), "healthz");
      } catch (RuntimeException e) {
        record(healthz, t0, -1, "healthz " + e.getClass().getSimpleName());
      }
      String body =
          template
              .replace("evt_1TfQ7pZr4Kx2LwT9Qm3Nb4Vc", "evt_probe_" + tag + "_" + i)
              .replace("cs_test_", "cs_test_probe" + i + "_");
      long t1 = System.nanoTime();
      try {
        HttpResponse<String> r = StripeWebhooks.postSigned(port, body, now);
        record(webhooks, t1, r.statusCode(), "webhook");
      } catch (RuntimeException e) {
        record(webhooks, t1, -1, "webhook " + e.getClass().getSimpleName());
      }
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
  }

  private synchronized void record(List<Long> into, long started, int status, String what) {
    into.add((System.nanoTime() - started) / 1_000_000);
    if (status != 200) {
      failures.add(what + " -> " + status);
    }
  }

  /** Stops the thread (it finishes the request in hand) and returns the figures. */
  Figures stop() throws InterruptedException {
    stop = true;
    thread.join(Duration.ofSeconds(30).toMillis());
    synchronized (this) {
      return new Figures(
          healthz.size(),
          percentile(healthz, 50),
          percentile(healthz, 100),
          webhooks.size(),
          percentile(webhooks, 50),
          percentile(webhooks, 100),
          List.copyOf(failures));
    }
  }

  private static long percentile(List<Long> values, int p) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(Duration.ofSeconds(30).toMillis());
  }
}
