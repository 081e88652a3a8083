package candybridge.testing;

import java.util.HashMap;
import java.util.Map;

/**
 * The misbehaviour a test scripts for the fake Stripe API's coming requests, tried in this order:
 * an HTML page (as a proxy in front of Stripe might send), a hang, down (503), the next scripted
 * failures, then a failure scripted for one events list request. Not thread-safe: the server calls
 * it holding the lock under which it records the request, so that "the n-th request" is exact.
 */
final class FakeStripeScript {
  private final Map<Integer, Integer> eventListFailures = new HashMap<>();
  private String htmlNext;
  private int htmlStatus;
  private int failStatus;
  private int failRemaining;
  private int hangRemaining;
  private boolean down;

  /** The next request answers {@code status} with this HTML page. */
  void htmlNext(int status, String html) {
    htmlStatus = status;
    htmlNext = html;
  }

  /** The next {@code times} requests answer {@code status} with a Stripe error body. */
  void failNext(int status, int times) {
    failStatus = status;
    failRemaining = times;
  }

  /** While down, every request answers 503 with a Stripe {@code api_error} body. */
  void down(boolean on) {
    down = on;
  }

  /** The next {@code n} more requests are left unanswered until close. */
  void hangNext(int n) {
    hangRemaining += n;
  }

  /** The events list request with this number (the first is 1) answers {@code status}, once. */
  void failEventList(int number, int status) {
    eventListFailures.put(number, status);
  }

  /** A hang or a scripted failure for the request just recorded, or null. */
  FakeStripeAnswer next() {
    if (htmlNext != null) {
      FakeStripeAnswer html =
          new FakeStripeAnswer(htmlStatus, htmlNext, "text/html; charset=utf-8");
      htmlNext = null;
      return html;
    }
    if (hangRemaining > 0) {
      hangRemaining--;
      return FakeStripeAnswer.HANG;
    }
    if (down) {
      return FakeStripeAnswer.error(
          503, "api_error", null, "The server is temporarily unavailable (fake down).");
    }
    if (failRemaining > 0) {
      failRemaining--;
      return failStatus == 429
          ? FakeStripeAnswer.error(
              429, "invalid_request_error", "rate_limit", "Too many requests (scripted).")
          : FakeStripeAnswer.error(
              failStatus,
              failStatus >= 500 ? "api_error" : "invalid_request_error",
              null,
              "Scripted failure " + failStatus + ".");
    }
    return null;
  }

  /** The failure scripted for the events list request with this number, or null. */
  FakeStripeAnswer eventListFailure(int number) {
    Integer status = eventListFailures.remove(number);
    return status == null
        ? null
        : FakeStripeAnswer.error(
            status,
            status >= 500 ? "api_error" : "invalid_request_error",
            null,
            "Scripted events list failure " + status + ".");
  }
}
