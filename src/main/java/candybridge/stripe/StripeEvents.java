package candybridge.stripe;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Seam to Stripe's Events API ({@code GET /v1/events}), read one page at a time so that the caller
 * can report progress and say which page failed. Events come newest first, as Stripe lists them.
 * They carry no webhook signature: they are authentic because Stripe's API answered our key.
 */
public interface StripeEvents {
  /** Stripe lists at most this many types in one query. */
  int MAX_TYPES = 20;

  /**
   * One page of events created in {@code [since, until)} of the given types, after the event {@code
   * startingAfter} (empty: the first, newest page).
   *
   * @throws StripeUnavailableException when Stripe did not answer with a page (network, timeout,
   *     429, 5xx, rejected key or query); the message never holds the key
   */
  Page page(Query query, Optional<String> startingAfter) throws StripeUnavailableException;

  /** The window and types to list; the window is half-open. */
  record Query(Instant since, Instant until, List<String> types) {
    public Query {
      requireNonNull(since, "since == null");
      requireNonNull(until, "until == null");
      types = List.copyOf(types);
      if (!until.isAfter(since)) {
        throw new IllegalArgumentException("until must be after since: " + since + " .. " + until);
      }
      if (types.isEmpty() || types.size() > MAX_TYPES) {
        throw new IllegalArgumentException(
            "Stripe's Events API takes 1 to " + MAX_TYPES + " types, not " + types.size());
      }
    }
  }

  /**
   * A page: the events read, newest first; {@code unreadable} names items that are not events we
   * can parse (by id when they have one); {@code lastId} is the cursor for the next page.
   */
  record Page(
      List<StripeEvent> events, List<String> unreadable, boolean hasMore, Optional<String> lastId) {
    public Page {
      events = List.copyOf(events);
      unreadable = List.copyOf(unreadable);
      requireNonNull(lastId, "lastId == null");
      if (hasMore && lastId.isEmpty()) {
        throw new IllegalArgumentException("a page with more after it needs a last id");
      }
    }
  }
}
