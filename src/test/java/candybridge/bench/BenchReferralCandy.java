package candybridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import candybridge.referralcandy.RcSigner;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A ReferralCandy stand-in for load: answers every {@code purchase.json} after a configurable
 * latency, checks the MD5 signature of each (401 when wrong, as RC would), and notes in the {@link
 * Timeline} when the purchase of each benchmark session first arrived. During an "outage" every
 * call hangs until {@link #recover()}.
 *
 * <p>Its capacity is either unbounded (a thread per call) or, like a real server, a fixed number of
 * workers: then calls beyond that many wait in its queue, unread, and it serves at most {@code
 * workers / latency} calls a second however many a client keeps open.
 */
final class BenchReferralCandy implements AutoCloseable {
  static final String ACCESS_ID = "bench-access-id";
  static final String SECRET = "bench-secret";
  private static final byte[] SUCCESS =
      "{\"message\":\"Success\",\"referralcorner_url\":\"https://fake.referralcandy.test/r/1\"}"
          .getBytes(UTF_8);

  static {
    // The JDK server writes headers and body separately; with Nagle on, the body waits for the
    // client's delayed ACK (~40 ms a call), which would be measured as our delivery latency.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService threads;
  private final Timeline timeline;
  private final AtomicInteger badSignatures = new AtomicInteger();
  private final AtomicInteger serving = new AtomicInteger();
  private volatile Duration latency;
  private volatile CountDownLatch outage = new CountDownLatch(0);
  private volatile TokenBucket rateLimit;
  private final AtomicInteger throttled = new AtomicInteger();

  /**
   * Allows {@code perSecond} purchases a second, as a token bucket holding one second's worth: a
   * call beyond that answers {@code 429} with {@code Retry-After: 1} and is not a purchase.
   */
  static final class TokenBucket {
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last = System.nanoTime();

    TokenBucket(int perSecond) {
      this.perNano = perSecond / 1e9;
      this.capacity = perSecond;
      this.tokens = perSecond;
    }

    synchronized boolean tryTake(long now) {
      tokens = Math.min(capacity, tokens + (now - last) * perNano);
      last = now;
      if (tokens < 1) {
        return false;
      }
      tokens--;
      return true;
    }
  }

  BenchReferralCandy(Timeline timeline, Duration latency) throws IOException {
    this(timeline, latency, 0);
  }

  /**
   * @param workers calls served at once; 0 for no limit
   */
  BenchReferralCandy(Timeline timeline, Duration latency, int workers) throws IOException {
    this.timeline = timeline;
    this.latency = latency;
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    ThreadFactory named =
        r -> {
          Thread t = new Thread(r, "bench-rc");
          t.setDaemon(true);
          return t;
        };
    this.threads =
        workers > 0
            ? new ThreadPoolExecutor(
                workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), named)
            : Executors.newCachedThreadPool(named);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  String apiBase() {
    return "http://127.0.0.1:" + port() + "/api/v1";
  }

  int port() {
    return server.getAddress().getPort();
  }

  /**
   * A correctly signed {@code purchase.json} call that no benchmark event claims (the timeline
   * ignores it): what {@link #warmUp} sends.
   */
  static byte[] anonymousPurchase(int port) {
    Map<String, String> params = new TreeMap<>();
    params.put("accessID", ACCESS_ID);
    params.put("timestamp", Long.toString(System.currentTimeMillis() / 1000));
    params.put("email", "warm-up@example.test");
    params.put("external_reference_id", "warm-up");
    params.put("signature", RcSigner.sign(SECRET, params));
    StringBuilder form = new StringBuilder();
    params.forEach(
        (k, v) ->
            form.append(form.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, UTF_8)));
    byte[] body = form.toString().getBytes(UTF_8);
    byte[] head =
        ("POST /api/v1/purchase.json HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(UTF_8);
    byte[] all = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  /**
   * Serves {@code calls} purchases at no latency from 16 connections of this process, so that its
   * own just-in-time compilation is done before a measurement: a real ReferralCandy is warm.
   * Returns the calls not answered {@code 200}.
   */
  long warmUp(int calls) {
    Duration kept = latency;
    latency = Duration.ZERO;
    try {
      byte[] call = anonymousPurchase(port());
      LoadGenerator load =
          new LoadGenerator(new int[] {port()}, new AtomicInteger(), Integer.MAX_VALUE);
      return load.closedLoop(16, Duration.ofMinutes(1), calls, (i, n) -> call).errors();
    } finally {
      latency = kept;
    }
  }

  void latency(Duration d) {
    latency = d;
  }

  /** From now on at most {@code perSecond} purchases a second; 0 lifts the limit. */
  void rateLimit(int perSecond) {
    rateLimit = perSecond > 0 ? new TokenBucket(perSecond) : null;
  }

  /** Calls answered 429 by the rate limit. */
  int throttled() {
    return throttled.get();
  }

  void outage() {
    outage = new CountDownLatch(1);
  }

  void recover() {
    outage.countDown();
  }

  int badSignatures() {
    return badSignatures.get();
  }

  /** Calls being served now (hung ones included). */
  int serving() {
    return serving.get();
  }

  /** Calls waiting for a worker, unread. */
  int waiting() {
    return threads instanceof ThreadPoolExecutor pool ? pool.getQueue().size() : 0;
  }

  private void handle(HttpExchange exchange) throws IOException {
    serving.incrementAndGet();
    try (exchange) {
      Map<String, String> params =
          form(new String(exchange.getRequestBody().readAllBytes(), UTF_8));
      long arrived = System.nanoTime();
      outage.await();
      boolean signed =
          ACCESS_ID.equals(params.get("accessID"))
              && RcSigner.sign(SECRET, params).equals(params.get("signature"));
      if (!signed) {
        badSignatures.incrementAndGet();
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      TokenBucket limit = rateLimit;
      if (limit != null && !limit.tryTake(System.nanoTime())) {
        throttled.incrementAndGet();
        byte[] slowDown = "{\"message\":\"Too many requests\"}".getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Retry-After", "1");
        exchange.sendResponseHeaders(429, slowDown.length);
        exchange.getResponseBody().write(slowDown);
        return;
      }
      timeline.received(CheckoutEvents.number(params.get("external_reference_id")), arrived);
      long nanos = latency.toNanos();
      if (nanos > 0) {
        TimeUnit.NANOSECONDS.sleep(nanos);
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, SUCCESS.length);
      exchange.getResponseBody().write(SUCCESS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      serving.decrementAndGet();
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> params = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(
            URLDecoder.decode(pair.substring(0, eq), UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), UTF_8));
      }
    }
    return params;
  }

  @Override
  public void close() {
    recover();
    server.stop(0);
    threads.shutdownNow();
  }
}
