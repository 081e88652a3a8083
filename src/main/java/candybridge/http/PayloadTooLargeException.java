package candybridge.http;

/** A request body over the limit; answered 413 without reading the rest. */
public final class PayloadTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PayloadTooLargeException(long limit) {
    super("request body is larger than " + limit + " bytes");
  }
}
