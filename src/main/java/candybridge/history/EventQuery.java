package candybridge.history;

import java.time.Instant;
import java.util.Optional;

/**
 * Which events to list: by type, received in [{@code from}, {@code to}), search by event or object
 * id.
 */
public record EventQuery(
    Optional<String> type, Optional<Instant> from, Optional<Instant> to, Optional<String> search) {
  public static EventQuery all() {
    return new EventQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }
}
