package candybridge.referralcandy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

import candybridge.config.Secret;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link ReferralCandy} over HTTP: a signed, form-encoded {@code POST {apiBase}/{method}.json}. One
 * shared {@link HttpClient}; thread-safe. Parameters, e-mail addresses and the secret are never
 * logged nor put into exception messages.
 */
public final class HttpReferralCandy implements ReferralCandy {
  private static final String FORM = "application/x-www-form-urlencoded; charset=UTF-8";

  private final String apiBase;
  private final String accessId;
  private final Secret secretKey;
  private final Clock clock;
  private final Duration timeout;
  private final HttpClient http;

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
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  @Override
  public RcResponse send(RcCall call) throws IOException {
    requireNonNull(call, "call == null");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(apiBase + "/" + call.method().path()))
            .timeout(timeout)
            .header("Content-Type", FORM)
            .POST(BodyPublishers.ofString(formEncode(signedParams(call)), UTF_8))
            .build();
    HttpResponse<String> response = exchange(request, call.method());
    return new RcResponse(
        response.statusCode(),
        response.body(),
        response
            .headers()
            .firstValue("Retry-After")
            .flatMap(v -> RetryAfter.parse(v, clock.instant())));
  }

  @Override
  public RcResponse verify() throws IOException {
    String query = formEncode(signedParams(new RcCall(RcMethod.VERIFY, new java.util.TreeMap<>())));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(apiBase + "/" + RcMethod.VERIFY.path() + "?" + query))
            .timeout(timeout)
            .GET()
            .build();
    HttpResponse<String> response = exchange(request, RcMethod.VERIFY);
    return new RcResponse(response.statusCode(), response.body(), java.util.Optional.empty());
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
   * Waits at most {@code timeout} for the whole response. The request timeout is documented for
   * "the response" but not for a body that stalls after the headers; this deadline bounds both.
   */
  private HttpResponse<String> exchange(HttpRequest request, RcMethod method) throws IOException {
    CompletableFuture<HttpResponse<String>> pending =
        http.sendAsync(request, BodyHandlers.ofString());
    try {
      return pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while calling ReferralCandy " + method.path());
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw new HttpTimeoutException(
          "ReferralCandy " + method.path() + " did not answer within " + timeout);
    } catch (ExecutionException e) {
      throw rethrowable(e.getCause());
    }
  }

  private static IOException rethrowable(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new IOException("calling ReferralCandy failed", cause);
  }
}
