package candybridge.delivery;

import java.util.Locale;

/**
 * Where a delivery stands. {@code IN_FLIGHT} means claimed by a worker whose call may be on the
 * wire; if that worker dies the delivery becomes {@code IN_DOUBT}, never silently resent, because
 * ReferralCandy does not deduplicate purchases.
 */
public enum DeliveryStatus {
  PENDING,
  IN_FLIGHT,
  DELIVERED,
  FAILED,
  IN_DOUBT;

  /** The one place that says which transitions exist. */
  public boolean canBecome(DeliveryStatus next) {
    return switch (this) {
      case PENDING -> next == IN_FLIGHT || next == FAILED;
      case IN_FLIGHT -> next == DELIVERED || next == FAILED || next == PENDING || next == IN_DOUBT;
      // Terminal for the worker; an operator's replay moves them back to PENDING, and an
      // operator may resolve an in-doubt call as sent.
      case DELIVERED, FAILED -> next == PENDING;
      case IN_DOUBT -> next == PENDING || next == DELIVERED;
    };
  }

  /** The spelling used in the database and the API: {@code in_doubt}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Statuses an operator may replay: the worker is done with them. */
  public boolean isReplayable() {
    return this == DELIVERED || this == FAILED || this == IN_DOUBT;
  }

  public static DeliveryStatus fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
