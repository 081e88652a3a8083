package candybridge.delivery;

import static java.util.Objects.requireNonNull;

import candybridge.referralcandy.RcResponse;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** What one call to ReferralCandy came to, classified once, by {@link #of} (DESIGN.md §6). */
public record AttemptOutcome(
    Verdict verdict,
    OptionalInt httpStatus,
    Optional<String> responseExcerpt,
    Optional<String> error,
    Optional<Duration> retryAfter) {
  public AttemptOutcome {
    requireNonNull(verdict, "verdict == null");
    requireNonNull(httpStatus, "httpStatus == null");
    requireNonNull(responseExcerpt, "responseExcerpt == null");
    requireNonNull(error, "error == null");
    requireNonNull(retryAfter, "retryAfter == null");
  }

  /** Classifies any HTTP response. */
  public static AttemptOutcome of(RcResponse response) {
    int status = response.status();
    Verdict verdict;
    String error = null;
    if (response.isSuccess()) {
      verdict = Verdict.DELIVERED;
    } else if (status == 429 || status >= 500) {
      verdict = Verdict.RETRY;
      error = "ReferralCandy answered " + status + "; will retry";
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
        response.retryAfter());
  }

  /** Classifies a transport failure: timeout or no connection, both retried. */
  public static AttemptOutcome of(IOException e) {
    String what =
        e instanceof HttpTimeoutException
            ? "timed out waiting for ReferralCandy"
            : "could not reach ReferralCandy";
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new AttemptOutcome(
        Verdict.RETRY,
        OptionalInt.empty(),
        Optional.empty(),
        Optional.of(what + ": " + detail),
        Optional.empty());
  }
}
