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
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A stand-in for Stripe's REST API on {@code 127.0.0.1} and a free port: {@code GET
 * /v1/customers/{id}} and {@code GET /v1/promotion_codes/{id}}, served from the JSON it is given,
 * and {@code GET /v1/events}, listing the events it is given like Stripe does (see {@link
 * #withEvents}), and the webhook endpoints ({@code GET /v1/webhook_endpoints}, {@code POST
 * /v1/webhook_endpoints}, {@code POST /v1/webhook_endpoints/{id}}), which check the form-encoded
 * body as Stripe does ({@code url}, {@code enabled_events[]} or {@code enabled_events[N]}, {@code
 * metadata[key]}, {@code description}, {@code disabled}; unknown parameters refused), show a new
 * endpoint's {@code secret} only in the answer to its creation, and refuse a creation beyond the
 * endpoint limit with 400. Errors use Stripe's shape {@code
 * {"error":{"type":…,"code":…,"message":…}}}. Thread-safe.
 *
 * <p>Per request: record it; hang if asked to (until close); answer 503 while down; answer the next
 * scripted failure (then, for the events list, a failure scripted for that list request); 401
 * unless {@code Authorization: Bearer <key>}; 404 for an unknown route; 404 {@code
 * resource_missing} for an unknown id; else 200 with the stored JSON.
 */
public final class FakeStripeApiServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CUSTOMERS = "/v1/customers/";
  private static final String PROMOTION_CODES = "/v1/promotion_codes/";
  private static final String EVENTS = "/v1/events";
  private static final String ENDPOINTS = "/v1/webhook_endpoints";

  /** One request as received: method and raw path, e.g. {@code GET /v1/customers/cus_1}. */
  public record Request(String method, String path) {}

  /** A POST to the webhook endpoints: its path and decoded form parameters, in order. */
  public record FormPost(String path, Map<String, List<String>> form) {}

  private final String apiKey;
  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger requestIds = new AtomicInteger();

  private final Object lock = new Object();
  private final List<Request> requests = new ArrayList<>();
  private final Map<String, String> customers = new HashMap<>();
  private final Map<String, String> promotionCodes = new HashMap<>();
  private final List<String> events = new ArrayList<>();
  private final List<Map<String, List<String>>> eventListQueries = new ArrayList<>();
  private final Map<Integer, Integer> eventListFailures = new HashMap<>();
  private final List<ObjectNode> endpoints = new ArrayList<>();
  private final List<FormPost> endpointPosts = new ArrayList<>();
  private int endpointLimit = 16;
  private String readOnlyKey;
  private String htmlNext;
  private int htmlStatus;
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

  /**
   * Adds these events (Stripe event JSON, each with {@code id}, {@code created} and {@code type})
   * to those listed at {@code GET /v1/events}: newest first (by {@code created}, then the later
   * added first), filtered by {@code created[gt|gte|lt|lte]}, {@code type} (with a trailing {@code
   * *} wildcard) and {@code types[]}, paged by {@code limit} (1-100, default 10) and {@code
   * starting_after}, with {@code has_more}. Each item is served as given.
   */
  public FakeStripeApiServer withEvents(List<String> eventJson) {
    for (String json : eventJson) {
      idOf(json);
    }
    synchronized (lock) {
      events.addAll(eventJson);
    }
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
      eventListFailures.put(eventListQueries.size() + n, status);
    }
    return this;
  }

  /** The decoded query parameters of every events list request so far, in order. */
  public List<Map<String, List<String>>> eventListQueries() {
    synchronized (lock) {
      return List.copyOf(eventListQueries);
    }
  }

  /**
   * An existing endpoint (as made in the Dashboard): its id, or {@code we_…} when none is given.
   */
  public FakeStripeApiServer withEndpoint(
      String url, List<String> events, boolean enabled, Map<String, String> metadata) {
    synchronized (lock) {
      ObjectNode e = JSON.createObjectNode();
      e.put("id", "we_fake" + (endpoints.size() + 1));
      e.put("object", "webhook_endpoint");
      e.put("url", url);
      e.putArray("enabled_events")
          .addAll(events.stream().map(JSON.getNodeFactory()::textNode).toList());
      e.put("status", enabled ? "enabled" : "disabled");
      ObjectNode meta = e.putObject("metadata");
      metadata.forEach(meta::put);
      e.put("secret", "whsec_fake_dashboard_" + (endpoints.size() + 1));
      endpoints.add(e);
    }
    return this;
  }

  /**
   * How many endpoints the account may have (Stripe: 16 per mode); a creation beyond answers 400.
   */
  public FakeStripeApiServer endpointLimit(int limit) {
    synchronized (lock) {
      endpointLimit = limit;
    }
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
      htmlStatus = status;
      htmlNext = html;
    }
    return this;
  }

  /** The endpoints as Stripe holds them now (ids, urls, events, status, metadata; no secrets). */
  public List<ObjectNode> endpoints() {
    synchronized (lock) {
      return endpoints.stream().map(FakeStripeApiServer::shown).toList();
    }
  }

  /** Every POST to the webhook endpoints so far, with its form parameters. */
  public List<FormPost> endpointPosts() {
    synchronized (lock) {
      return List.copyOf(endpointPosts);
    }
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
      Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
      boolean eventList = method.equals("GET") && path.equals(EVENTS);
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, List<String>> form = query(new String(body, UTF_8));
      Answer scripted;
      synchronized (lock) {
        requests.add(new Request(method, path));
        if (method.equals("POST") && path.startsWith(ENDPOINTS)) {
          endpointPosts.add(new FormPost(path, form));
        }
        if (eventList) {
          eventListQueries.add(query);
        }
        scripted = scriptedAnswer();
        if (scripted == null && eventList) {
          scripted = scriptedEventListFailure();
        }
      }
      if (Answer.HANG.equals(scripted)) {
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
          path.startsWith(ENDPOINTS) && authorized(authorization)
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

  private Answer endpointAnswer(
      String method, String path, Map<String, List<String>> form, String authorization) {
    synchronized (lock) {
      if (method.equals("POST")
          && readOnlyKey != null
          && ("Bearer " + readOnlyKey).equals(authorization)) {
        return Answer.error(
            403,
            "invalid_request_error",
            null,
            "The provided key '"
                + redacted(authorization)
                + "' does not have the required permissions for this endpoint on account 'acct_fake'.");
      }
      if (method.equals("GET") && path.equals(ENDPOINTS)) {
        ObjectNode list = JSON.createObjectNode();
        list.put("object", "list");
        list.putArray("data").addAll(endpoints.stream().map(FakeStripeApiServer::shown).toList());
        list.put("has_more", false);
        list.put("url", ENDPOINTS);
        return new Answer(200, list.toString());
      }
      if (!method.equals("POST")) {
        return Answer.error(
            404,
            "invalid_request_error",
            null,
            "Unrecognized request URL (" + method + ": " + path + ").");
      }
      Set<String> known =
          Set.of(
              "url",
              "enabled_events",
              "metadata",
              "description",
              "disabled",
              "api_version",
              "connect");
      for (String name : form.keySet()) {
        String base = name.contains("[") ? name.substring(0, name.indexOf('[')) : name;
        if (!known.contains(base)
            || (path.equals(ENDPOINTS) && base.equals("disabled"))
            || (!path.equals(ENDPOINTS)
                && (base.equals("api_version") || base.equals("connect")))) {
          return new Answer(
              400,
              error(
                  "invalid_request_error",
                  "parameter_unknown",
                  "Received unknown parameter: " + name,
                  name));
        }
      }
      List<String> events = indexed(form, "enabled_events");
      String url = first(form, "url", null);
      if (url != null && !validUrl(url)) {
        return new Answer(
            400, error("invalid_request_error", "url_invalid", "Invalid URL: " + url, "url"));
      }
      if (path.equals(ENDPOINTS)) {
        if (url == null) {
          return new Answer(
              400,
              error(
                  "invalid_request_error",
                  "parameter_missing",
                  "Missing required param: url.",
                  "url"));
        }
        if (events.isEmpty()) {
          return new Answer(
              400,
              error(
                  "invalid_request_error",
                  "parameter_missing",
                  "Missing required param: enabled_events.",
                  "enabled_events"));
        }
        if (endpoints.size() >= endpointLimit) {
          return Answer.error(
              400,
              "invalid_request_error",
              null,
              "You have reached the maximum of " + endpointLimit + " test webhook endpoints.");
        }
        ObjectNode e = JSON.createObjectNode();
        e.put("id", "we_fake" + (endpoints.size() + 1));
        e.put("object", "webhook_endpoint");
        e.put("status", "enabled");
        e.put("secret", "whsec_fake_created_" + (endpoints.size() + 1));
        e.putObject("metadata");
        apply(e, url, events, form);
        endpoints.add(e);
        return new Answer(200, e.toString());
      }
      String id = decode(path.substring(ENDPOINTS.length() + 1));
      ObjectNode e =
          endpoints.stream().filter(x -> x.path("id").asText().equals(id)).findFirst().orElse(null);
      if (e == null) {
        return new Answer(
            404,
            error(
                "invalid_request_error",
                "resource_missing",
                "No such webhook endpoint: '" + id + "'",
                "id"));
      }
      String disabled = first(form, "disabled", null);
      if (disabled != null) {
        e.put("status", disabled.equals("true") ? "disabled" : "enabled");
      }
      apply(e, url, events, form);
      return new Answer(200, shown(e).toString());
    }
  }

  private static void apply(
      ObjectNode e, String url, List<String> events, Map<String, List<String>> form) {
    if (url != null) {
      e.put("url", url);
    }
    if (!events.isEmpty()) {
      e.putArray("enabled_events")
          .addAll(events.stream().map(JSON.getNodeFactory()::textNode).toList());
    }
    String description = first(form, "description", null);
    if (description != null) {
      e.put("description", description);
    }
    form.forEach(
        (k, v) -> {
          if (k.startsWith("metadata[") && k.endsWith("]")) {
            ((ObjectNode) e.path("metadata"))
                .put(k.substring("metadata[".length(), k.length() - 1), v.get(0));
          }
        });
  }

  /** {@code name[]=a&name[]=b} or {@code name[0]=a&name[1]=b}, in order. */
  private static List<String> indexed(Map<String, List<String>> form, String name) {
    List<String> values = new ArrayList<>();
    form.forEach(
        (k, v) -> {
          if (k.equals(name + "[]") || k.matches(Pattern.quote(name) + "\\[\\d+]")) {
            values.addAll(v);
          }
        });
    return values;
  }

  private static boolean validUrl(String url) {
    try {
      URI uri = new URI(url);
      return uri.getHost() != null
          && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()));
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** An endpoint as GET shows it: without its secret. */
  private static ObjectNode shown(ObjectNode endpoint) {
    ObjectNode copy = endpoint.deepCopy();
    copy.remove("secret");
    return copy;
  }

  /** A hang or a scripted failure for this request, or null; call holding {@code lock}. */
  private Answer scriptedAnswer() {
    if (htmlNext != null) {
      Answer html = new Answer(htmlStatus, htmlNext, "text/html; charset=utf-8");
      htmlNext = null;
      return html;
    }
    if (hangRemaining > 0) {
      hangRemaining--;
      return Answer.HANG;
    }
    if (down) {
      return Answer.error(
          503, "api_error", null, "The server is temporarily unavailable (fake down).");
    }
    if (failRemaining > 0) {
      failRemaining--;
      return failStatus == 429
          ? Answer.error(
              429, "invalid_request_error", "rate_limit", "Too many requests (scripted).")
          : Answer.error(
              failStatus,
              failStatus >= 500 ? "api_error" : "invalid_request_error",
              null,
              "Scripted failure " + failStatus + ".");
    }
    return null;
  }

  /**
   * The failure scripted for the events list request just recorded, or null; call holding {@code
   * lock}.
   */
  private Answer scriptedEventListFailure() {
    Integer status = eventListFailures.remove(eventListQueries.size());
    return status == null
        ? null
        : Answer.error(
            status,
            status >= 500 ? "api_error" : "invalid_request_error",
            null,
            "Scripted events list failure " + status + ".");
  }

  private Answer answer(
      String method, String path, Map<String, List<String>> query, String authorization) {
    if (!("Bearer " + apiKey).equals(authorization)) {
      return Answer.error(
          401,
          "invalid_request_error",
          null,
          "Invalid API Key provided: " + redacted(authorization));
    }
    if (method.equals("GET") && path.startsWith(CUSTOMERS)) {
      return stored(customers, decode(path.substring(CUSTOMERS.length())), "customer");
    }
    if (method.equals("GET") && path.startsWith(PROMOTION_CODES)) {
      return stored(
          promotionCodes, decode(path.substring(PROMOTION_CODES.length())), "promotion_code");
    }
    if (method.equals("GET") && path.equals(EVENTS)) {
      return eventList(query);
    }
    return Answer.error(
        404,
        "invalid_request_error",
        null,
        "Unrecognized request URL (" + method + ": " + path + ").");
  }

  private Answer eventList(Map<String, List<String>> query) {
    int limit;
    try {
      limit = Integer.parseInt(first(query, "limit", "10"));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 100) {
      return Answer.error(
          400, "invalid_request_error", null, "Invalid limit: must be between 1 and 100");
    }
    List<ObjectNode> matching = new ArrayList<>();
    List<String> all;
    synchronized (lock) {
      all = new ArrayList<>(events);
    }
    for (int i = all.size() - 1; i >= 0; i--) { // later added first among equal created
      ObjectNode event = readObject(all.get(i));
      if (matches(event, query)) {
        matching.add(event);
      }
    }
    matching.sort((a, b) -> Long.compare(b.path("created").asLong(), a.path("created").asLong()));
    int from = 0;
    String after = first(query, "starting_after", null);
    if (after != null) {
      from = -1;
      for (int i = 0; i < matching.size(); i++) {
        if (matching.get(i).path("id").asText().equals(after)) {
          from = i + 1;
        }
      }
      if (from < 0) {
        return new Answer(
            400,
            error(
                "invalid_request_error",
                "resource_missing",
                "No such event: '" + after + "'",
                "starting_after"));
      }
    }
    List<ObjectNode> page = matching.subList(from, Math.min(matching.size(), from + limit));
    ObjectNode list = JSON.createObjectNode();
    list.put("object", "list");
    list.putArray("data").addAll(page);
    list.put("has_more", from + page.size() < matching.size());
    list.put("url", EVENTS);
    return new Answer(200, list.toString());
  }

  private static boolean matches(ObjectNode event, Map<String, List<String>> query) {
    long created = event.path("created").asLong();
    String type = event.path("type").asText();
    if (!bound(query, "created[gte]", v -> created >= v)
        || !bound(query, "created[gt]", v -> created > v)
        || !bound(query, "created[lt]", v -> created < v)
        || !bound(query, "created[lte]", v -> created <= v)) {
      return false;
    }
    String one = first(query, "type", null);
    if (one != null
        && !(one.endsWith("*")
            ? type.startsWith(one.substring(0, one.length() - 1))
            : type.equals(one))) {
      return false;
    }
    List<String> types = new ArrayList<>();
    query.forEach(
        (k, v) -> {
          if (k.equals("types[]") || k.matches("types\\[\\d+]")) {
            types.addAll(v);
          }
        });
    return types.isEmpty() || types.contains(type);
  }

  private static boolean bound(
      Map<String, List<String>> query, String name, java.util.function.LongPredicate test) {
    String value = first(query, name, null);
    return value == null || test.test(Long.parseLong(value));
  }

  private static String first(Map<String, List<String>> query, String name, String otherwise) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? otherwise : values.get(0);
  }

  private static Map<String, List<String>> query(String rawQuery) {
    Map<String, List<String>> params = new java.util.LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return params;
  }

  private static ObjectNode readObject(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (JsonProcessingException | ClassCastException e) {
      throw new IllegalArgumentException("event is not a JSON object", e);
    }
  }

  private Answer stored(Map<String, String> objects, String id, String kind) {
    String json;
    synchronized (lock) {
      json = objects.get(id);
    }
    if (json == null) {
      return new Answer(
          404,
          error(
              "invalid_request_error",
              "resource_missing",
              "No such " + kind + ": '" + id + "'",
              "id"));
    }
    return new Answer(200, json);
  }

  private void respond(HttpExchange exchange, Answer answer) throws IOException {
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

  private record Answer(int status, String body, String contentType) {
    static final Answer HANG = new Answer(0, "");

    Answer(int status, String body) {
      this(status, body, "application/json");
    }

    static Answer error(int status, String type, String code, String message) {
      return new Answer(status, FakeStripeApiServer.error(type, code, message, null));
    }
  }
}
