package candybridge.delivery;

/** The store's id of one planned ReferralCandy call. */
public record DeliveryId(long value) {
  @Override
  public String toString() {
    return Long.toString(value);
  }
}
