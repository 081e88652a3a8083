package candybridge.admin;

import candybridge.config.Secret;
import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryId;
import candybridge.delivery.DeliveryQuery;
import candybridge.delivery.DeliveryStatus;
import candybridge.delivery.Replay;
import candybridge.delivery.Store;
import candybridge.history.EventQuery;
import candybridge.history.EventRecord;
import candybridge.history.History;
import candybridge.history.Page;
import candybridge.http.HttpProblem;
import candybridge.stripe.InvalidEventException;
import candybridge.stripe.StripeEvent;
import candybridge.stripe.StripeEventParser;
import candybridge.workflow.DryRun;
import candybridge.workflow.EventView;
import candybridge.workflow.Lookups;
import candybridge.workflow.Workflow;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The admin API and page: every route in one table, each handler parse → one use case → render. All
 * of {@code /api/} and {@code /admin} need the token ({@link AdminAuth}); 401 without. A request
 * that changes state with a browser's Basic login must come from the page itself ({@link
 * CrossSiteGuard}); 403 otherwise. Every answer carries {@link SecurityHeaders}.
 */
public final class AdminRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AdminAuth auth;
  private final Store store;
  private final History history;
  private final Replay replay;
  private final Workflow workflow;
  private final Lookups lookups;
  private final Clock clock;
  private final AdminStatus status;
  private final BiConsumer<Context, Object> respond;

  /**
   * @param respond writes a 200 JSON body (the HTTP layer's one serializer)
   */
  public AdminRoutes(
      Secret token,
      Store store,
      History history,
      Replay replay,
      Workflow workflow,
      Lookups lookups,
      Clock clock,
      AdminStatus status,
      BiConsumer<Context, Object> respond) {
    this.auth = new AdminAuth(token);
    this.store = store;
    this.history = history;
    this.replay = replay;
    this.workflow = workflow;
    this.lookups = lookups;
    this.clock = clock;
    this.status = status;
    this.respond = respond;
  }

  /** One route: a handler answers a JSON body, or null when it wrote the answer itself. */
  record Route(String method, String path, Action action) {}

  @FunctionalInterface
  interface Action {
    Object handle(AdminRoutes routes, Context ctx) throws Exception;
  }

  /**
   * Every route, in one table: {@link #register} serves exactly these, and the OpenAPI description
   * ({@code admin/openapi.json}, served at {@code /api/openapi.json}) is checked against it.
   */
  static final List<Route> ROUTES =
      List.of(
          new Route(
              "GET", "/admin", (r, ctx) -> r.page(ctx, "index.html", "text/html; charset=utf-8")),
          new Route("GET", "/admin/{file}", (r, ctx) -> r.page(ctx, ctx.pathParam("file"), null)),
          new Route("GET", "/api/openapi.json", (r, ctx) -> openApi()),
          new Route("GET", "/api/status", (r, ctx) -> r.status.read()),
          new Route("GET", "/api/events", AdminRoutes::events),
          new Route("GET", "/api/events/{id}", (r, ctx) -> r.event(ctx.pathParam("id"))),
          new Route("GET", "/api/deliveries", AdminRoutes::deliveries),
          new Route("GET", "/api/deliveries/{id}", (r, ctx) -> r.delivery(id(ctx))),
          new Route("POST", "/api/deliveries/replay", AdminRoutes::replayMatching),
          new Route("POST", "/api/deliveries/resolve", AdminRoutes::resolveMatching),
          new Route(
              "POST",
              "/api/deliveries/{id}/replay",
              (r, ctx) -> r.done(r.replay.replay(id(ctx)), "replay")),
          new Route("POST", "/api/deliveries/{id}/resolve", AdminRoutes::resolve),
          new Route("POST", "/api/dry-run", AdminRoutes::dryRun),
          new Route("GET", "/api/stats/hourly", AdminRoutes::hourly));

  public void register(RoutesConfig routes) {
    routes.before("/api/*", SecurityHeaders::api);
    routes.before("/admin", SecurityHeaders::page);
    routes.before("/admin/*", SecurityHeaders::page);
    routes.before("/api/*", this::authenticate);
    routes.before("/admin", this::authenticate);
    routes.before("/admin/*", this::authenticate);
    // After authentication, before any handler: a refused request changes nothing.
    routes.before("/api/*", CrossSiteGuard::check);

    for (Route r : ROUTES) {
      io.javalin.http.Handler h =
          ctx -> {
            Object body = r.action().handle(this, ctx);
            if (body != null) {
              respond.accept(ctx, body);
            }
          };
      if (r.method().equals("GET")) {
        routes.get(r.path(), h);
      } else {
        routes.post(r.path(), h);
      }
    }
  }

  private void authenticate(Context ctx) {
    if (!auth.allows(ctx.header("Authorization"))) {
      ctx.header("WWW-Authenticate", "Basic realm=\"candybridge admin\", charset=\"UTF-8\"");
      throw new HttpProblem(
          401,
          "unauthorized",
          "admin token required: Authorization: Bearer <CANDYBRIDGE_ADMIN_TOKEN> (or basic auth with it as password)");
    }
  }

  private Map<String, Object> events(Context ctx) {
    EventQuery q =
        new EventQuery(
            param(ctx, "type"),
            Params.instant(ctx, "from"),
            Params.instant(ctx, "to"),
            param(ctx, "q"));
    Page<EventRecord> page = page(() -> history.events(q, param(ctx, "cursor"), Params.limit(ctx)));
    return listing(
        page.items().stream()
            .map(
                e -> {
                  Map<String, Object> m = AdminViews.event(e);
                  m.put("decisions", readJson(e.decisions()));
                  return m;
                })
            .toList(),
        page.next());
  }

  private Map<String, Object> event(String id) {
    EventRecord e = history.event(id).orElseThrow(() -> HttpProblem.notFound("no event " + id));
    Map<String, Object> m = AdminViews.event(e);
    m.put("decisions", readJson(e.decisions()));
    m.put("payload", e.payload().map(AdminRoutes::readJson).orElse(null));
    m.put("deliveries", store.deliveriesOfEvent(id).stream().map(AdminViews::delivery).toList());
    return m;
  }

  private Map<String, Object> deliveries(Context ctx) {
    DeliveryQuery q = Params.deliveryQuery(ctx);
    Page<Delivery> page =
        page(() -> history.deliveries(q, param(ctx, "cursor"), Params.limit(ctx)));
    return listing(page.items().stream().map(AdminViews::delivery).toList(), page.next());
  }

  private Map<String, Object> delivery(DeliveryId id) {
    Delivery d =
        store.findDelivery(id).orElseThrow(() -> HttpProblem.notFound("no delivery " + id));
    return AdminViews.deliveryDetail(d, store.attempts(id));
  }

  private Map<String, Object> replayMatching(Context ctx) {
    DeliveryQuery q = Params.deliveryQuery(ctx);
    if (q.statuses().isEmpty()) {
      throw HttpProblem.badRequest(
          "say which statuses to replay, e.g. ?status=failed,in_doubt"
              + " (replaying delivered calls sends them again)");
    }
    if (q.statuses().stream().anyMatch(s -> !s.isReplayable())) {
      throw HttpProblem.badRequest(
          "only delivered, failed and in_doubt deliveries can be replayed");
    }
    if (Params.flag(ctx, "dry_run")) {
      return Map.of("would_replay", replay.wouldReplay(q), "dry_run", true);
    }
    return Map.of("replayed", replay.replayMatching(q));
  }

  private Map<String, Object> resolve(Context ctx) {
    return done(replay.resolve(id(ctx), resolution(ctx)), "resolve");
  }

  /** Bulk resolve: every in-doubt delivery the filters match, after an outage. */
  private Map<String, Object> resolveMatching(Context ctx) {
    DeliveryQuery q = Params.deliveryQuery(ctx);
    if (!q.statuses().equals(java.util.Set.of(DeliveryStatus.IN_DOUBT))) {
      throw HttpProblem.badRequest(
          "bulk resolve needs status=in_doubt: only in-doubt deliveries can be resolved");
    }
    Replay.Resolution how = resolution(ctx);
    if (Params.flag(ctx, "dry_run")) {
      return Map.of("would_resolve", replay.wouldResolve(q), "dry_run", true);
    }
    return Map.of("resolved", replay.resolveMatching(q, how));
  }

  private static Replay.Resolution resolution(Context ctx) {
    String as = Optional.ofNullable(ctx.queryParam("as")).orElseGet(() -> bodyField(ctx, "as"));
    return Replay.Resolution.parse(as)
        .orElseThrow(
            () ->
                HttpProblem.badRequest(
                    "resolve needs as=sent (it reached ReferralCandy) or as=resend"));
  }

  private Map<String, Object> done(Replay.Result r, String what) {
    return switch (r.outcome()) {
      case DONE -> Map.of("delivery", AdminViews.delivery(r.delivery().orElseThrow()));
      case NOT_FOUND -> throw HttpProblem.notFound("no such delivery");
      case CONFLICT ->
          throw HttpProblem.conflict(
              "cannot "
                  + what
                  + " a delivery that is "
                  + r.delivery().map(d -> d.status().wireName()).orElse("?")
                  + (what.equals("resolve")
                      ? " (only in_doubt ones)"
                      : " (only delivered, failed or in_doubt ones)"));
    };
  }

  private Map<String, Object> dryRun(Context ctx) throws Lookups.UnavailableException {
    StripeEvent event;
    try {
      event = new StripeEventParser().parse(ctx.bodyAsBytes());
    } catch (InvalidEventException e) {
      throw HttpProblem.badRequest("the body is not a Stripe event: " + e.getMessage());
    }
    List<DryRun.Entry> entries =
        DryRun.of(
            workflow,
            new EventView(event, () -> store.sessionCompletedAt(event.objectId())),
            lookups);
    return Map.of(
        "event",
        event.id().value(),
        "type",
        event.type(),
        "workflows",
        entries.stream().map(AdminViews::dryRun).toList());
  }

  private Map<String, Object> hourly(Context ctx) {
    int hours = Params.integer(ctx, "hours", 24, 1, 24 * 31);
    return Map.of(
        "hours",
        hours,
        "counts",
        history.hourly(clock.instant().minus(Duration.ofHours(hours))).stream()
            .map(AdminViews::hourly)
            .toList());
  }

  private Object page(Context ctx, String file, String contentType) throws IOException {
    if (!file.matches("[a-z0-9-]+\\.(html|js|css)")) {
      throw HttpProblem.notFound("no admin file " + file);
    }
    try (InputStream in = AdminRoutes.class.getClassLoader().getResourceAsStream("admin/" + file)) {
      if (in == null) {
        throw HttpProblem.notFound("no admin file " + file);
      }
      String type =
          contentType != null
              ? contentType
              : file.endsWith(".js")
                  ? "text/javascript; charset=utf-8"
                  : file.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
      ctx.contentType(type).header("Cache-Control", "no-store").result(in.readAllBytes());
      return null;
    }
  }

  private static DeliveryId id(Context ctx) {
    try {
      return new DeliveryId(Long.parseLong(ctx.pathParam("id")));
    } catch (NumberFormatException unused) {
      // An answer to the client (404): the parser's exception adds nothing to it.
      throw HttpProblem.notFound("no delivery " + ctx.pathParam("id"));
    }
  }

  /** The hand-written OpenAPI 3 description, checked against {@link #ROUTES} by OpenApiTest. */
  static JsonNode openApi() throws IOException {
    try (InputStream in =
        AdminRoutes.class.getClassLoader().getResourceAsStream("admin/openapi.json")) {
      if (in == null) {
        throw HttpProblem.notFound("no OpenAPI description in this build");
      }
      return JSON.readTree(in);
    }
  }

  private static Optional<String> param(Context ctx, String name) {
    return Params.text(ctx, name);
  }

  private static <T> Page<T> page(java.util.function.Supplier<Page<T>> query) {
    try {
      return query.get();
    } catch (IllegalArgumentException e) {
      throw HttpProblem.badRequest(e.getMessage());
    }
  }

  private static Map<String, Object> listing(
      List<Map<String, Object>> items, Optional<String> next) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("items", items);
    m.put("next_cursor", next.orElse(null));
    return m;
  }

  private static String bodyField(Context ctx, String field) {
    String body = ctx.body();
    if (body.isBlank()) {
      return null;
    }
    JsonNode node = readJson(body);
    return node.path(field).isTextual() ? node.path(field).asText() : null;
  }

  private static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw HttpProblem.badRequest("not JSON: " + e.getMessage());
    }
  }

  /** For the delivery statuses listed in a query string. */
  static DeliveryStatus status(String wire) {
    try {
      return DeliveryStatus.fromWireName(wire.strip());
    } catch (IllegalArgumentException unused) {
      // An answer to the client (400): the parser's exception adds nothing to it.
      throw HttpProblem.badRequest(
          "unknown status '"
              + wire.strip()
              + "' (pending, in_flight, delivered, failed, in_doubt)");
    }
  }
}
