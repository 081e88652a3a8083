package candybridge.referralcandy;

import java.io.IOException;
import java.time.Instant;

/**
 * The request was written (wholly or in part) and no complete status line and headers came back: a
 * response timeout, or the connection closed or reset after the request was written. ReferralCandy
 * may have processed it (docs/design.md §6 "may have been processed").
 *
 * @see NotSentException for failures known to be before anything was written
 */
public final class NoAnswerException extends IOException {
  private final Instant sentAt;
  private final boolean timedOut;

  /**
   * @param sentAt when the request started to be written
   * @param timedOut true when the call's deadline ended it, false when the connection closed or
   *     broke
   */
  public NoAnswerException(String message, Instant sentAt, boolean timedOut, Throwable cause) {
    super(message, cause);
    this.sentAt = sentAt;
    this.timedOut = timedOut;
  }

  public Instant sentAt() {
    return sentAt;
  }

  public boolean timedOut() {
    return timedOut;
  }
}
