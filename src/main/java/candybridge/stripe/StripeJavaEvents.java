package candybridge.stripe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import candybridge.config.Secret;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Event;
import com.stripe.model.StripeCollection;
import com.stripe.param.EventListParams;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link StripeEvents} over stripe-java's {@link StripeClient}: one {@code GET /v1/events} per
 * page, {@code created[gte]}/{@code created[lt]}, {@code types[]}, {@code limit}, {@code
 * starting_after}. Each item of the page's raw response body goes through {@link StripeEventParser}
 * as Stripe rendered it, so a backfilled event is stored just like a webhook one; stripe-java's
 * typed {@code Event} (version-sensitive) is not used. One HTTP request per page, stripe-java's own
 * retries off. Logs nothing. Thread-safe.
 */
public final class StripeJavaEvents implements StripeEvents {
  static final int MAX_PAGE_SIZE = 100;

  private final StripeClient client;
  private final int pageSize;
  private final StripeEventParser parser = new StripeEventParser();
  private final ObjectMapper json = new ObjectMapper();

  /**
   * @param apiBase {@code https://api.stripe.com} in production, a local fake in tests
   * @param timeout both the connect and the read timeout of every page request
   */
  public StripeJavaEvents(Secret apiKey, URI apiBase, Duration timeout) {
    this(apiKey, apiBase, timeout, MAX_PAGE_SIZE);
  }

  public StripeJavaEvents(Secret apiKey, URI apiBase, Duration timeout, int pageSize) {
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "page size must be 1 to " + MAX_PAGE_SIZE + ": " + pageSize);
    }
    this.client = StripeClients.create(apiKey, apiBase, timeout);
    this.pageSize = pageSize;
  }

  @Override
  public Page page(Query query, Optional<String> startingAfter) throws StripeUnavailableException {
    requireNonNull(query, "query == null");
    requireNonNull(startingAfter, "startingAfter == null");
    StripeCollection<Event> collection;
    try {
      collection = client.v1().events().list(params(query, startingAfter));
    } catch (StripeException e) {
      throw unavailable(e);
    } catch (RuntimeException e) { // e.g. a body that is not Stripe JSON, from a proxy
      throw unavailable(e);
    }
    return read(collection);
  }

  private EventListParams params(Query query, Optional<String> startingAfter) {
    EventListParams.Builder params =
        EventListParams.builder()
            .setCreated(
                EventListParams.Created.builder()
                    .setGte(query.since().getEpochSecond())
                    .setLt(secondsRoundedUp(query.until()))
                    .build())
            .addAllType(query.types())
            .setLimit((long) pageSize);
    startingAfter.map(id -> StripeIds.require(id, "event")).ifPresent(params::setStartingAfter);
    return params.build();
  }

  /**
   * The page as Stripe sent it: the response body stripe-java keeps on the collection (it does in
   * 33.3.0, for every request; a version that stops doing so fails here, loudly, in the tests).
   */
  private Page read(StripeCollection<Event> collection) throws StripeUnavailableException {
    if (collection.getLastResponse() == null) {
      throw new IllegalStateException(
          "stripe-java kept no response body for the events list; backfill reads it");
    }
    List<JsonNode> items = new ArrayList<>();
    boolean hasMore;
    try {
      JsonNode body = json.readTree(collection.getLastResponse().body());
      body.path("data").forEach(items::add);
      hasMore = body.path("has_more").asBoolean(false);
    } catch (JsonProcessingException e) {
      throw new StripeUnavailableException("Stripe's events list could not be read as JSON", e);
    }
    List<StripeEvent> events = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    Optional<String> lastId = Optional.empty();
    for (JsonNode item : items) {
      String id = item.path("id").asText("");
      lastId = id.isEmpty() ? lastId : Optional.of(id);
      try {
        events.add(parser.parse(item.toString().getBytes(UTF_8)));
      } catch (InvalidEventException e) {
        unreadable.add((id.isEmpty() ? "(no id)" : id) + ": " + e.getMessage());
      }
    }
    if (hasMore && lastId.isEmpty()) {
      throw new StripeUnavailableException(
          "Stripe's events list says it has more but its page has no event id to continue from",
          null);
    }
    return new Page(events, unreadable, hasMore, lastId);
  }

  private static long secondsRoundedUp(Instant instant) {
    return instant.getNano() == 0 ? instant.getEpochSecond() : instant.getEpochSecond() + 1;
  }

  private static StripeUnavailableException unavailable(Exception e) {
    return new StripeUnavailableException(
        "Stripe did not answer the events list: " + StripeJavaApi.reason(e), e);
  }
}
