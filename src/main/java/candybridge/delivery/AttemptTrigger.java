package candybridge.delivery;

/** Why an attempt row exists. */
public enum AttemptTrigger {
  /** The worker sent it on schedule. */
  SCHEDULED,
  /** An operator asked for it (replay). */
  MANUAL,
  /** Written at recovery for a call left mid-flight by a dead process. */
  RECOVERY,
  /** An operator resolved an in-doubt delivery as sent (nothing was sent by us). */
  RESOLUTION
}
