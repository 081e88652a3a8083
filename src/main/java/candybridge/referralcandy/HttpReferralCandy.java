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
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
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
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * {@link ReferralCandy} over HTTP: a signed, form-encoded {@code POST {apiBase}/{method}.json}, sent
 * on the calling thread over a pool of keep-alive connections (Apache HttpClient, classic API).
 * Thread-safe. Parameters, e-mail addresses and the secret are never logged nor put into exception
 * messages.
 *
 * <p>Nothing is sent twice behind the caller's back: no automatic retries (a POST that may have
 * reached RC is the delivery worker's to judge), no redirects followed, no cookies kept. A pooled
 * connection idle for more than a second is checked before it is used, so one RC closed meanwhile
 * is not written to. A server that closes a connection right after answering, without saying
 * {@code Connection: close}, can still make the next call on it fail at once as "could not
 * reach"; that attempt is retried on the schedule like any other (never lost, never sent twice).
 */
public final class HttpReferralCandy implements ReferralCandy, AutoCloseable {
  private static final ContentType FORM =
      ContentType.create("application/x-www-form-urlencoded", UTF_8);
  /** More than the most senders a worker may run (256), so a sender never waits for a connection. */
  private static final int MAX_CONNECTIONS = 512;
  /** RC answers in a few hundred bytes; a larger body is cut here (the excerpt is shorter still). */
  private static final int MAX_BODY_BYTES = 64 * 1024;
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
                    .setMaxConnTotal(MAX_CONNECTIONS)
                    .setMaxConnPerRoute(MAX_CONNECTIONS)
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(t)
                            .setSocketTimeout(t)
                            .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                            .build())
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setConnectionRequestTimeout(t)
                    .setResponseTimeout(t)
                    .setRedirectsEnabled(false)
                    .build())
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
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("interrupted before calling ReferralCandy " + method.path());
    }
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
      return http.execute(request, this::read);
    } catch (SocketTimeoutException e) { // also HttpClient's ConnectTimeoutException
      throw timedOut(method, e);
    } catch (IOException e) {
      if (expired.get()) {
        throw timedOut(method, e);
      }
      throw e;
    } finally {
      deadline.cancel(false);
    }
  }

  /**
   * The status, at most {@link #MAX_BODY_BYTES} of the body (closing the stream reads and drops the
   * rest, so the connection stays reusable) and Retry-After. The bytes are decoded in one step:
   * HttpCore's {@code EntityUtils.toString} costs an 8 KB reader buffer per call for a body of a
   * few hundred bytes.
   */
  private RcResponse read(ClassicHttpResponse response) throws IOException {
    String body = "";
    HttpEntity entity = response.getEntity();
    if (entity != null) {
      try (InputStream in = entity.getContent()) {
        body = new String(in.readNBytes(MAX_BODY_BYTES), UTF_8);
      }
    }
    Header retryAfter = response.getFirstHeader("Retry-After");
    return new RcResponse(
        response.getCode(),
        body,
        retryAfter == null
            ? Optional.empty()
            : RetryAfter.parse(retryAfter.getValue(), clock.instant()));
  }

  private HttpTimeoutException timedOut(RcMethod method, IOException cause) {
    HttpTimeoutException e =
        new HttpTimeoutException(
            "ReferralCandy " + method.path() + " did not answer within " + timeout);
    e.initCause(cause);
    return e;
  }

  /** Closes the pooled connections; calls still under way fail. */
  @Override
  public void close() {
    http.close(CloseMode.GRACEFUL);
  }
}
