package candybridge.referralcandy;

import java.io.IOException;

/**
 * The ReferralCandy API, as Candybridge uses it: one signed call at a time.
 *
 * <p>Every call ends in one of three ways, the classes of docs/design.md §6:
 *
 * <ul>
 *   <li>an {@link RcResponse}: the status line and headers were read, so RC answered, whatever the
 *       status and whatever became of the body (cut short, not JSON, too long, the deadline while
 *       reading it: the body holds what came);
 *   <li>{@link NotSentException}: the call failed before any byte of its request was written
 *       (connection refused, connect timeout, unknown host, TLS handshake, no pooled connection in
 *       time, the thread interrupted before the call started); RC cannot have processed it, so it
 *       is safe to send again;
 *   <li>{@link NoAnswerException}: writing the request had started and no complete status line and
 *       headers came back (the deadline, a close or reset, a malformed head); RC may have processed
 *       it, so it must not be resent without an operator's word.
 * </ul>
 *
 * <p>Any other {@link IOException} from an implementation means "may have been sent", like {@link
 * NoAnswerException}: an implementation that cannot place a failure must not claim it was not sent.
 * Nothing else is thrown for a transport or protocol failure.
 */
public interface ReferralCandy {
  /**
   * Sends the call signed and returns RC's answer, whatever its status. Throws {@link
   * NotSentException} when nothing was sent (an interrupt before the call keeps the thread's
   * interrupt flag set) and {@link NoAnswerException} when the request may have reached RC without
   * an answer. Not idempotent: RC does not deduplicate purchases. Thread-safe.
   */
  RcResponse send(RcCall call) throws IOException;

  /**
   * {@code GET verify.json}: proves the access id and secret key (200 {@code Verification Ok}; 401
   * bad credentials; 403 account suspended). Same contract as {@link #send}; it changes nothing at
   * RC, so it may always be called again.
   */
  RcResponse verify() throws IOException;
}
