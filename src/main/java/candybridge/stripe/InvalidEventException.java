package candybridge.stripe;

/** A correctly signed body that is not a Stripe event we can store; answered 400. */
public final class InvalidEventException extends Exception {
  private static final long serialVersionUID = 1L;

  InvalidEventException(String detail) {
    super(detail);
  }

  InvalidEventException(String detail, Throwable cause) {
    super(detail, cause);
  }
}
