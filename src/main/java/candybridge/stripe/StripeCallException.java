package candybridge.stripe;

/**
 * Stripe refused a call or could not be reached. {@code status} is Stripe's HTTP status, 0 when no
 * answer came; the message is one line (Stripe's own message, or the status and the first 200
 * characters of an answer that is not Stripe's JSON, e.g. a proxy's HTML page) and never holds the
 * API key.
 */
public final class StripeCallException extends Exception {
  private final int status;

  public StripeCallException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public boolean unreachable() {
    return status == 0;
  }
}
