package candybridge.delivery;

import candybridge.referralcandy.RcCall;
import candybridge.stripe.StripeEvent;
import candybridge.workflow.Plan;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Durable state: Stripe events, the deliveries planned from them, and every attempt. All methods
 * are thread-safe and throw {@link StoreException} when the database fails.
 */
public interface Store extends AutoCloseable {

  /**
   * Stores the event and its planned deliveries in one transaction, durable on return. Idempotent
   * on the Stripe event id ({@link SaveResult#duplicate()}, nothing changed) and on each delivery's
   * dedupe key: a key already planned by another event (earlier, or concurrent and committed first)
   * is not planned again, the result names the delivery that holds it ({@link
   * SaveResult#alreadyPlanned()}), and the event's stored decisions and summary are those of {@link
   * Plan#alreadyPlanned} ("already planned as delivery #N"), written in the same transaction.
   */
  SaveResult saveEvent(StripeEvent event, Plan plan, Instant now);

  /** {@code created} of the first stored {@code checkout.session.completed} for this session. */
  OptionalLong sessionCompletedAt(String sessionId);

  /** The exact body of a stored event, while retention keeps it. */
  Optional<String> eventPayload(String eventId);

  /**
   * Replaces the parameters of a claimed delivery with those completed from Stripe's API, so that
   * retries and history use what is sent. Returns false when the claim was lost.
   */
  boolean completeLookup(Delivery claimed, RcCall call);

  /**
   * Atomically moves up to {@code limit} pending deliveries due at {@code now} to {@code
   * IN_FLIGHT}, owned by {@code claimant} until {@code leaseUntil}. Never hands one delivery to two
   * callers.
   */
  List<Delivery> claimDue(Instant now, int limit, String claimant, Instant leaseUntil);

  /**
   * Appends the attempt and moves the claimed delivery to {@code status}. Returns false, and
   * changes nothing, when the claim was lost (the delivery is no longer in flight under this
   * claim).
   */
  boolean recordAttempt(
      Delivery claimed, Attempt attempt, DeliveryStatus status, Optional<Instant> nextAttemptAt);

  /**
   * Marks in-flight deliveries whose call may have reached ReferralCandy but whose outcome was
   * never recorded as {@code IN_DOUBT}, with a {@code RECOVERY} attempt row. With {@code
   * everyClaim} (a single-instance store at start-up) every in-flight delivery counts; otherwise
   * only those whose lease ended before {@code now}. Returns the deliveries marked.
   */
  List<Delivery> markAbandonedInDoubt(Instant now, boolean everyClaim);

  Optional<Delivery> findDelivery(DeliveryId id);

  Optional<Delivery> findDeliveryByKey(String dedupeKey);

  /** All deliveries planned from one event, oldest first. */
  List<Delivery> deliveriesOfEvent(String eventId);

  /** The attempts of one delivery, in order. */
  List<Attempt> attempts(DeliveryId id);

  /** The stored summary of what the workflows decided for an event, if the event is stored. */
  Optional<String> eventSummary(String eventId);

  /**
   * An operator's replay: a delivered, failed or in-doubt delivery becomes due now, its next
   * attempt {@code MANUAL}. Empty when there is no such delivery or it is pending or in flight.
   */
  Optional<Delivery> replay(DeliveryId id, Instant now);

  /** Replays every replayable delivery the query matches; returns how many. */
  int replayMatching(DeliveryQuery query, Instant now);

  /**
   * An operator's word that an in-doubt call did reach ReferralCandy: the delivery becomes
   * delivered with a {@code RESOLUTION} attempt row. Empty unless it is in doubt.
   */
  Optional<Delivery> resolveAsSent(DeliveryId id, Instant now);

  /**
   * Resolves every in-doubt delivery the query matches, each in its own transaction: {@code SENT}
   * exactly as {@link #resolveAsSent}, {@code RESEND} exactly as {@link #replay} of an in-doubt
   * one. Each change is guarded by the delivery still being in doubt at that moment, so one that
   * was settled meanwhile (another operator, another instance) is skipped and never resent twice.
   * Returns how many were resolved.
   *
   * @throws IllegalArgumentException when the query asks for a status other than in-doubt (an empty
   *     status set means in-doubt)
   */
  int resolveMatching(DeliveryQuery query, Replay.Resolution how, Instant now);

  /**
   * Retention: forgets payloads, parameters and attempts of what finished before {@code cutoff},
   * keeping every event id and dedupe key so late redeliveries still count as duplicates. Work
   * still pending, in flight or in doubt keeps everything.
   */
  PurgeResult purge(Instant cutoff);

  /** Counts for metrics and alerts: deliveries per status, due now, age of the oldest due. */
  QueueStats queueStats(Instant now);

  /** How many deliveries the query matches now: the count a bulk action shows before it acts. */
  int count(DeliveryQuery query);

  /** True when the database answers a trivial query now. */
  boolean isReady();

  @Override
  void close();
}
