package candybridge.delivery;

import static java.util.Objects.requireNonNull;

import candybridge.referralcandy.NoAnswerException;
import candybridge.referralcandy.NotSentException;
import candybridge.referralcandy.RcResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one call to ReferralCandy came to, classified once, by {@link #of} (docs/design.md §6).
 *
 * @param transport how the call ended, for the breaker and flow control ({@link CallGate})
 */
public record AttemptOutcome(
    Verdict verdict,
    OptionalInt httpStatus,
    Optional<String> responseExcerpt,
    Optional<String> error,
    Optional<Duration> retryAfter,
    Transport transport) {

  /** How the call ended, as the breaker and flow control read it. */
  public enum Transport {
    /** No call to ReferralCandy was made (a lookup failed, a parameter was missing). */
    NONE,
    /** ReferralCandy answered with a status that is not 429 nor 5xx. */
    ANSWERED,
    /** ReferralCandy answered 429: flow control, not an outage. */
    THROTTLED,
    /** ReferralCandy answered 5xx, or did not answer, or could not be reached: an outage sign. */
    BROKEN
  }

  private static final DateTimeFormatter SENT_AT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  public AttemptOutcome {
    requireNonNull(verdict, "verdict == null");
    requireNonNull(httpStatus, "httpStatus == null");
    requireNonNull(responseExcerpt, "responseExcerpt == null");
    requireNonNull(error, "error == null");
    requireNonNull(retryAfter, "retryAfter == null");
    requireNonNull(transport, "transport == null");
  }

  /** An outcome that stands in for an attempt when no call was made. */
  static AttemptOutcome noCall(Verdict verdict, String why) {
    return new AttemptOutcome(
        verdict,
        OptionalInt.empty(),
        Optional.empty(),
        Optional.of(why),
        Optional.empty(),
        Transport.NONE);
  }

  /**
   * Classifies any HTTP response of a call sent at {@code sentAt}: 2xx Success delivered; 429 and
   * 503 not processed (the server says it did not act); 500, 502, 504 and every other 5xx may have
   * been processed (a gateway or a crash after the write: the safe reading of the ones
   * docs/design.md §6 does not name); any other status rejected.
   */
  public static AttemptOutcome of(RcResponse response, Instant sentAt) {
    int status = response.status();
    Verdict verdict;
    Transport transport = Transport.ANSWERED;
    String error = null;
    if (response.isSuccess()) {
      verdict = Verdict.DELIVERED;
    } else if (status == 429) {
      verdict = Verdict.RETRY;
      transport = Transport.THROTTLED;
      error = "ReferralCandy answered 429 (too many requests): not processed, will retry";
    } else if (status == 503) {
      verdict = Verdict.RETRY;
      transport = Transport.BROKEN;
      error = "ReferralCandy answered 503 (unavailable): not processed, will retry";
    } else if (status >= 500) {
      verdict = Verdict.IN_DOUBT;
      transport = Transport.BROKEN;
      error =
          "sent "
              + SENT_AT.format(sentAt)
              + ", ReferralCandy answered "
              + status
              + ": it may have processed the call";
    } else if (status >= 200 && status < 300) {
      verdict = Verdict.FAIL;
      error = "ReferralCandy answered " + status + " without message Success; not retried";
    } else {
      verdict = Verdict.FAIL;
      error = "ReferralCandy answered " + status + "; retrying cannot help, needs attention";
    }
    return new AttemptOutcome(
        verdict,
        OptionalInt.of(status),
        Optional.of(response.excerpt()),
        Optional.ofNullable(error),
        response.retryAfter(),
        transport);
  }

  /**
   * Classifies a transport failure of a call started at {@code startedAt}: one known to have failed
   * before anything was written is not processed; any other may have been processed (the safe
   * reading of a failure that cannot be placed).
   */
  public static AttemptOutcome of(IOException e, Instant startedAt, Duration took) {
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof NotSentException) {
      return new AttemptOutcome(
          Verdict.RETRY,
          OptionalInt.empty(),
          Optional.empty(),
          Optional.of("could not reach ReferralCandy, nothing was sent: " + detail),
          Optional.empty(),
          Transport.BROKEN);
    }
    Instant sentAt = e instanceof NoAnswerException n ? n.sentAt() : startedAt;
    String what;
    if (e instanceof NoAnswerException n && n.timedOut()) {
      what = "no answer within " + seconds(took);
    } else {
      what = "no answer (" + detail + ")";
    }
    return new AttemptOutcome(
        Verdict.IN_DOUBT,
        OptionalInt.empty(),
        Optional.empty(),
        Optional.of(
            "sent " + SENT_AT.format(sentAt) + ", " + what + ": it may have processed the call"),
        Optional.empty(),
        Transport.BROKEN);
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms >= 10_000 || ms % 1000 == 0
        ? Math.round(ms / 1000.0) + " s"
        : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
