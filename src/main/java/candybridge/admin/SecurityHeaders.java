package candybridge.admin;

import io.javalin.http.Context;

/**
 * The response headers of the admin page, its files and the API, set before anything else runs so
 * that 401, 403 and 404 answers carry them too. The page is one HTML file with an external module
 * script and style sheet, so {@code default-src 'self'} holds without {@code 'unsafe-inline'};
 * {@code img-src data:} is for its empty {@code data:,} icon (an image cannot run script).
 */
final class SecurityHeaders {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private SecurityHeaders() {}

  /** {@code /admin} and its files: no framing (clickjacking), no sniffing, no referrer. */
  static void page(Context ctx) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .header("X-Frame-Options", "DENY")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer");
  }

  /**
   * {@code /api/}: the page's headers, and no cached copy of an answer (it holds customer data).
   */
  static void api(Context ctx) {
    page(ctx);
    ctx.header("Cache-Control", "no-store");
  }
}
