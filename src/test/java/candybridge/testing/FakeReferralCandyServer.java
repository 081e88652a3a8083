package candybridge.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A ReferralCandy stand-in on {@code 127.0.0.1} and a free port, for tests over real HTTP. It
 * checks signatures with its own code, validates the required parameters, records every request
 * (duplicates included, since RC does not deduplicate) and answers as scripted. Serves {@code
 * /api/v1/} and {@code /api/v2/} alike; other paths get 404. Thread-safe.
 *
 * <p>Per request: record it; hang if asked to; wait the configured delay; then answer 404 (unknown
 * route), 401 (bad or missing accessID/signature), the next scripted answer, 400 (missing or
 * malformed required parameter) or 200. Scripted answers are taken in order of arrival, only by
 * requests that are routed, correctly signed and not hung.
 */
public final class FakeReferralCandyServer implements AutoCloseable {
  private static final int THREADS = 32;

  private final FakeReferralCandyRules rules;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock = Clock.systemUTC();
  private final AtomicInteger successes = new AtomicInteger();
  private final CountDownLatch closed = new CountDownLatch(1);

  private final Object lock = new Object();
  private final List<RecordedCall> calls = new ArrayList<>();
  private final Deque<FakeReferralCandyAnswer> script = new ArrayDeque<>();
  private int hangRemaining;
  private boolean hangAll;
  private CountDownLatch release = new CountDownLatch(1);
  private Duration delay = Duration.ZERO;

  private FakeReferralCandyServer(FakeReferralCandyRules rules) throws IOException {
    this.rules = rules;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.executor =
        Executors.newFixedThreadPool(
            THREADS,
            runnable -> {
              Thread thread = new Thread(runnable, "fake-referralcandy");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a server that knows one account: {@code accessId} signing with {@code secret}. */
  public static FakeReferralCandyServer start(String accessId, String secret) {
    try {
      return new FakeReferralCandyServer(new FakeReferralCandyRules(accessId, secret));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the fake ReferralCandy server", e);
    }
  }

  /** {@code http://127.0.0.1:<port>/api/v1}. */
  public URI apiBase() {
    return URI.create("http://127.0.0.1:" + port() + "/api/v1");
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Every request so far, in order of arrival. */
  public List<RecordedCall> received() {
    synchronized (lock) {
      return List.copyOf(calls);
    }
  }

  /** The requests to one method, e.g. {@code purchase.json}, in either API version. */
  public List<RecordedCall> received(String path) {
    return received().stream().filter(call -> call.path().endsWith("/" + path)).toList();
  }

  /** The next requests answer these statuses; 2xx with a success body, others with a message. */
  public FakeReferralCandyServer respondWith(int... statuses) {
    synchronized (lock) {
      for (int status : statuses) {
        script.add(
            status / 100 == 2
                ? FakeReferralCandyRules.success(successes.incrementAndGet())
                : FakeReferralCandyAnswer.message(status, "scripted " + status));
      }
    }
    return this;
  }

  /** The next request answers {@code status} with {@code Retry-After: <seconds>}. */
  public FakeReferralCandyServer respondWith(int status, Duration retryAfter) {
    FakeReferralCandyAnswer plain = FakeReferralCandyAnswer.message(status, "scripted " + status);
    return enqueue(new FakeReferralCandyAnswer(status, plain.body(), Optional.of(retryAfter)));
  }

  /** The next request answers {@code status} with exactly this body. */
  public FakeReferralCandyServer respondWithBody(int status, String body) {
    return enqueue(new FakeReferralCandyAnswer(status, body, Optional.empty()));
  }

  /** The next {@code n} requests are recorded, then left unanswered until release or close. */
  public FakeReferralCandyServer hangNext(int n) {
    synchronized (lock) {
      hangRemaining += n;
    }
    return this;
  }

  /** While on, every request is recorded, then left unanswered until release or close. */
  public FakeReferralCandyServer hangAll(boolean on) {
    synchronized (lock) {
      hangAll = on;
    }
    return this;
  }

  /**
   * Answers every request hung so far as if it had not hung (200 Success when it is valid), without
   * taking scripted answers, which belong to the requests that come next.
   */
  public void release() {
    synchronized (lock) {
      release.countDown();
      release = new CountDownLatch(1);
    }
  }

  /** Latency added before every answer from now on. */
  public FakeReferralCandyServer delay(Duration d) {
    synchronized (lock) {
      delay = d;
    }
    return this;
  }

  /** Waits until at least {@code n} requests were recorded or {@code timeout} passed; the count. */
  public int awaitReceived(int n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      try {
        for (long left = timeout.toNanos();
            calls.size() < n && left > 0;
            left = deadline - System.nanoTime()) {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return calls.size();
    }
  }

  /** Stops at once; hung and delayed requests are dropped without an answer. */
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

  private FakeReferralCandyServer enqueue(FakeReferralCandyAnswer answer) {
    synchronized (lock) {
      script.add(answer);
    }
    return this;
  }

  private void handle(HttpExchange exchange) {
    try {
      String path = exchange.getRequestURI().getPath();
      Optional<String> method = FakeReferralCandyRules.method(path);
      Map<String, String> params = params(exchange);
      boolean signatureValid = rules.signatureValid(params);
      Arrival arrival =
          arrive(
              new RecordedCall(
                  exchange.getRequestMethod(), path, params, signatureValid, clock.instant()),
              method.isPresent() && signatureValid);
      if (arrival.hangUntil().isPresent()) {
        arrival.hangUntil().get().await();
      }
      if (!arrival.delay().isZero()
          && closed.await(arrival.delay().toNanos(), TimeUnit.NANOSECONDS)) {
        return;
      }
      reply(
          exchange, arrival.scripted().orElseGet(() -> unscripted(method, signatureValid, params)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing: leave the request unanswered
    } catch (IOException e) {
      // the client went away; nothing to answer
    } finally {
      exchange.close();
    }
  }

  private Arrival arrive(RecordedCall call, boolean mayTakeScript) {
    synchronized (lock) {
      calls.add(call);
      lock.notifyAll();
      boolean hang = hangAll || hangRemaining > 0;
      if (hangRemaining > 0) {
        hangRemaining--;
      }
      Optional<FakeReferralCandyAnswer> scripted =
          hang || !mayTakeScript ? Optional.empty() : Optional.ofNullable(script.poll());
      return new Arrival(hang ? Optional.of(release) : Optional.empty(), scripted, delay);
    }
  }

  private FakeReferralCandyAnswer unscripted(
      Optional<String> method, boolean signatureValid, Map<String, String> params) {
    if (method.isEmpty()) {
      return FakeReferralCandyAnswer.message(404, "Unknown API method");
    }
    if (!signatureValid) {
      return FakeReferralCandyAnswer.message(401, "Invalid Credentials");
    }
    return FakeReferralCandyRules.answer(method.get(), params, successes.incrementAndGet());
  }

  /** Query and form body parameters, decoded; the body wins a clash. Malformed input: none. */
  private static Map<String, String> params(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
    String type =
        Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
    TreeMap<String, String> params = new TreeMap<>();
    try {
      decodeInto(params, exchange.getRequestURI().getRawQuery());
      if (type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
        decodeInto(params, body);
      }
    } catch (IllegalArgumentException e) {
      return Map.of();
    }
    return Collections.unmodifiableSortedMap(params);
  }

  private static void decodeInto(Map<String, String> params, String encoded) {
    if (encoded == null) {
      return;
    }
    for (String pair : encoded.split("&")) {
      if (!pair.isEmpty()) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        params.put(URLDecoder.decode(name, UTF_8), URLDecoder.decode(value, UTF_8));
      }
    }
  }

  private static void reply(HttpExchange exchange, FakeReferralCandyAnswer answer)
      throws IOException {
    byte[] body = answer.body().getBytes(UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    answer
        .retryAfter()
        .ifPresent(
            delay ->
                exchange.getResponseHeaders().set("Retry-After", Long.toString(delay.toSeconds())));
    exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
  }

  private record Arrival(
      Optional<CountDownLatch> hangUntil,
      Optional<FakeReferralCandyAnswer> scripted,
      Duration delay) {}
}
