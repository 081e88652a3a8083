package candybridge.referralcandy;

import java.io.IOException;

/**
 * A call that failed before any byte of its request was written: refused, connect timeout, DNS, TLS
 * handshake, no pooled connection in time, or interrupted before it started. ReferralCandy cannot
 * have processed it, so it is safe to send again (docs/design.md §6 "not processed"). Any other
 * {@link IOException} from {@link ReferralCandy} means the request may have reached ReferralCandy.
 */
public final class NotSentException extends IOException {
  public NotSentException(String message, Throwable cause) {
    super(message, cause);
  }
}
