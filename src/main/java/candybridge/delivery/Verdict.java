package candybridge.delivery;

import java.util.Locale;

/**
 * The class of one attempt's outcome, exactly the four of docs/design.md §6. The enum names are
 * stored in the database; {@link #outcomeClass()} is how the admin API, the page and the CLI name
 * them.
 */
public enum Verdict {
  /** 2xx with message Success. */
  DELIVERED("delivered"),
  /**
   * Not processed: no connection was made (refused, connect timeout, DNS, TLS handshake), or 429 or
   * 503; also a Stripe lookup that could not be made (nothing was sent). Safe to try again.
   */
  RETRY("not_processed"),
  /** Rejected: any other 4xx, or a 2xx without Success. Retrying cannot help, a human must look. */
  FAIL("rejected"),
  /**
   * May have been processed: the request was written and no answer came (response timeout, a
   * connection closed or reset after the request was written), 500, 502, 504 or another 5xx but
   * 503; or the process died mid-call. Never resent without an operator's word (unless {@code
   * CANDYBRIDGE_ON_UNCERTAIN=retry}).
   */
  IN_DOUBT("may_have_been_processed");

  private final String outcomeClass;

  Verdict(String outcomeClass) {
    this.outcomeClass = outcomeClass;
  }

  /**
   * {@code delivered}, {@code not_processed}, {@code may_have_been_processed} or {@code rejected}.
   */
  public String outcomeClass() {
    return outcomeClass;
  }

  /** The spelling of the {@code verdict} field and metric label: {@code in_doubt}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
