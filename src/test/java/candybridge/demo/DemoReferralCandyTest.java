package candybridge.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The demo's ReferralCandy checks signatures on its own: pinned with a vector of ReferralCandy's
 * signature scheme.
 */
class DemoReferralCandyTest {
  // A signed purchase.json body with its known-good signature (accessID demo-access-id, secret
  // demo-secret), computed independently of RcSigner.
  private static final String TV4_BODY =
      "accessID=demo-access-id&timestamp=1700000100&first_name=Jane&last_name=Doe"
          + "&email=jane.doe%2Brc%40example.com&order_timestamp=1700000000&browser_ip=203.0.113.7"
          + "&user_agent=Mozilla%2F5.0+%28X11%3B+Linux+x86_64%29+Gecko%2F20100101+Firefox%2F120.0&invoice_amount=49.99"
          + "&currency_code=USD&external_reference_id=cs_test_a1B2c3D4&accepts_marketing=false&locale=en"
          + "&signature=56b297c7e3e8e631aceea9acbb8f5962";

  private final DemoReferralCandy rc = DemoReferralCandy.start("demo-access-id", "demo-secret");
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    rc.close();
  }

  @Test
  void accepts_the_reference_purchase_vector() throws Exception {
    assertThat(post("purchase.json", TV4_BODY).statusCode()).isEqualTo(200);
    assertThat(rc.received())
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.signatureValid()).isTrue();
              assertThat(call.params()).containsEntry("email", "jane.doe+rc@example.com");
            });
  }

  @Test
  void answers_401_when_a_signed_value_changed() throws Exception {
    HttpResponse<String> response = post("purchase.json", TV4_BODY.replace("49.99", "49.990"));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("Invalid Credentials");
    assertThat(rc.received())
        .singleElement()
        .satisfies(call -> assertThat(call.signatureValid()).isFalse());
  }

  @Test
  void accepts_the_reference_verify_vector_in_the_query() throws Exception {
    // TV3: GET verify.json with the parameters in the query string.
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        rc.apiBase()
                            + "/verify.json?accessID=demo-access-id&timestamp=1700000000&signature=10ba9c4c49515e0151cad52e0ef26f8a"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> post(String method, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(rc.apiBase() + "/" + method))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
