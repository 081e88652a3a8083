package candybridge.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The demo's stand-in for ReferralCandy: a JDK {@link HttpServer} on {@code 127.0.0.1:0} that
 * answers like the real API (reference §8) and checks every request's MD5 signature on its own, as
 * ReferralCandy does: {@code md5(secret + sorted "k=v" strings)}; a wrong one gets 401 {@code
 * Invalid Credentials}. It deliberately does not reuse our {@code RcSigner}: a check written by the
 * code under demonstration would prove nothing. Records every call; thread-safe.
 */
public final class DemoReferralCandy implements AutoCloseable {
  /** One request as received: the method file name, the decoded parameters, the verdict. */
  public record Received(String method, Map<String, String> params, boolean signatureValid) {
    public Received {
      params = Map.copyOf(params);
    }
  }

  private final String accessId;
  private final String secret;
  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Received> received = new ArrayList<>();

  private DemoReferralCandy(
      String accessId, String secret, HttpServer server, ExecutorService executor) {
    this.accessId = accessId;
    this.secret = secret;
    this.server = server;
    this.executor = executor;
  }

  /** Binds a free loopback port and starts answering. */
  public static DemoReferralCandy start(String accessId, String secret) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ExecutorService executor =
          Executors.newFixedThreadPool(
              4,
              r -> {
                Thread t = new Thread(r, "demo-referralcandy");
                t.setDaemon(true);
                return t;
              });
      DemoReferralCandy fake = new DemoReferralCandy(accessId, secret, server, executor);
      server.createContext("/", fake::handle);
      server.setExecutor(executor);
      server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the demo ReferralCandy", e);
    }
  }

  /** The API base to configure as {@code REFERRALCANDY_API_BASE}. */
  public URI apiBase() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1");
  }

  /** Every request so far, in arrival order. */
  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  /**
   * Blocks until more than {@code seen} requests have arrived or {@code timeout} passes; returns
   * how many have arrived. Lets the demo wait for the worker without polling blindly.
   */
  public synchronized int awaitMoreThan(int seen, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long left;
    while (received.size() <= seen && (left = deadline - System.nanoTime()) > 0) {
      wait(Math.max(1, left / 1_000_000));
    }
    return received.size();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.startsWith("/api/v1/") || !path.endsWith(".json")) {
        answer(exchange, 404, "{\"message\":\"Not found\"}");
        return;
      }
      Map<String, String> params = new TreeMap<>();
      parseForm(exchange.getRequestURI().getRawQuery(), params);
      parseForm(new String(exchange.getRequestBody().readAllBytes(), UTF_8), params);
      String method = path.substring("/api/v1/".length());
      boolean valid = signatureValid(params);
      record(new Received(method, params, valid));
      if (!valid) {
        answer(exchange, 401, "{\"message\":\"Invalid Credentials\"}");
      } else if (method.equals("purchase.json")) {
        answer(
            exchange,
            200,
            "{\"message\":\"Success\",\"referralcorner_url\":\"http://127.0.0.1/demo-referral-corner\"}");
      } else {
        answer(exchange, 200, "{\"message\":\"Success\"}");
      }
    }
  }

  private synchronized void record(Received call) {
    received.add(call);
    notifyAll();
  }

  /** ReferralCandy's rule (reference §2): every parameter but {@code signature}, "k=v", sorted. */
  private boolean signatureValid(Map<String, String> params) {
    String got = params.get("signature");
    if (got == null || !accessId.equals(params.get("accessID"))) {
      return false;
    }
    StringBuilder signed = new StringBuilder(secret);
    params.entrySet().stream()
        .filter(e -> !e.getKey().equals("signature"))
        .map(e -> e.getKey() + "=" + e.getValue())
        .sorted()
        .forEach(signed::append);
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(signed.toString().getBytes(UTF_8));
      return MessageDigest.isEqual(
          HexFormat.of().formatHex(digest).getBytes(UTF_8), got.getBytes(UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide MD5", e);
    }
  }

  private static void parseForm(String raw, Map<String, String> into) {
    if (raw == null || raw.isEmpty()) {
      return;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      into.put(URLDecoder.decode(name, UTF_8), URLDecoder.decode(value, UTF_8));
    }
  }

  private static void answer(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
