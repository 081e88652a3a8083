package candybridge.stripe;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Stripe webhook endpoint as the API shows it. {@code secret} is present only in the answer to
 * its creation: Stripe shows the signing secret once.
 */
public record WebhookEndpoint(
    String id,
    String url,
    List<String> enabledEvents,
    boolean enabled,
    Map<String, String> metadata,
    Optional<String> secret) {
  /** The metadata key and value that mark the endpoints this command made or took over. */
  public static final String MARKER_KEY = "candybridge";

  public static final String MARKER_VALUE = "1";

  public WebhookEndpoint {
    requireNonNull(id, "id == null");
    requireNonNull(url, "url == null");
    enabledEvents = List.copyOf(enabledEvents);
    metadata = Map.copyOf(metadata);
    requireNonNull(secret, "secret == null");
  }

  public boolean marked() {
    return MARKER_VALUE.equals(metadata.get(MARKER_KEY));
  }

  /** Whether this endpoint sends every one of these event types ({@code *} sends all). */
  public boolean sends(List<String> types) {
    return enabledEvents.contains("*") || enabledEvents.containsAll(types);
  }
}
