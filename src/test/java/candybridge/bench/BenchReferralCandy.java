package candybridge.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import candybridge.referralcandy.RcSigner;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A ReferralCandy stand-in for load: answers every {@code purchase.json} after a configurable
 * latency, checks the MD5 signature of each (401 when wrong, as RC would), and notes in the {@link
 * Timeline} when the purchase of each benchmark session first arrived. During an "outage" every
 * call hangs until {@link #recover()}.
 */
final class BenchReferralCandy implements AutoCloseable {
  static final String ACCESS_ID = "bench-access-id";
  static final String SECRET = "bench-secret";
  private static final byte[] SUCCESS =
      "{\"message\":\"Success\",\"referralcorner_url\":\"https://fake.referralcandy.test/r/1\"}".getBytes(UTF_8);

  static {
    // The JDK server writes headers and body separately; with Nagle on, the body waits for the
    // client's delayed ACK (~40 ms a call), which would be measured as our delivery latency.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService threads;
  private final Timeline timeline;
  private final AtomicInteger badSignatures = new AtomicInteger();
  private volatile Duration latency;
  private volatile CountDownLatch outage = new CountDownLatch(0);

  BenchReferralCandy(Timeline timeline, Duration latency) throws IOException {
    this.timeline = timeline;
    this.latency = latency;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "bench-rc");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  String apiBase() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1";
  }

  void latency(Duration d) {
    latency = d;
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

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> params = form(new String(exchange.getRequestBody().readAllBytes(), UTF_8));
      long arrived = System.nanoTime();
      outage.await();
      boolean signed = ACCESS_ID.equals(params.get("accessID"))
          && RcSigner.sign(SECRET, params).equals(params.get("signature"));
      if (!signed) {
        badSignatures.incrementAndGet();
        exchange.sendResponseHeaders(401, -1);
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
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> params = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(URLDecoder.decode(pair.substring(0, eq), UTF_8), URLDecoder.decode(pair.substring(eq + 1), UTF_8));
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
