package candybridge.delivery;

/** The meaning of one attempt's outcome (DESIGN.md §6). */
public enum Verdict {
  /** 2xx with message Success. */
  DELIVERED,
  /** 429, 5xx, timeout or connection failure: try again later. */
  RETRY,
  /** Any other 4xx, or 2xx without Success: retrying cannot help, a human must look. */
  FAIL,
  /** The process died mid-call: the call may or may not have reached ReferralCandy. */
  IN_DOUBT
}
