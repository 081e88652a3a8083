package candybridge.stripe;

/** The request does not prove it comes from Stripe; answered 400, nothing stored. */
public final class InvalidSignatureException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String code;

  InvalidSignatureException(String code, String detail) {
    super(detail);
    this.code = code;
  }

  /** Machine-readable reason, e.g. {@code missing_signature}, {@code invalid_signature}. */
  public String code() {
    return code;
  }
}
