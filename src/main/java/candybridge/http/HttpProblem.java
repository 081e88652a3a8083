package candybridge.http;

/**
 * An expected failure at the HTTP edge with its status and JSON error code; mapped in one place.
 */
public final class HttpProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  public HttpProblem(int status, String code, String detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }

  public static HttpProblem badRequest(String detail) {
    return new HttpProblem(400, "bad_request", detail);
  }

  public static HttpProblem notFound(String detail) {
    return new HttpProblem(404, "not_found", detail);
  }

  public static HttpProblem conflict(String detail) {
    return new HttpProblem(409, "conflict", detail);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
