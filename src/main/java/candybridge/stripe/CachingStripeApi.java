package candybridge.stripe;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers the delegate's answers, present and empty alike, per id for {@code ttl}, keeping at
 * most {@code maxEntries} Customers and {@code maxEntries} promotion codes (least recently used
 * dropped first). Failures are not remembered, so the next lookup asks again. The delegate is
 * called outside any lock: two threads missing the same id at once may both ask. Thread-safe.
 */
public final class CachingStripeApi implements StripeApi {
  private final StripeApi delegate;
  private final Clock clock;
  private final Duration ttl;
  private final Lru<StripeCustomer> customers;
  private final Lru<String> promotionCodes;

  public CachingStripeApi(StripeApi delegate, Clock clock, Duration ttl, int maxEntries) {
    this.delegate = requireNonNull(delegate, "delegate == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.ttl = requireNonNull(ttl, "ttl == null");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
    }
    this.customers = new Lru<>(maxEntries);
    this.promotionCodes = new Lru<>(maxEntries);
  }

  @Override
  public Optional<StripeCustomer> customer(String customerId) throws StripeUnavailableException {
    requireNonNull(customerId, "customerId == null");
    Optional<Optional<StripeCustomer>> cached = customers.get(customerId, clock.instant());
    if (cached.isPresent()) {
      return cached.get();
    }
    Optional<StripeCustomer> answer = delegate.customer(customerId);
    customers.put(customerId, answer, clock.instant().plus(ttl));
    return answer;
  }

  @Override
  public Optional<String> promotionCodeText(String promotionCodeId)
      throws StripeUnavailableException {
    requireNonNull(promotionCodeId, "promotionCodeId == null");
    Optional<Optional<String>> cached = promotionCodes.get(promotionCodeId, clock.instant());
    if (cached.isPresent()) {
      return cached.get();
    }
    Optional<String> answer = delegate.promotionCodeText(promotionCodeId);
    promotionCodes.put(promotionCodeId, answer, clock.instant().plus(ttl));
    return answer;
  }

  /** An access-ordered map bounded to {@code maxEntries}, whose entries expire. */
  private static final class Lru<V> {
    private record Cached<V>(Optional<V> answer, Instant expiresAt) {}

    private final Map<String, Cached<V>> map;

    Lru(int maxEntries) {
      this.map =
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached<V>> eldest) {
              return size() > maxEntries;
            }
          };
    }

    /**
     * The remembered answer, or empty when there is none or it expired at or before {@code now}.
     */
    synchronized Optional<Optional<V>> get(String id, Instant now) {
      Cached<V> entry = map.get(id);
      if (entry == null) {
        return Optional.empty();
      }
      if (!now.isBefore(entry.expiresAt())) {
        map.remove(id);
        return Optional.empty();
      }
      return Optional.of(entry.answer());
    }

    synchronized void put(String id, Optional<V> answer, Instant expiresAt) {
      map.put(id, new Cached<>(answer, expiresAt));
    }
  }
}
