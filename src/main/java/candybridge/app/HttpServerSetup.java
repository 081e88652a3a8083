package candybridge.app;

import candybridge.admin.AdminRoutes;
import candybridge.config.Config;
import candybridge.delivery.Store;
import candybridge.delivery.StoreException;
import candybridge.http.BodyDeadlineHandler;
import candybridge.http.BurstWarning;
import candybridge.http.HttpProblem;
import candybridge.http.Json;
import candybridge.http.PayloadTooLargeException;
import candybridge.http.ProtocolErrorHandler;
import candybridge.metrics.Metrics;
import candybridge.stripe.InvalidEventException;
import candybridge.stripe.InvalidSignatureException;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every route and every exception-to-status mapping, in one place. */
final class HttpServerSetup {
  private static final Logger log = LoggerFactory.getLogger(HttpServerSetup.class);

  private HttpServerSetup() {}

  static Javalin create(
      Config.Http http,
      StripeWebhookRoute webhook,
      Store store,
      Json json,
      Metrics metrics,
      Optional<AdminRoutes> admin) {
    return Javalin.create(
        config -> {
          config.startup.showJavalinBanner = false;
          config.startup.showOldJavalinVersionWarning = false;
          // 0.0.0.0 is every interface (IPv6 too: the JDK binds a dual-stack socket to ::).
          config.jetty.host = http.bindAddress();
          config.jetty.port = http.port();
          // The webhook route enforces its own 1 MiB limit on the raw stream (413).
          config.http.maxRequestSize = StripeWebhookRoute.MAX_BODY_BYTES;
          // Javalin copies every response body to Jetty through a buffer of this size that it
          // allocates per response (by default Jetty's whole 32 KB output buffer): a quarter of all
          // the memory a webhook allocated (JFR). Our answers are under 1 KB; Jetty still buffers
          // larger ones (the metrics page, the admin page) in its own 32 KB.
          config.http.responseBufferSize = 4096;
          // Slow clients (slowloris) must not hold server threads. Headers are read by Jetty
          // without a thread; bodies by BodyDeadlineHandler, also without one, whole within 10 s
          // (else 408) before any route runs. An idle connection is closed after 30 s.
          config.jetty.modifyHttpConfiguration(h -> h.setIdleTimeout(30_000));
          config.jetty.modifyServer(
              server -> {
                server.setErrorHandler(new ProtocolErrorHandler());
                // Before Javalin's servlet (Javalin attaches it inside the innermost wrapper).
                server.insertHandler(
                    new BodyDeadlineHandler(
                        BodyDeadlineHandler.DEADLINE,
                        StripeWebhookRoute.MAX_BODY_BYTES,
                        StripeWebhookRoute.MAX_DRAINED_BYTES,
                        json,
                        new BurstWarning(
                            "request bodies not complete within "
                                + BodyDeadlineHandler.DEADLINE.toSeconds()
                                + " s, answered 408",
                            System::nanoTime)));
              });

          config.routes.post("/webhooks/stripe", webhook);
          config.routes.get(
              "/metrics", ctx -> ctx.contentType(Metrics.CONTENT_TYPE).result(metrics.scrape()));
          config.routes.get("/healthz", ctx -> json.respond(ctx, 200, Map.of("status", "ok")));
          config.routes.get(
              "/readyz",
              ctx -> {
                if (store.isReady()) {
                  json.respond(ctx, 200, Map.of("status", "ready"));
                } else {
                  json.error(ctx, 503, "store_unavailable", "the database does not answer");
                }
              });

          admin.ifPresentOrElse(
              a -> a.register(config.routes),
              () -> {
                Handler disabled =
                    ctx -> {
                      throw new HttpProblem(
                          404,
                          "admin_disabled",
                          "the admin API and page are disabled: set CANDYBRIDGE_ADMIN_TOKEN");
                    };
                config.routes.before("/api/*", disabled);
                config.routes.get("/admin", disabled);
              });

          config.routes.exception(
              HttpProblem.class, (e, ctx) -> json.error(ctx, e.status(), e.code(), e.getMessage()));
          config.routes.exception(
              InvalidSignatureException.class,
              (e, ctx) -> json.error(ctx, 400, e.code(), e.getMessage()));
          config.routes.exception(
              InvalidEventException.class,
              (e, ctx) -> json.error(ctx, 400, "invalid_event", e.getMessage()));
          config.routes.exception(
              PayloadTooLargeException.class,
              (e, ctx) -> json.error(ctx, 413, "payload_too_large", e.getMessage()));
          config.routes.exception(
              StoreException.class,
              (e, ctx) -> {
                log.error(
                    "store unavailable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                json.error(
                    ctx,
                    503,
                    "store_unavailable",
                    "the event store is unavailable; nothing was stored, retry later");
              });
          config.routes.exception(
              Exception.class,
              (e, ctx) -> {
                log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
                json.error(ctx, 500, "internal_error", "unexpected failure; see the server log");
              });
          // Only when nothing answered yet: a handler's own 404 (e.g. admin disabled) stands.
          config.routes.error(
              404,
              ctx -> {
                String type = ctx.res().getContentType();
                if (type == null || !type.contains("json")) {
                  json.error(ctx, 404, "not_found", "no route " + ctx.method() + " " + ctx.path());
                }
              });
          config.routes.error(
              405,
              ctx ->
                  json.error(
                      ctx, 405, "method_not_allowed", "method not allowed on " + ctx.path()));
        });
  }
}
