package candybridge.history;

import java.util.List;
import java.util.Optional;

/** One page of a listing, newest first; {@code next} is the cursor of the following page. */
public record Page<T>(List<T> items, Optional<String> next) {
  public Page {
    items = List.copyOf(items);
  }
}
