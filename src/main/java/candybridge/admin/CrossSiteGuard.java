package candybridge.admin;

import candybridge.http.HttpProblem;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses a state-changing admin request that a browser may have sent on another site's behalf
 * (cross-site request forgery). A browser attaches the Basic login it cached for {@code /admin} to
 * every request to this server, also to a form or {@code fetch} on another site; a Bearer token it
 * never attaches by itself, so Bearer requests (scripts, curl) pass unchecked.
 *
 * <p>A request other than GET/HEAD with Basic is refused (403 {@code forbidden}) when {@code
 * Sec-Fetch-Site} says {@code cross-site} or {@code same-site}, when {@code Origin} is present and
 * is not this server's own origin ({@code null} included), and, when neither header is present (an
 * old browser), unless it carries {@value #REQUEST_HEADER}, which {@code admin.js} sends and a page
 * on another origin cannot send without a CORS preflight that this server never approves.
 *
 * <p>The own origin is the scheme and the {@code Host} header, with {@code X-Forwarded-Proto} and
 * {@code X-Forwarded-Host} taking their place when a reverse proxy sets them: a page on another
 * origin cannot set those headers either (the same preflight), so honouring them can only refuse a
 * request it would otherwise accept, never the reverse. Runs before any handler reads the body.
 */
final class CrossSiteGuard {
  static final String REQUEST_HEADER = "X-Candybridge-Request";

  private CrossSiteGuard() {}

  static void check(Context ctx) {
    if (HandlerType.GET.equals(ctx.method())
        || HandlerType.HEAD.equals(ctx.method())
        || !AdminAuth.isBasic(ctx.header("Authorization"))) {
      return;
    }
    refusal(
            ctx.header("Sec-Fetch-Site"),
            ctx.header("Origin"),
            ownOrigin(ctx),
            ctx.header(REQUEST_HEADER))
        .ifPresent(
            reason -> {
              throw new HttpProblem(
                  403,
                  "forbidden",
                  reason
                      + "; the admin page sends its own requests, scripts use Authorization: Bearer <token>");
            });
  }

  /** Why the request is refused, or empty when it may proceed; pure, for the table test. */
  static Optional<String> refusal(
      String fetchSite, String origin, String ownOrigin, String requestHeader) {
    if (fetchSite != null) {
      String site = fetchSite.strip().toLowerCase(Locale.ROOT);
      if (site.equals("cross-site") || site.equals("same-site")) {
        return Optional.of(
            "refused a "
                + site
                + " request (Sec-Fetch-Site) that changes state with the browser's login");
      }
    }
    if (origin != null) {
      return sameOrigin(origin, ownOrigin)
          ? Optional.empty()
          : Optional.of(
              "refused a request from another origin (Origin) that changes state with the browser's login");
    }
    if (fetchSite == null && (requestHeader == null || requestHeader.isBlank())) {
      return Optional.of(
          "refused a request without Origin, Sec-Fetch-Site or "
              + REQUEST_HEADER
              + " that changes state with the browser's login");
    }
    return Optional.empty();
  }

  private static String ownOrigin(Context ctx) {
    String proto = first(ctx.header("X-Forwarded-Proto")).toLowerCase(Locale.ROOT);
    String scheme = proto.equals("http") || proto.equals("https") ? proto : ctx.scheme();
    String host = first(ctx.header("X-Forwarded-Host"));
    return scheme + "://" + (host.isEmpty() ? first(ctx.header("Host")) : host);
  }

  private static String first(String header) {
    return header == null ? "" : header.split(",", 2)[0].strip();
  }

  /** Scheme, host and port equal, a missing port read as the scheme's default (80, 443). */
  static boolean sameOrigin(String a, String b) {
    Optional<URI> x = parse(a);
    Optional<URI> y = parse(b);
    return x.isPresent()
        && y.isPresent()
        && x.get().getScheme().equalsIgnoreCase(y.get().getScheme())
        && x.get().getHost().equalsIgnoreCase(y.get().getHost())
        && port(x.get()) == port(y.get());
  }

  private static Optional<URI> parse(String origin) {
    try {
      URI u = new URI(origin.strip());
      boolean bare =
          u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/");
      return u.getScheme() != null
              && u.getHost() != null
              && u.getRawUserInfo() == null
              && u.getRawQuery() == null
              && u.getRawFragment() == null
              && bare
          ? Optional.of(u)
          : Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return u.getScheme().equalsIgnoreCase("https")
        ? 443
        : u.getScheme().equalsIgnoreCase("http") ? 80 : -1;
  }
}
