package candybridge.demo;

import candybridge.demo.DemoOutcome.Kind;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns what the service said (webhook answers, then each stored event with its decisions and
 * deliveries from the admin API) into the demo's outcome rows. Pure: no I/O.
 */
final class DemoOutcomes {
  private DemoOutcomes() {}

  /**
   * @param events per sample: the admin API's view of the stored event, or the sample itself when
   *     the webhook did not store it
   */
  static List<DemoOutcome> of(
      List<DemoSample> samples,
      List<JsonNode> answers,
      List<JsonNode> events,
      List<DemoReferralCandy.Received> received) {
    List<DemoOutcome> rows = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      JsonNode answer = answers.get(i);
      JsonNode event = events.get(i);
      String status = answer.path("status").asText();
      String sessionId = objectId(event);
      Kind kind;
      String detail = answer.path("detail").asText();
      List<DemoReferralCandy.Received> calls = List.of();
      if (status.equals("duplicate")) {
        kind = Kind.DUPLICATE;
        detail = detail + "; nothing sent again";
      } else if (!status.equals("stored")) {
        kind = status.equals("ignored") ? Kind.SKIPPED : Kind.REJECTED;
      } else if (event.path("deliveries").size() > 0) {
        JsonNode delivery = event.path("deliveries").get(0);
        String deliveryStatus = delivery.path("status").asText();
        calls = callsFor(sessionId, received);
        kind =
            switch (deliveryStatus) {
              case "delivered" -> Kind.SENT;
              case "failed", "in_doubt" -> Kind.FAILED;
              default -> Kind.PENDING;
            };
        detail =
            delivery.path("method").asText()
                + " "
                + deliveryStatus
                + (delivery.path("last_error").isTextual()
                    ? " (" + delivery.path("last_error").asText() + ")"
                    : "")
                + ", parameters below";
      } else {
        int later = laterDeliveryOfSameSession(i, sessionId, answers, events);
        kind = later > 0 ? Kind.WAITING : Kind.SKIPPED;
        detail = later > 0 ? detail + "; the purchase came with #" + later : detail;
      }
      rows.add(
          new DemoOutcome(
              i + 1,
              samples.get(i).label(),
              event.path("type").asText(),
              answer.path("event").asText(event.path("id").asText()),
              status,
              kind,
              detail,
              calls));
    }
    return rows;
  }

  /** The 1-based number of a later stored sample that planned a delivery for this session, or 0. */
  private static int laterDeliveryOfSameSession(
      int index, String sessionId, List<JsonNode> answers, List<JsonNode> events) {
    for (int j = index + 1; j < events.size(); j++) {
      if (answers.get(j).path("status").asText().equals("stored")
          && objectId(events.get(j)).equals(sessionId)
          && events.get(j).path("deliveries").size() > 0) {
        return j + 1;
      }
    }
    return 0;
  }

  private static List<DemoReferralCandy.Received> callsFor(
      String sessionId, List<DemoReferralCandy.Received> received) {
    return received.stream()
        .filter(c -> sessionId.equals(c.params().get("external_reference_id")))
        .toList();
  }

  /** The session id: {@code object_id} in the admin API, {@code data.object.id} in a raw event. */
  private static String objectId(JsonNode event) {
    return event.has("object_id")
        ? event.path("object_id").asText()
        : event.path("data").path("object").path("id").asText();
  }
}
