package candybridge.delivery;

/**
 * Told what the worker did, for metrics and alerts (db-scheduler's SchedulerListener). Called on
 * worker threads; implementations must return quickly and never throw.
 */
public interface DeliveryListener {
  /** An attempt was recorded and moved the delivery to {@code status}. */
  void attemptRecorded(Delivery delivery, Attempt attempt, DeliveryStatus status);

  /** A call left in flight by a dead process was marked in doubt. */
  void markedInDoubt(Delivery delivery);

  /** How the worker's {@link CallGate} tells what it does: the breaker and flow control. */
  default CallGate.Listener gate() {
    return CallGate.Listener.none();
  }

  static DeliveryListener none() {
    return new DeliveryListener() {
      @Override
      public void attemptRecorded(Delivery delivery, Attempt attempt, DeliveryStatus status) {}

      @Override
      public void markedInDoubt(Delivery delivery) {}
    };
  }
}
