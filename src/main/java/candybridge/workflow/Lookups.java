package candybridge.workflow;

import java.util.Locale;
import java.util.Optional;

/**
 * Values a workflow reads from Stripe's API rather than from the event (a Customer's e-mail or
 * name, a promotion code's text). Lookups never run inside the webhook: at ingest a workflow that
 * needs one is planned as deferred, and the delivery worker completes it before sending.
 */
public interface Lookups {

  /** What can be looked up, as written in workflow files ({@code lookup: customer.email}). */
  enum Kind {
    CUSTOMER_EMAIL("customer.email"),
    CUSTOMER_NAME("customer.name"),
    PROMOTION_CODE("promotion_code.code");

    private final String key;

    Kind(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    static Optional<Kind> fromKey(String key) {
      for (Kind k : values()) {
        if (k.key.equals(key.toLowerCase(Locale.ROOT))) return Optional.of(k);
      }
      return Optional.empty();
    }
  }

  /**
   * Stripe could not answer now; the caller waits and retries, it never sends without the value.
   */
  final class UnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The value, or empty when Stripe has none (no such object, or the field is empty). */
  Optional<String> find(Kind kind, String id) throws UnavailableException;

  /** False when no Stripe API key is configured: lookup sources are skipped. */
  boolean available();

  /** True at ingest: reaching a lookup defers the whole mapping to the delivery worker. */
  boolean deferred();

  /** At ingest: defer when an API key is configured, else skip lookups. */
  static Lookups atIngest(boolean apiKeyConfigured) {
    return new Lookups() {
      @Override
      public Optional<String> find(Kind kind, String id) {
        throw new IllegalStateException("lookups are deferred at ingest, never run");
      }

      @Override
      public boolean available() {
        return apiKeyConfigured;
      }

      @Override
      public boolean deferred() {
        return true;
      }
    };
  }
}
