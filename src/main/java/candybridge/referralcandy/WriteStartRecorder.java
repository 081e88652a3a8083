package candybridge.referralcandy;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.io.HttpClientConnection;
import org.apache.hc.core5.http.io.HttpResponseInformationCallback;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * HttpClient's request executor, noting in the call's context the instant it starts to write the
 * request. HttpClient runs it on a connection already leased, connected and (for https) through its
 * TLS handshake; the first thing it does is write the request head. So a call whose context has no
 * such instant failed before any byte of its request could leave the process.
 */
final class WriteStartRecorder extends HttpRequestExecutor {
  private static final String SENT_AT = "candybridge.referralcandy.sentAt";

  private final Clock clock;

  WriteStartRecorder(Clock clock) {
    this.clock = clock;
  }

  @Override
  public ClassicHttpResponse execute(
      ClassicHttpRequest request,
      HttpClientConnection conn,
      HttpResponseInformationCallback informationCallback,
      HttpContext context)
      throws IOException, HttpException {
    context.setAttribute(SENT_AT, clock.instant());
    return super.execute(request, conn, informationCallback, context);
  }

  /** When the request of the call with this context started to be written, if it did. */
  static Optional<Instant> sentAt(HttpContext context) {
    return Optional.ofNullable((Instant) context.getAttribute(SENT_AT));
  }
}
