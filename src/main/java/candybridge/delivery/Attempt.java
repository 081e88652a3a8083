package candybridge.delivery;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/** One append-only row of a delivery's history: what was tried, when, and what came back. */
public record Attempt(
    DeliveryId deliveryId,
    int number,
    AttemptTrigger trigger,
    Instant startedAt,
    Duration duration,
    OptionalInt httpStatus,
    Optional<String> responseExcerpt,
    Optional<String> error,
    Verdict verdict) {
  public Attempt {
    requireNonNull(deliveryId, "deliveryId == null");
    if (number < 1) throw new IllegalArgumentException("attempt number < 1");
    requireNonNull(trigger, "trigger == null");
    requireNonNull(startedAt, "startedAt == null");
    requireNonNull(duration, "duration == null");
    requireNonNull(httpStatus, "httpStatus == null");
    requireNonNull(responseExcerpt, "responseExcerpt == null");
    requireNonNull(error, "error == null");
    requireNonNull(verdict, "verdict == null");
  }
}
