package candybridge.workflow;

import static java.util.Objects.requireNonNull;

import candybridge.stripe.StripeEvent;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * An event as the workflows see it: the event itself, plus what the store knows about its session,
 * asked for only when a workflow reads {@code $session.completed_at}.
 */
public final class EventView {
  private final StripeEvent event;
  private final Supplier<OptionalLong> sessionCompletedAt;
  private OptionalLong completedAt;

  /**
   * @param sessionCompletedAt asked at most once, and only if a workflow needs it
   */
  public EventView(StripeEvent event, Supplier<OptionalLong> sessionCompletedAt) {
    this.event = requireNonNull(event, "event == null");
    this.sessionCompletedAt = requireNonNull(sessionCompletedAt, "sessionCompletedAt == null");
  }

  /** A view with no stored history (dry-run of a single file, tests). */
  public static EventView of(StripeEvent event) {
    return new EventView(event, OptionalLong::empty);
  }

  public StripeEvent event() {
    return event;
  }

  /**
   * When the session completed: for a {@code checkout.session.completed} event its own {@code
   * created} (no store read on the hot path), otherwise what the store knows.
   */
  OptionalLong sessionCompletedAt() {
    if (completedAt == null) {
      completedAt =
          event.type().equals("checkout.session.completed")
              ? OptionalLong.of(event.created())
              : sessionCompletedAt.get();
    }
    return completedAt;
  }
}
