package candybridge.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.Delivery;
import candybridge.delivery.DeliveryStatus;
import candybridge.testing.Fixtures;
import candybridge.testing.StripeWebhooks;
import candybridge.testing.TestApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-site request forgery and the browser headers over real HTTP (issue 16): a state-changing
 * request with the browser's Basic login is refused unless it comes from the page; Bearer passes.
 */
class AdminCsrfTest {
  static final String TOKEN = "admin-token-for-csrf-tests-0123456789";
  static final String TEMPLATE = Fixtures.read("stripe/checkout.session.completed.json");
  static final String SESSION = Fixtures.event("stripe/checkout.session.completed.json").objectId();
  static final String EVENT = Fixtures.event("stripe/checkout.session.completed.json").id().value();
  static final String BASIC =
      "Basic " + Base64.getEncoder().encodeToString(("admin:" + TOKEN).getBytes(UTF_8));
  static final String BEARER = "Bearer " + TOKEN;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  TestApp t;
  String failed;
  String inDoubt;

  @BeforeEach
  void start() {
    t =
        TestApp.start(
            dir, 1_789_466_700L, StripeWebhooks.SECRET, Map.of("CANDYBRIDGE_ADMIN_TOKEN", TOKEN));
    t.rc.respondWith(400);
    failed = sale(1);
    t.deliverDue();
    inDoubt = sale(2);
    var now = t.clock.instant();
    t.app.store().claimDue(now, 10, "dead-instance", now.plusSeconds(60));
    t.app.store().markAbandonedInDoubt(now, true);
    assertThat(delivery(failed).status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(delivery(inDoubt).status()).isEqualTo(DeliveryStatus.IN_DOUBT);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private String own() {
    return "http://127.0.0.1:" + t.port();
  }

  @Test
  void basic_login_from_another_site_or_origin_is_refused_and_changes_nothing() {
    List<Map<String, String>> forged =
        List.of(
            Map.of("Sec-Fetch-Site", "cross-site", "Origin", "http://evil.test"),
            Map.of("Sec-Fetch-Site", "cross-site"),
            Map.of("Sec-Fetch-Site", "same-site", "Origin", "http://sub.127.0.0.1:" + t.port()),
            Map.of("Sec-Fetch-Site", "same-site", "X-Candybridge-Request", "1"),
            Map.of("Origin", "http://evil.test"),
            Map.of("Origin", "http://127.0.0.1:" + (t.port() + 1)),
            Map.of("Origin", "https://127.0.0.1:" + t.port()),
            Map.of("Origin", "null"),
            Map.of("Origin", "null", "X-Candybridge-Request", "1"),
            Map.of("Sec-Fetch-Site", "same-origin", "Origin", "http://evil.test"),
            Map.of());
    for (Map<String, String> headers : forged) {
      for (String path : actions()) {
        HttpResponse<String> r = post(path, BASIC, headers);
        assertThat(r.statusCode())
            .as("POST %s with %s: %s", path, headers, r.body())
            .isEqualTo(403);
        assertThat(r.body())
            .startsWith("{\"error\":\"forbidden\",\"detail\":\"refused ")
            .contains("Bearer")
            .doesNotContain(TOKEN);
        assertThat(r.headers().firstValue("Content-Type"))
            .hasValueSatisfying(v -> assertThat(v).contains("json"));
      }
    }
    t.deliverDue();
    assertThat(delivery(failed).status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(delivery(inDoubt).status()).isEqualTo(DeliveryStatus.IN_DOUBT);
    assertThat(t.app.store().attempts(delivery(failed).id())).hasSize(1);
    assertThat(t.app.store().attempts(delivery(inDoubt).id())).hasSize(1);
    assertThat(t.rc.received("purchase.json")).as("only the first, failed attempt").hasSize(1);
  }

  @Test
  void a_wrong_token_is_still_401_before_the_origin_is_looked_at() {
    String wrong = "Basic " + Base64.getEncoder().encodeToString("admin:nope".getBytes(UTF_8));
    HttpResponse<String> r = post(actions().get(0), wrong, Map.of("Sec-Fetch-Site", "cross-site"));
    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void bearer_needs_none_of_the_browser_headers() {
    HttpResponse<String> r =
        post("/api/deliveries/" + delivery(failed).id() + "/replay", BEARER, Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    // Even a script that copies a browser's headers: Bearer is never attached by a browser itself.
    r =
        post(
            "/api/deliveries/" + delivery(inDoubt).id() + "/resolve?as=sent",
            BEARER,
            Map.of("Sec-Fetch-Site", "cross-site", "Origin", "http://evil.test"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    t.deliverDue();
    assertThat(delivery(failed).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(delivery(inDoubt).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(t.rc.received("purchase.json")).hasSize(2);
  }

  @Test
  void basic_login_from_the_page_itself_is_allowed() {
    List<Map<String, String>> fromThePage =
        List.of(
            Map.of("Sec-Fetch-Site", "same-origin", "Origin", own(), "X-Candybridge-Request", "1"),
            Map.of("Sec-Fetch-Site", "same-origin"),
            Map.of("Origin", own()),
            Map.of("Origin", own() + "/"),
            Map.of("Origin", "HTTP://127.0.0.1:" + t.port()),
            Map.of("X-Candybridge-Request", "1"));
    for (Map<String, String> headers : fromThePage) {
      HttpResponse<String> r =
          post("/api/deliveries/replay?status=failed&dry_run=true", BASIC, headers);
      assertThat(r.statusCode()).as("with %s: %s", headers, r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"would_replay\":1");
    }
    assertThat(
            post("/api/deliveries/" + delivery(failed).id() + "/replay", BASIC, fromThePage.get(0))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            post(
                    "/api/deliveries/" + delivery(inDoubt).id() + "/resolve?as=sent",
                    BASIC,
                    fromThePage.get(1))
                .statusCode())
        .isEqualTo(200);
    t.deliverDue();
    assertThat(delivery(failed).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(delivery(inDoubt).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(t.rc.received("purchase.json")).hasSize(2);
  }

  @Test
  void behind_a_tls_proxy_the_forwarded_scheme_and_host_make_the_own_origin() {
    String path = "/api/deliveries/replay?status=failed&dry_run=true";
    Map<String, String> proxied =
        new LinkedHashMap<>(
            Map.of(
                "Origin",
                "https://admin.example.com",
                "X-Forwarded-Proto",
                "https",
                "X-Forwarded-Host",
                "admin.example.com"));
    assertThat(post(path, BASIC, proxied).statusCode()).isEqualTo(200);
    proxied.put("Origin", "https://evil.example.com");
    assertThat(post(path, BASIC, proxied).statusCode()).isEqualTo(403);
    assertThat(
            post(
                    path,
                    BASIC,
                    Map.of("Origin", "https://127.0.0.1:" + t.port(), "X-Forwarded-Proto", "https"))
                .statusCode())
        .as("Caddy keeps the Host header and sets X-Forwarded-Proto")
        .isEqualTo(200);
  }

  @Test
  void reads_with_the_basic_login_are_allowed_from_anywhere() {
    HttpResponse<String> r =
        send(
            "GET",
            "/api/deliveries",
            BASIC,
            Map.of("Sec-Fetch-Site", "cross-site", "Origin", "http://evil.test"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(send("GET", "/admin", BASIC, Map.of("Sec-Fetch-Site", "cross-site")).statusCode())
        .isEqualTo(200);
  }

  @Test
  void the_page_its_files_and_every_api_answer_carry_the_browser_headers() {
    Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
    answers.put("page", send("GET", "/admin", BASIC, Map.of()));
    answers.put("script", send("GET", "/admin/admin.js", BASIC, Map.of()));
    answers.put("style", send("GET", "/admin/admin.css", BASIC, Map.of()));
    answers.put("page 401", send("GET", "/admin", null, Map.of()));
    answers.put("missing file 404", send("GET", "/admin/nothing.js", BASIC, Map.of()));
    answers.put("api", send("GET", "/api/deliveries", BEARER, Map.of()));
    answers.put("api 401", send("GET", "/api/deliveries", null, Map.of()));
    answers.put("api 404", send("GET", "/api/deliveries/424242", BEARER, Map.of()));
    answers.put("api no route 404", send("GET", "/api/nothing", BEARER, Map.of()));
    answers.put("api 403", post(actions().get(0), BASIC, Map.of("Sec-Fetch-Site", "cross-site")));
    assertThat(answers.get("script").headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    answers.forEach(
        (what, r) -> {
          var h = r.headers();
          assertThat(h.firstValue("Content-Security-Policy"))
              .as(what)
              .hasValueSatisfying(
                  csp ->
                      assertThat(csp)
                          .contains("default-src 'self'")
                          .contains("frame-ancestors 'none'")
                          .doesNotContain("unsafe"));
          assertThat(h.firstValue("X-Frame-Options")).as(what).hasValue("DENY");
          assertThat(h.firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
          assertThat(h.firstValue("Referrer-Policy")).as(what).hasValue("no-referrer");
          if (what.startsWith("api")) {
            assertThat(h.firstValue("Cache-Control")).as(what).hasValue("no-store");
          }
        });
    assertThat(answers.get("api no route 404").statusCode()).isEqualTo(404);
    assertThat(answers.get("api 401").statusCode()).isEqualTo(401);
  }

  /** Every state-changing route, aimed at the deliveries that are there to change. */
  private List<String> actions() {
    List<String> paths = new ArrayList<>();
    paths.add("/api/deliveries/replay?status=failed,in_doubt");
    paths.add("/api/deliveries/" + delivery(failed).id() + "/replay");
    paths.add("/api/deliveries/" + delivery(inDoubt).id() + "/replay");
    paths.add("/api/deliveries/" + delivery(inDoubt).id() + "/resolve?as=resend");
    paths.add("/api/deliveries/resolve?status=in_doubt&as=resend");
    paths.add("/api/dry-run");
    return paths;
  }

  private String sale(int i) {
    String session = SESSION + "_" + i;
    String body = TEMPLATE.replace(SESSION, session).replace(EVENT, EVENT + "_" + i);
    assertThat(
            StripeWebhooks.postSigned(t.port(), body, t.clock.instant().getEpochSecond())
                .statusCode())
        .isEqualTo(200);
    return session;
  }

  private Delivery delivery(String session) {
    return t.app.store().findDeliveryByKey("purchase:" + session).orElseThrow();
  }

  private HttpResponse<String> post(
      String path, String authorization, Map<String, String> headers) {
    return send("POST", path, authorization, headers);
  }

  private HttpResponse<String> send(
      String method, String path, String authorization, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(own() + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                method.equals("GET")
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString("{}"));
    if (authorization != null) b.header("Authorization", authorization);
    headers.forEach(b::header);
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
