package candybridge.referralcandy;

import java.io.IOException;

/** The ReferralCandy API, as Candybridge uses it: one signed call at a time. */
public interface ReferralCandy {
  /**
   * Sends the call signed. Returns any HTTP response as a value, whatever its status; throws {@link
   * IOException} (including {@link java.net.http.HttpTimeoutException}) only when RC could not be
   * reached or did not answer in time, and {@link java.io.InterruptedIOException} when the calling
   * thread was interrupted (its interrupt flag is then set again). A call that throws may still
   * have reached RC. Not idempotent: RC does not deduplicate purchases. Thread-safe.
   */
  RcResponse send(RcCall call) throws IOException;

  /**
   * {@code GET verify.json}: proves the access id and secret key (200 {@code Verification Ok}; 401
   * bad credentials; 403 account suspended). Same error contract as {@link #send}.
   */
  RcResponse verify() throws IOException;
}
