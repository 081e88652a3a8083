package candybridge.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Stripe's REST API on {@code 127.0.0.1} and a free port: {@code GET
 * /v1/customers/{id}} and {@code GET /v1/promotion_codes/{id}}, served from the JSON it is given
 * ({@link FakeStripeObjects}), and {@code GET /v1/events}, listing the events it is given like
 * Stripe does ({@link FakeStripeEvents}), and the webhook endpoints ({@code GET
 * /v1/webhook_endpoints}, {@code POST /v1/webhook_endpoints}, {@code POST
 * /v1/webhook_endpoints/{id}}), checked as Stripe checks them ({@link FakeStripeEndpoints}). Errors
 * use Stripe's shape {@code {"error":{"type":…,"code":…,"message":…}}} ({@link FakeStripeAnswer}).
 * Thread-safe.
 *
 * <p>Per request: record it ({@link FakeStripeRequestLog}); hang if asked to (until close); answer
 * 503 while down; answer the next scripted failure (then, for the events list, a failure scripted
 * for that list request) ({@link FakeStripeScript}); 401 unless {@code Authorization: Bearer
 * <key>}; 404 for an unknown route; 404 {@code resource_missing} for an unknown id; else 200 with
 * the stored JSON.
 */
public final class FakeStripeApiServer implements AutoCloseable {
  private static final String CUSTOMERS = "/v1/customers/";
  private static final String PROMOTION_CODES = "/v1/promotion_codes/";

  /** One request as received: method and raw path, e.g. {@code GET /v1/customers/cus_1}. */
  public record Request(String method, String path) {}

  /** A POST to the webhook endpoints: its path and decoded form parameters, in order. */
  public record FormPost(String path, Map<String, List<String>> form) {}

  private final String apiKey;
  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger requestIds = new AtomicInteger();
  private final FakeStripeObjects customers = new FakeStripeObjects("customer");
  private final FakeStripeObjects promotionCodes = new FakeStripeObjects("promotion_code");
  private final FakeStripeEvents events = new FakeStripeEvents();
  private final FakeStripeEndpoints endpoints = new FakeStripeEndpoints();

  private final Object lock = new Object();
  private final FakeStripeRequestLog log = new FakeStripeRequestLog();
  private final FakeStripeScript script = new FakeStripeScript();
  private String readOnlyKey;

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
    customers.put(json);
    return this;
  }

  /** Serves this promotion code JSON at {@code /v1/promotion_codes/<its "id">}. */
  public FakeStripeApiServer withPromotionCode(String json) {
    promotionCodes.put(json);
    return this;
  }

  /**
   * Adds these events (Stripe event JSON, each with {@code id}, {@code created} and {@code type})
   * to those listed at {@code GET /v1/events}: newest first (by {@code created}, then the later
   * added first), filtered by {@code created[gt|gte|lt|lte]}, {@code type} (with a trailing {@code
   * *} wildcard) and {@code types[]}, paged by {@code limit} (1-100, default 10) and {@code
   * starting_after}, with {@code has_more}. Each item is served as given.
   */
  public FakeStripeApiServer withEvents(List<String> eventJson) {
    events.add(eventJson);
    return this;
  }

  /**
   * The {@code n}-th events list request from now (1: the next one) answers {@code status} with a
   * Stripe error body, once.
   */
  public FakeStripeApiServer failEventList(int n, int status) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1: " + n);
    }
    synchronized (lock) {
      script.failEventList(log.eventListCount() + n, status);
    }
    return this;
  }

  /** The decoded query parameters of every events list request so far, in order. */
  public List<Map<String, List<String>>> eventListQueries() {
    synchronized (lock) {
      return log.eventListQueries();
    }
  }

  /**
   * An endpoint that already exists (as made in the Dashboard), with the next {@code we_fake…} id.
   */
  public FakeStripeApiServer withEndpoint(
      String url, List<String> events, boolean enabled, Map<String, String> metadata) {
    endpoints.add(url, events, enabled, metadata);
    return this;
  }

  /**
   * How many endpoints the account may have (Stripe: 16 per mode); a creation beyond answers 400.
   */
  public FakeStripeApiServer endpointLimit(int limit) {
    endpoints.limit(limit);
    return this;
  }

  /** This key may read but not write: its POSTs answer 403, as a read-only restricted key's do. */
  public FakeStripeApiServer withReadOnlyKey(String key) {
    synchronized (lock) {
      readOnlyKey = key;
    }
    return this;
  }

  /**
   * The next request answers {@code status} with this HTML page, as a proxy in front of Stripe
   * might.
   */
  public FakeStripeApiServer htmlNext(int status, String html) {
    synchronized (lock) {
      script.htmlNext(status, html);
    }
    return this;
  }

  /** The endpoints as Stripe holds them now (ids, urls, events, status, metadata; no secrets). */
  public List<ObjectNode> endpoints() {
    return endpoints.shown();
  }

  /** Every POST to the webhook endpoints so far, with its form parameters. */
  public List<FormPost> endpointPosts() {
    synchronized (lock) {
      return log.endpointPosts();
    }
  }

  /** The next {@code times} requests answer {@code status} with a Stripe error body. */
  public FakeStripeApiServer failNext(int status, int times) {
    synchronized (lock) {
      script.failNext(status, times);
    }
    return this;
  }

  /** While down, every request answers 503 with a Stripe {@code api_error} body. */
  public FakeStripeApiServer down(boolean on) {
    synchronized (lock) {
      script.down(on);
    }
    return this;
  }

  /** The next {@code n} requests are recorded, then left unanswered until close. */
  public FakeStripeApiServer hangNext(int n) {
    synchronized (lock) {
      script.hangNext(n);
    }
    return this;
  }

  /** Every request so far, in order of arrival. */
  public List<Request> requests() {
    synchronized (lock) {
      return log.requests();
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
      Map<String, List<String>> query =
          FakeStripeParams.parse(exchange.getRequestURI().getRawQuery());
      boolean eventList = method.equals("GET") && path.equals(FakeStripeEvents.PATH);
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, List<String>> form = FakeStripeParams.parse(new String(body, UTF_8));
      FakeStripeAnswer scripted;
      synchronized (lock) {
        log.request(new Request(method, path));
        if (method.equals("POST") && path.startsWith(FakeStripeEndpoints.PATH)) {
          log.endpointPost(new FormPost(path, form));
        }
        if (eventList) {
          log.eventListQuery(query);
        }
        scripted = script.next();
        if (scripted == null && eventList) {
          scripted = script.eventListFailure(log.eventListCount());
        }
      }
      if (FakeStripeAnswer.HANG.equals(scripted)) {
        awaitClose();
        return;
      }
      if (scripted != null) {
        respond(exchange, scripted);
        return;
      }
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      respond(
          exchange,
          path.startsWith(FakeStripeEndpoints.PATH) && authorized(authorization)
              ? endpointAnswer(method, path, form, authorization)
              : answer(method, path, query, authorization));
    }
  }

  private boolean authorized(String authorization) {
    synchronized (lock) {
      return ("Bearer " + apiKey).equals(authorization)
          || (readOnlyKey != null && ("Bearer " + readOnlyKey).equals(authorization));
    }
  }

  private FakeStripeAnswer endpointAnswer(
      String method, String path, Map<String, List<String>> form, String authorization) {
    boolean readOnly;
    synchronized (lock) {
      readOnly = readOnlyKey != null && ("Bearer " + readOnlyKey).equals(authorization);
    }
    if (method.equals("POST") && readOnly) {
      return FakeStripeAnswer.error(
          403,
          "invalid_request_error",
          null,
          "The provided key '"
              + redacted(authorization)
              + "' does not have the required permissions for this endpoint on account 'acct_fake'.");
    }
    return endpoints.answer(method, path, form);
  }

  private FakeStripeAnswer answer(
      String method, String path, Map<String, List<String>> query, String authorization) {
    if (!("Bearer " + apiKey).equals(authorization)) {
      return FakeStripeAnswer.error(
          401,
          "invalid_request_error",
          null,
          "Invalid API Key provided: " + redacted(authorization));
    }
    if (method.equals("GET") && path.startsWith(CUSTOMERS)) {
      return customers.answer(FakeStripeParams.decode(path.substring(CUSTOMERS.length())));
    }
    if (method.equals("GET") && path.startsWith(PROMOTION_CODES)) {
      return promotionCodes.answer(
          FakeStripeParams.decode(path.substring(PROMOTION_CODES.length())));
    }
    if (method.equals("GET") && path.equals(FakeStripeEvents.PATH)) {
      return events.page(query);
    }
    return FakeStripeAnswer.unrecognized(method, path);
  }

  private void respond(HttpExchange exchange, FakeStripeAnswer answer) throws IOException {
    byte[] body = answer.body().getBytes(UTF_8);
    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
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
}
