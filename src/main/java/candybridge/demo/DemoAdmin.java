package candybridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads what happened through the service's own admin API, the way an operator's browser does: the
 * demo looks at the product from the outside, never at its internals.
 */
final class DemoAdmin {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  DemoAdmin(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /** {@code GET /api/events/{id}}: the event, each workflow's decision, its deliveries. */
  JsonNode event(String id) throws IOException, InterruptedException {
    return get("/api/events/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
  }

  /** {@code GET /api/deliveries}: every delivery of the (small) demo database. */
  JsonNode deliveries() throws IOException, InterruptedException {
    return get("/api/deliveries?limit=100").path("items");
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "admin API " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }
}
