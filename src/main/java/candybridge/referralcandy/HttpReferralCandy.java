package candybridge.referralcandy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

import candybridge.config.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * {@link ReferralCandy} over HTTP: a signed, form-encoded {@code POST {apiBase}/{method}.json},
 * sent on the calling thread over a pool of keep-alive connections (Apache HttpClient, classic
 * API). Thread-safe. Parameters, e-mail addresses and the secret are never logged nor put into
 * exception messages.
 *
 * <p>Nothing is sent twice behind the caller's back: no automatic retries (a POST that may have
 * reached RC is the delivery worker's to judge), no redirects followed, no cookies kept.
 *
 * <p>Failures are told apart as docs/design.md §6 needs ({@link ReferralCandy} states the
 * contract). A {@link WriteStartRecorder} notes in the call's context the instant HttpClient starts
 * to write the request, on a connection already leased, connected and through TLS. A call that
 * fails without that instant throws {@link NotSentException}; once it is there, every failure
 * before the status line and headers are read throws {@link NoAnswerException}, whatever its
 * exception says, since an unplaceable failure must be read as "may have been sent". A response
 * head cut off by the end of the connection is no answer either ({@link CompleteHeadParser}). Once
 * the head is read, the call is answered and returns its status, whatever happens to the body.
 *
 * <p>A pooled connection idle for {@link #VALIDATE_AFTER} or more is checked before it is used, so
 * one RC closed meanwhile is not written to: a request written to a connection the server had
 * already closed fails after writing started, and so is held in doubt. A server that closes a
 * connection right after answering, without saying {@code Connection: close}, can still make a call
 * that follows within that time fail that way.
 */
public final class HttpReferralCandy implements ReferralCandy, AutoCloseable {
  private static final ContentType FORM =
      ContentType.create("application/x-www-form-urlencoded", UTF_8);

  /**
   * More than the most senders a worker may run (256), so a sender never waits for a connection.
   */
  private static final int MAX_CONNECTIONS = 512;

  /**
   * RC answers in a few hundred bytes; a larger body is cut here (the excerpt is shorter still).
   */
  private static final int MAX_BODY_BYTES = 64 * 1024;

  /**
   * A pooled connection idle this long is checked for a close by the server before reuse. The check
   * is a read with a 1 ms timeout: measured against a local server, checking before every reuse
   * cost about 1.2 ms of wall time and 100 us of CPU a call (a call costs about 60 us otherwise).
   * At 100 ms, calls that follow one another on a busy connection (a backlog draining) skip the
   * check, and a connection idle long enough for a server's keep-alive timeout to close it
   * (seconds) is always checked; HttpClient's default of 2 s, like the 1 s used before, left the
   * calls of a server that closes sooner in doubt.
   */
  private static final TimeValue VALIDATE_AFTER = TimeValue.ofMilliseconds(100);

  /** Ends calls at their deadline (one daemon thread for every client of the process). */
  private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

  private final String apiBase;
  private final String accessId;
  private final Secret secretKey;
  private final Clock clock;
  private final Duration timeout;
  private final CloseableHttpClient http;

  /**
   * @param apiBase e.g. {@code https://my.referralcandy.com/api/v1}; a trailing slash is fine
   * @param timeout bounds connecting and, separately, the whole exchange up to the full response
   */
  public HttpReferralCandy(
      URI apiBase, String accessId, Secret secretKey, Clock clock, Duration timeout) {
    this.apiBase = requireNonNull(apiBase, "apiBase == null").toString().replaceAll("/+$", "");
    this.accessId = requireNonNull(accessId, "accessId == null");
    this.secretKey = requireNonNull(secretKey, "secretKey == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.timeout = requireNonNull(timeout, "timeout == null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    Timeout t = Timeout.of(timeout);
    this.http =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setConnectionFactory(
                        ManagedHttpClientConnectionFactory.builder()
                            .responseParserFactory(CompleteHeadParser.FACTORY)
                            .build())
                    .setMaxConnTotal(MAX_CONNECTIONS)
                    .setMaxConnPerRoute(MAX_CONNECTIONS)
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(t)
                            .setSocketTimeout(t)
                            .setValidateAfterInactivity(VALIDATE_AFTER)
                            .build())
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setConnectionRequestTimeout(t)
                    .setResponseTimeout(t)
                    .setRedirectsEnabled(false)
                    .build())
            .setRequestExecutor(new WriteStartRecorder(clock))
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .build();
  }

  private static ScheduledThreadPoolExecutor deadlines() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread thread = new Thread(r, "referralcandy-deadlines");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true); // almost every deadline is cancelled: don't keep them
    return executor;
  }

  @Override
  public RcResponse send(RcCall call) throws IOException {
    requireNonNull(call, "call == null");
    HttpPost request = new HttpPost(URI.create(apiBase + "/" + call.method().path()));
    request.setEntity(new StringEntity(formEncode(signedParams(call)), FORM));
    return exchange(request, call.method());
  }

  @Override
  public RcResponse verify() throws IOException {
    String query = formEncode(signedParams(new RcCall(RcMethod.VERIFY, new java.util.TreeMap<>())));
    HttpGet request = new HttpGet(URI.create(apiBase + "/" + RcMethod.VERIFY.path() + "?" + query));
    return exchange(request, RcMethod.VERIFY);
  }

  /** The call's parameters plus the auth parameters, signed over exactly what is sent. */
  private Map<String, String> signedParams(RcCall call) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("accessID", accessId);
    params.put("timestamp", Long.toString(clock.instant().getEpochSecond()));
    params.putAll(call.params());
    params.put("signature", RcSigner.sign(secretKey.reveal(), params));
    return params;
  }

  private static String formEncode(Map<String, String> params) {
    return params.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), UTF_8) + "=" + URLEncoder.encode(e.getValue(), UTF_8))
        .collect(joining("&"));
  }

  /**
   * Runs the exchange on this thread and ends it at {@code timeout} from now, whatever it is doing
   * then: the per-read timeouts alone would let a body that trickles in byte by byte run for ever.
   * An interrupt is honoured before the call starts; a call under way ends by its deadline.
   */
  private RcResponse exchange(HttpUriRequestBase request, RcMethod method) throws IOException {
    String call = "ReferralCandy " + method.path();
    if (Thread.currentThread().isInterrupted()) {
      throw new NotSentException(
          call + " not sent: the thread was interrupted before the call started",
          new InterruptedIOException("interrupted"));
    }
    HttpClientContext context = HttpClientContext.create();
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> deadline =
        DEADLINES.schedule(
            () -> {
              expired.set(true);
              request.cancel();
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    try {
      ClassicHttpResponse response;
      try {
        response = http.executeOpen(null, request, context);
      } catch (IOException | RuntimeException e) { // RuntimeException: HttpClient internals
        throw failure(call, context, expired.get() || e instanceof SocketTimeoutException, e);
      }
      int status = response.getCode();
      if (status < 100 || status > 599) { // no status RC can mean: as good as no answer
        request.cancel();
        closeQuietly(response);
        throw failure(call, context, false, new ProtocolException("status " + status));
      }
      return answer(status, response, request);
    } finally {
      deadline.cancel(false);
    }
  }

  /**
   * The failure of a call that got no status line and headers: not sent if it failed before {@link
   * WriteStartRecorder} saw the request start to be written (leasing, resolving, connecting, the
   * TLS handshake), otherwise "may have been sent", whatever the exception says.
   */
  private IOException failure(String call, HttpContext context, boolean timedOut, Exception e) {
    Optional<Instant> sentAt = WriteStartRecorder.sentAt(context);
    if (sentAt.isEmpty()) {
      return new NotSentException(
          call
              + " not sent: "
              + (timedOut ? "no connection within " + timeout : "could not connect")
              + cause(e),
          e);
    }
    return new NoAnswerException(
        call
            + " sent, but "
            + (timedOut
                ? "no answer within " + timeout
                : "the connection closed or broke before an answer")
            + cause(e),
        sentAt.get(),
        timedOut,
        e);
  }

  /**
   * The exception's kind and message, e.g. {@code (HttpHostConnectException: Connect to
   * http://127.0.0.1:8080 failed: Connection refused)}. HttpClient's messages name the host, never
   * the request's parameters.
   */
  private static String cause(Exception e) {
    String message = e.getMessage();
    return " (" + e.getClass().getSimpleName() + (message == null ? "" : ": " + message) + ")";
  }

  /**
   * The answer: the status, Retry-After and at most {@link #MAX_BODY_BYTES} of the body. Once the
   * status line and headers are in, the call was answered: a body cut short (closed, reset, the
   * deadline) is kept as far as it came, never an exception. A body read to its end leaves the
   * connection in the pool; one cut short or longer than the cap closes it instead of draining it.
   * The bytes are decoded in one step: HttpCore's {@code EntityUtils.toString} costs an 8 KB reader
   * buffer per call for a body of a few hundred bytes.
   */
  private RcResponse answer(int status, ClassicHttpResponse response, HttpUriRequestBase request) {
    HttpEntity entity = response.getEntity();
    byte[] body = new byte[0];
    int length = 0;
    boolean whole = true;
    if (entity != null) {
      long announced = entity.getContentLength();
      body = new byte[announced >= 0 && announced <= MAX_BODY_BYTES ? (int) announced : 512];
      whole = false;
      try {
        InputStream in = entity.getContent();
        while (length < MAX_BODY_BYTES) {
          if (length == body.length) {
            body = Arrays.copyOf(body, Math.min(MAX_BODY_BYTES, Math.max(512, length * 2)));
          }
          int n = in.read(body, length, body.length - length);
          if (n < 0) {
            whole = true;
            break;
          }
          length += n;
        }
      } catch (IOException | RuntimeException e) {
        // cut short after the answer began: keep what came
      }
    }
    if (!whole) {
      request.cancel(); // close the connection rather than drain it
    }
    closeQuietly(response);
    Header retryAfter = response.getFirstHeader("Retry-After");
    return new RcResponse(
        status,
        new String(body, 0, length, UTF_8),
        retryAfter == null
            ? Optional.empty()
            : RetryAfter.parse(retryAfter.getValue(), clock.instant()));
  }

  private static void closeQuietly(ClassicHttpResponse response) {
    try {
      response.close();
    } catch (IOException | RuntimeException e) {
      // the answer is read; the connection is discarded
    }
  }

  /** Closes the pooled connections; calls still under way fail. */
  @Override
  public void close() {
    http.close(CloseMode.GRACEFUL);
  }
}
