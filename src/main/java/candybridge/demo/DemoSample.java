package candybridge.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * One sample Stripe event of the demo: a short label and the event JSON (from {@code
 * src/main/resources/demo/}, copies of the synthetic fixtures plus a derived free-trial session).
 */
record DemoSample(String label, String payload) {

  /** The demo's events in sending order; the fourth repeats the first, as a Stripe redelivery. */
  static List<DemoSample> all() {
    DemoSample paid = load("paid card session", "paid-card.json");
    return List.of(
        paid,
        load("konbini, unpaid at completion", "konbini-unpaid.json"),
        load("konbini paid days later", "konbini-succeeded.json"),
        new DemoSample("paid card, redelivered", paid.payload()),
        load("free trial, nothing to pay", "free-trial.json"));
  }

  private static DemoSample load(String label, String file) {
    try (InputStream in = DemoSample.class.getResourceAsStream("/demo/" + file)) {
      if (in == null) {
        throw new IllegalStateException("demo sample missing from the build: demo/" + file);
      }
      return new DemoSample(label, new String(in.readAllBytes(), UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
