package candybridge.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Steady webhook load on one or more service instances, Stripe-like: one signed {@code
 * checkout.session.completed} per new sale, and every event not answered 200 (instance killed,
 * connection reset, 503) posted again later, as Stripe retries. Each 200 goes into the {@link
 * SaleLedger}. Instances are slots whose port is 0 while down.
 */
public final class LoadGenerator implements AutoCloseable {
  private static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  private static final String SESSION =
      Fixtures.event("stripe/checkout.session.completed.json").objectId();
  private static final String EVENT_ID =
      Fixtures.event("stripe/checkout.session.completed.json").id().value();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final AtomicIntegerArray ports;
  private final SaleLedger ledger;
  private final String prefix;
  private final Deque<Integer> unanswered = new ArrayDeque<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong non200 = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private int next;
  private int turn;

  private LoadGenerator(int instances, SaleLedger ledger, String prefix) {
    this.ports = new AtomicIntegerArray(instances);
    this.ledger = ledger;
    this.prefix = prefix;
    this.thread = new Thread(this::run, "load-generator");
    thread.setDaemon(true);
  }

  /**
   * @param prefix makes session ids unique per run
   */
  public static LoadGenerator start(int instances, SaleLedger ledger, String prefix) {
    LoadGenerator g = new LoadGenerator(instances, ledger, prefix);
    g.thread.start();
    return g;
  }

  /** The instance in {@code slot} listens on {@code port}; 0 = down. */
  public void port(int slot, int port) {
    ports.set(slot, port);
  }

  public long requests() {
    return requests.get();
  }

  public long non200() {
    return non200.get();
  }

  public int sales() {
    synchronized (unanswered) {
      return next;
    }
  }

  public static String session(String prefix, int i) {
    return SESSION + "_" + prefix + "_" + i;
  }

  private void run() {
    while (running) {
      int port = pickPort();
      if (port == 0) {
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        continue;
      }
      int sale = nextSale();
      if (!post(port, sale)) {
        synchronized (unanswered) {
          unanswered.addLast(sale);
        }
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }

  private int pickPort() {
    for (int i = 0; i < ports.length(); i++) {
      int p = ports.get(Math.floorMod(turn++, ports.length()));
      if (p != 0) {
        return p;
      }
    }
    return 0;
  }

  /** A retried event now and then (Stripe retries later, not at once), else a new sale. */
  private int nextSale() {
    synchronized (unanswered) {
      if (!unanswered.isEmpty() && (next % 4 == 0 || unanswered.size() > 50)) {
        next++;
        return unanswered.removeFirst();
      }
      return next++;
    }
  }

  /** Posts sale {@code i}; true on 200 (then it is in the ledger). */
  public boolean post(int port, int i) {
    String session = session(prefix, i);
    String body =
        TEMPLATE.replace(SESSION, session).replace(EVENT_ID, EVENT_ID + "_" + prefix + "_" + i);
    byte[] bytes = body.getBytes(UTF_8);
    long now = Clock.systemUTC().instant().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/stripe"))
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/json")
            .header("Stripe-Signature", StripeWebhooks.sign(bytes, StripeWebhooks.SECRET, now))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    requests.incrementAndGet();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        ledger.acknowledged(session);
        return true;
      }
      if (r.statusCode() != 503) {
        throw new AssertionError("webhook answered " + r.statusCode() + ": " + r.body());
      }
    } catch (java.io.IOException e) {
      // killed or restarting: not acknowledged, so Stripe would retry
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
    non200.incrementAndGet();
    return false;
  }

  /**
   * Stops the load, then posts every unanswered event until it gets its 200 (Stripe's retries), at
   * {@code port}.
   */
  public void finish(int port, Duration timeout) {
    close();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Integer sale;
      synchronized (unanswered) {
        sale = unanswered.pollFirst();
      }
      if (sale == null) {
        return;
      }
      while (!post(port, sale)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("sale " + sale + " never acknowledged");
        }
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      }
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
