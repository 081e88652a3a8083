package candybridge.delivery;

/** The database did not answer or refused; at the webhook this becomes 503 so Stripe retries. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
