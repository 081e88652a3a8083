package candybridge.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fake's own checks, driven by the literal wire bodies of the reference (§2.4) and signatures
 * computed there with python3, so that they stand independently of {@code RcSigner}.
 */
class FakeReferralCandyServerTest {
  private static final String TV4_WITHOUT_SIGNATURE =
      "accessID=demo-access-id&timestamp=1700000100&first_name=Jane&last_name=Doe"
          + "&email=jane.doe%2Brc%40example.com&order_timestamp=1700000000&browser_ip=203.0.113.7"
          + "&user_agent=Mozilla%2F5.0+%28X11%3B+Linux+x86_64%29+Gecko%2F20100101+Firefox%2F120.0"
          + "&invoice_amount=49.99&currency_code=USD&external_reference_id=cs_test_a1B2c3D4"
          + "&accepts_marketing=false&locale=en";
  private static final String TV4 =
      TV4_WITHOUT_SIGNATURE + "&signature=56b297c7e3e8e631aceea9acbb8f5962";

  /** TV4 signed with the secret {@code other-secret}. */
  private static final String TV4_OTHER_SECRET =
      TV4_WITHOUT_SIGNATURE + "&signature=c2fecd7ad264dcf3e5572788d743ed9e";

  private static final String TV3_QUERY =
      "accessID=demo-access-id&timestamp=1700000000&signature=10ba9c4c49515e0151cad52e0ef26f8a";
  private static final String TV6 =
      "customer_email=jane.doe%2Brc%40example.com&returned=true&notify=false&accessID=demo-access-id"
          + "&timestamp=1700000300&signature=d9c96fc89ed1044bd46dbc5b7494a33b";

  private final HttpClient http = HttpClient.newHttpClient();
  private final FakeReferralCandyServer fake =
      FakeReferralCandyServer.start("demo-access-id", "demo-secret");

  @AfterEach
  void stopFake() {
    fake.close();
  }

  @Test
  void accepts_the_tv4_purchase_signed_with_the_right_secret() throws Exception {
    HttpResponse<String> response = post("/api/v1/purchase.json", TV4);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo(
            "{\"message\":\"Success\",\"referralcorner_url\":\"https://fake.referralcandy.test/r/1\"}");
    assertThat(fake.received("purchase.json"))
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.method()).isEqualTo("POST");
              assertThat(call.signatureValid()).isTrue();
              assertThat(call.params())
                  .hasSize(14)
                  .containsEntry("email", "jane.doe+rc@example.com")
                  .containsEntry(
                      "user_agent", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/120.0")
                  .containsEntry("signature", "56b297c7e3e8e631aceea9acbb8f5962");
            });
  }

  @Test
  void rejects_the_tv4_purchase_signed_with_another_secret() throws Exception {
    HttpResponse<String> response = post("/api/v1/purchase.json", TV4_OTHER_SECRET);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEqualTo("{\"message\":\"Invalid Credentials\"}");
    assertThat(fake.received())
        .singleElement()
        .extracting(RecordedCall::signatureValid)
        .isEqualTo(false);
  }

  @Test
  void rejects_a_parameter_changed_after_signing() throws Exception {
    assertThat(post("/api/v1/purchase.json", TV4.replace("49.99", "49.990")).statusCode())
        .isEqualTo(401);
  }

  @Test
  void rejects_a_missing_signature_and_an_unknown_access_id() throws Exception {
    assertThat(post("/api/v1/purchase.json", TV4_WITHOUT_SIGNATURE).statusCode()).isEqualTo(401);
    assertThat(
            post("/api/v1/purchase.json", TV4.replace("demo-access-id", "other-id")).statusCode())
        .isEqualTo(401);
  }

  @Test
  void rejects_an_upper_case_signature() throws Exception {
    String upper = TV4_WITHOUT_SIGNATURE + "&signature=56B297C7E3E8E631ACEEA9ACBB8F5962";

    assertThat(post("/api/v1/purchase.json", upper).statusCode()).isEqualTo(401);
  }

  @Test
  void reads_parameters_from_the_query_string_too() throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(uri("/api/v1/verify.json?" + TV3_QUERY)).GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"message\":\"Verification Ok\"}");
  }

  @Test
  void serves_api_v2_like_v1() throws Exception {
    assertThat(post("/api/v2/purchase.json", TV4).statusCode()).isEqualTo(200);
    assertThat(fake.received("purchase.json"))
        .extracting(RecordedCall::path)
        .containsExactly("/api/v2/purchase.json");
  }

  @Test
  void answers_404_for_an_unknown_method() throws Exception {
    HttpResponse<String> response = post("/api/v1/refund.json", TV4);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).startsWith("{\"message\":");
    assertThat(fake.received()).hasSize(1);
  }

  @Test
  void answers_400_for_a_purchase_without_the_required_fields() throws Exception {
    HttpResponse<String> response = post("/api/v1/purchase.json", TV6);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"message\":\"first_name is required\"}");
  }

  @Test
  void answers_400_for_millisecond_order_timestamp_lower_case_currency_or_comma_amount()
      throws Exception {
    String ms =
        TV4_WITHOUT_SIGNATURE.replace("order_timestamp=1700000000", "order_timestamp=1700000000000")
            + "&signature=652d77d37fc6ceb4226f0902ecc834d0";
    String usd =
        TV4_WITHOUT_SIGNATURE.replace("currency_code=USD", "currency_code=usd")
            + "&signature=c51826b3afb373adac7f188782618eaf";
    String comma =
        TV4_WITHOUT_SIGNATURE.replace("invoice_amount=49.99", "invoice_amount=49%2C99")
            + "&signature=a9eb96b8cedc827018a86e80ca629f6b";

    assertThat(post("/api/v1/purchase.json", ms).body()).contains("order_timestamp");
    assertThat(post("/api/v1/purchase.json", usd).body()).contains("currency_code");
    assertThat(post("/api/v1/purchase.json", comma).body()).contains("invoice_amount");
    assertThat(fake.received()).hasSize(3).allMatch(RecordedCall::signatureValid);
  }

  @Test
  void requires_customer_email_for_referral_and_email_for_signup() throws Exception {
    HttpResponse<String> referral = post("/api/v1/referral.json", TV6);

    assertThat(referral.statusCode()).isEqualTo(200);
    assertThat(referral.body())
        .isEqualTo(
            "{\"message\":\"Success\",\"customer_email\":\"jane.doe+rc@example.com\",\"returned\":\"true\"}");
    assertThat(post("/api/v1/signup.json", TV6).statusCode()).isEqualTo(400);
    assertThat(post("/api/v1/signup.json", TV4).statusCode()).isEqualTo(200);
    assertThat(post("/api/v1/referral.json", TV4).statusCode()).isEqualTo(400);
  }

  @Test
  void records_duplicates() throws Exception {
    post("/api/v1/purchase.json", TV4);
    post("/api/v1/purchase.json", TV4);

    assertThat(fake.received("purchase.json")).hasSize(2).allMatch(RecordedCall::signatureValid);
  }

  @Test
  void answers_scripted_statuses_in_order_then_success() throws Exception {
    fake.respondWith(500, 429)
        .respondWith(503, Duration.ofSeconds(30))
        .respondWithBody(200, "not json");

    HttpResponse<String> first = post("/api/v1/purchase.json", TV4);
    assertThat(first.statusCode()).isEqualTo(500);
    assertThat(first.body()).isEqualTo("{\"message\":\"scripted 500\"}");
    assertThat(post("/api/v1/purchase.json", TV4).statusCode()).isEqualTo(429);
    HttpResponse<String> third = post("/api/v1/purchase.json", TV4);
    assertThat(third.statusCode()).isEqualTo(503);
    assertThat(third.headers().firstValue("Retry-After")).contains("30");
    assertThat(post("/api/v1/purchase.json", TV4).body()).isEqualTo("not json");
    assertThat(post("/api/v1/purchase.json", TV4).statusCode()).isEqualTo(200);
  }

  @Test
  void checks_the_signature_before_taking_a_scripted_answer() throws Exception {
    fake.respondWith(500);

    assertThat(post("/api/v1/purchase.json", TV4_OTHER_SECRET).statusCode()).isEqualTo(401);
    assertThat(post("/api/v1/purchase.json", TV4).statusCode()).isEqualTo(500);
  }

  @Test
  void hangs_the_next_request_until_released() throws Exception {
    fake.hangNext(1).respondWith(500);
    CompletableFuture<HttpResponse<String>> hung = postAsync(TV4);

    assertThat(fake.awaitReceived(1, Duration.ofSeconds(5))).isEqualTo(1);
    assertThat(post("/api/v1/purchase.json", TV4).statusCode()).isEqualTo(500);
    assertThat(hung).isNotDone();

    fake.release();

    assertThat(hung.get().statusCode()).isEqualTo(200);
  }

  @Test
  void hangs_every_request_while_hang_all_is_on() throws Exception {
    fake.hangAll(true);
    CompletableFuture<HttpResponse<String>> first = postAsync(TV4);
    CompletableFuture<HttpResponse<String>> second = postAsync(TV4);

    assertThat(fake.awaitReceived(2, Duration.ofSeconds(5))).isEqualTo(2);
    fake.hangAll(false).release();

    assertThat(first.get().statusCode()).isEqualTo(200);
    assertThat(second.get().statusCode()).isEqualTo(200);
  }

  @Test
  void closes_promptly_with_hung_requests() {
    fake.hangAll(true);
    CompletableFuture<HttpResponse<String>> hung = postAsync(TV4);
    fake.awaitReceived(1, Duration.ofSeconds(5));
    long started = System.nanoTime();

    fake.close();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(hung).failsWithin(Duration.ofSeconds(5));
  }

  @Test
  void delays_every_answer() throws Exception {
    fake.delay(Duration.ofMillis(200));
    long started = System.nanoTime();

    assertThat(post("/api/v1/purchase.json", TV4).statusCode()).isEqualTo(200);

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
  }

  @Test
  void await_received_returns_the_count_when_the_timeout_passes() {
    assertThat(fake.awaitReceived(1, Duration.ofMillis(50))).isZero();
  }

  @Test
  void binds_to_the_loopback_address_and_a_free_port() {
    assertThat(fake.apiBase()).isEqualTo(URI.create("http://127.0.0.1:" + fake.port() + "/api/v1"));
    assertThat(fake.port()).isPositive();
  }

  private HttpResponse<String> post(String path, String form)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).POST(BodyPublishers.ofString(form, UTF_8)));
  }

  private CompletableFuture<HttpResponse<String>> postAsync(String form) {
    return http.sendAsync(
        formRequest(
            HttpRequest.newBuilder(uri("/api/v1/purchase.json"))
                .POST(BodyPublishers.ofString(form, UTF_8))),
        BodyHandlers.ofString());
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(formRequest(request), BodyHandlers.ofString());
  }

  private static HttpRequest formRequest(HttpRequest.Builder request) {
    return request
        .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + fake.port() + pathAndQuery);
  }
}
