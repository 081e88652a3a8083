package candybridge.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Stripe's REST API on {@code 127.0.0.1} and a free port: {@code GET
 * /v1/customers/{id}} and {@code GET /v1/promotion_codes/{id}}, served from the JSON it is given.
 * Errors use Stripe's shape {@code {"error":{"type":…,"code":…,"message":…}}}. Thread-safe.
 *
 * <p>Per request: record it; hang if asked to (until close); answer 503 while down; answer the next
 * scripted failure; 401 unless {@code Authorization: Bearer <key>}; 404 for an unknown route; 404
 * {@code resource_missing} for an unknown id; else 200 with the stored JSON.
 */
public final class FakeStripeApiServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CUSTOMERS = "/v1/customers/";
  private static final String PROMOTION_CODES = "/v1/promotion_codes/";

  /** One request as received: method and raw path, e.g. {@code GET /v1/customers/cus_1}. */
  public record Request(String method, String path) {}

  private final String apiKey;
  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger requestIds = new AtomicInteger();

  private final Object lock = new Object();
  private final List<Request> requests = new ArrayList<>();
  private final Map<String, String> customers = new HashMap<>();
  private final Map<String, String> promotionCodes = new HashMap<>();
  private int failStatus;
  private int failRemaining;
  private int hangRemaining;
  private boolean down;

  private FakeStripeApiServer(String apiKey) throws IOException {
    this.apiKey = apiKey;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "fake-stripe-api");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a server that accepts only {@code apiKey}. */
  public static FakeStripeApiServer start(String apiKey) {
    try {
      return new FakeStripeApiServer(apiKey);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the fake Stripe API server", e);
    }
  }

  /** {@code http://127.0.0.1:<port>}, the value for stripe-java's {@code setApiBase}. */
  public URI apiBase() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Serves this Customer JSON at {@code /v1/customers/<its "id">}. */
  public FakeStripeApiServer withCustomer(String json) {
    synchronized (lock) {
      customers.put(idOf(json), json);
    }
    return this;
  }

  /** Serves this promotion code JSON at {@code /v1/promotion_codes/<its "id">}. */
  public FakeStripeApiServer withPromotionCode(String json) {
    synchronized (lock) {
      promotionCodes.put(idOf(json), json);
    }
    return this;
  }

  /** The next {@code times} requests answer {@code status} with a Stripe error body. */
  public FakeStripeApiServer failNext(int status, int times) {
    synchronized (lock) {
      failStatus = status;
      failRemaining = times;
    }
    return this;
  }

  /** While down, every request answers 503 with a Stripe {@code api_error} body. */
  public FakeStripeApiServer down(boolean on) {
    synchronized (lock) {
      down = on;
    }
    return this;
  }

  /** The next {@code n} requests are recorded, then left unanswered until close. */
  public FakeStripeApiServer hangNext(int n) {
    synchronized (lock) {
      hangRemaining += n;
    }
    return this;
  }

  /** Every request so far, in order of arrival. */
  public List<Request> requests() {
    synchronized (lock) {
      return List.copyOf(requests);
    }
  }

  /** Stops at once; hung requests are dropped without an answer. */
  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      Answer scripted;
      synchronized (lock) {
        requests.add(new Request(method, path));
        scripted = scriptedAnswer();
      }
      if (scripted == Answer.HANG) {
        awaitClose();
        return;
      }
      if (scripted != null) {
        respond(exchange, scripted);
        return;
      }
      respond(exchange, answer(method, path, exchange.getRequestHeaders().getFirst("Authorization")));
    }
  }

  /** A hang or a scripted failure for this request, or null; call holding {@code lock}. */
  private Answer scriptedAnswer() {
    if (hangRemaining > 0) {
      hangRemaining--;
      return Answer.HANG;
    }
    if (down) {
      return Answer.error(503, "api_error", null, "The server is temporarily unavailable (fake down).");
    }
    if (failRemaining > 0) {
      failRemaining--;
      return failStatus == 429
          ? Answer.error(429, "invalid_request_error", "rate_limit", "Too many requests (scripted).")
          : Answer.error(failStatus, failStatus >= 500 ? "api_error" : "invalid_request_error", null,
              "Scripted failure " + failStatus + ".");
    }
    return null;
  }

  private Answer answer(String method, String path, String authorization) {
    if (!("Bearer " + apiKey).equals(authorization)) {
      return Answer.error(401, "invalid_request_error", null,
          "Invalid API Key provided: " + redacted(authorization));
    }
    if (method.equals("GET") && path.startsWith(CUSTOMERS)) {
      return stored(customers, decode(path.substring(CUSTOMERS.length())), "customer");
    }
    if (method.equals("GET") && path.startsWith(PROMOTION_CODES)) {
      return stored(promotionCodes, decode(path.substring(PROMOTION_CODES.length())), "promotion_code");
    }
    return Answer.error(404, "invalid_request_error", null,
        "Unrecognized request URL (" + method + ": " + path + ").");
  }

  private Answer stored(Map<String, String> objects, String id, String kind) {
    String json;
    synchronized (lock) {
      json = objects.get(id);
    }
    if (json == null) {
      return new Answer(404, error("invalid_request_error", "resource_missing",
          "No such " + kind + ": '" + id + "'", "id"));
    }
    return new Answer(200, json);
  }

  private void respond(HttpExchange exchange, Answer answer) throws IOException {
    byte[] body = answer.body().getBytes(UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Request-Id", "req_fake" + requestIds.incrementAndGet());
    exchange.sendResponseHeaders(answer.status(), body.length);
    exchange.getResponseBody().write(body);
  }

  private void awaitClose() {
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Like Stripe: only the last four characters of a presented key are echoed. */
  private static String redacted(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return "(none)";
    }
    String key = authorization.substring("Bearer ".length());
    return key.length() <= 4 ? "****" : "****" + key.substring(key.length() - 4);
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment, UTF_8);
  }

  private static String idOf(String json) {
    try {
      String id = JSON.readTree(json).path("id").asText("");
      if (id.isEmpty()) {
        throw new IllegalArgumentException("Stripe object JSON has no \"id\"");
      }
      return id;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String error(String type, String code, String message, String param) {
    ObjectNode error = JSON.createObjectNode();
    error.put("type", type);
    if (code != null) {
      error.put("code", code);
    }
    error.put("message", message);
    if (param != null) {
      error.put("param", param);
    }
    ObjectNode root = JSON.createObjectNode();
    root.set("error", error);
    return root.toString();
  }

  private record Answer(int status, String body) {
    static final Answer HANG = new Answer(0, "");

    static Answer error(int status, String type, String code, String message) {
      return new Answer(status, FakeStripeApiServer.error(type, code, message, null));
    }
  }
}
