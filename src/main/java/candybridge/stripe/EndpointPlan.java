package candybridge.stripe;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * What {@code connect-stripe} does about the webhook endpoint for one URL, decided from the
 * endpoints Stripe lists: create it, update the one there (never delete and recreate: that would
 * lose its signing secret and the events Stripe still has to deliver), or nothing. The endpoint is
 * the one for the URL marked {@code metadata[candybridge]=1}, else the only one for the URL (made
 * in the Dashboard: it is taken over and marked); several are ambiguous. Pure.
 */
public record EndpointPlan(
    Action action, Optional<WebhookEndpoint> endpoint, List<String> events, List<String> changes) {
  public enum Action {
    CREATE,
    UPDATE,
    UP_TO_DATE,
    /** Several endpoints for the URL and none, or several, marked: nothing is done. */
    AMBIGUOUS
  }

  public EndpointPlan {
    requireNonNull(action, "action == null");
    requireNonNull(endpoint, "endpoint == null");
    events = List.copyOf(events);
    changes = List.copyOf(changes);
  }

  /**
   * @param events exactly the event types the endpoint must send
   */
  public static EndpointPlan of(List<WebhookEndpoint> existing, String url, List<String> events) {
    List<WebhookEndpoint> forUrl = existing.stream().filter(e -> e.url().equals(url)).toList();
    List<WebhookEndpoint> marked = forUrl.stream().filter(WebhookEndpoint::marked).toList();
    if (forUrl.isEmpty()) {
      return new EndpointPlan(
          Action.CREATE,
          Optional.empty(),
          events,
          List.of("create an endpoint for " + url + " sending " + String.join(", ", events)));
    }
    if (marked.size() > 1 || (marked.isEmpty() && forUrl.size() > 1)) {
      return new EndpointPlan(
          Action.AMBIGUOUS,
          Optional.empty(),
          events,
          List.of(
              forUrl.size()
                  + " endpoints for "
                  + url
                  + " ("
                  + String.join(", ", forUrl.stream().map(WebhookEndpoint::id).toList())
                  + "): each delivers every event once more; delete all but one in the Dashboard"
                  + " (Developers > Webhooks) and run again"));
    }
    WebhookEndpoint endpoint = marked.isEmpty() ? forUrl.get(0) : marked.get(0);
    List<String> changes = new ArrayList<>();
    if (!endpoint.enabled()) {
      changes.add("enable it (it is disabled)");
    }
    if (!new HashSet<>(endpoint.enabledEvents()).equals(new HashSet<>(events))) {
      changes.add(
          "set its events from "
              + String.join(", ", endpoint.enabledEvents())
              + " to "
              + String.join(", ", events));
    }
    if (!endpoint.marked()) {
      changes.add(
          "mark it metadata["
              + WebhookEndpoint.MARKER_KEY
              + "]="
              + WebhookEndpoint.MARKER_VALUE
              + " (it was made by hand)");
    }
    return new EndpointPlan(
        changes.isEmpty() ? Action.UP_TO_DATE : Action.UPDATE,
        Optional.of(endpoint),
        events,
        changes);
  }
}
