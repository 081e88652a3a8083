package candybridge.delivery;

import candybridge.text.UntrustedText;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator may do to deliveries, for the admin API and the CLI alike. A replay is one
 * manual attempt: if it fails it is not retried automatically (the operator decides again).
 */
public final class Replay {
  private static final Logger log = LoggerFactory.getLogger(Replay.class);

  /** The outcome of an operator's request on one delivery. */
  public enum Outcome {
    DONE,
    NOT_FOUND,
    /** The delivery is not in a state that allows it (e.g. replaying a pending one). */
    CONFLICT
  }

  /** How to resolve an in-doubt delivery. */
  public enum Resolution {
    /** It did reach ReferralCandy: mark it delivered, send nothing. */
    SENT,
    /** It did not: send it again. */
    RESEND;

    /** {@code sent} or {@code resend}, as operators write it; empty otherwise. */
    public static Optional<Resolution> parse(String word) {
      return "sent".equals(word)
          ? Optional.of(SENT)
          : "resend".equals(word) ? Optional.of(RESEND) : Optional.empty();
    }
  }

  public record Result(Outcome outcome, Optional<Delivery> delivery) {}

  private static final Set<DeliveryStatus> REPLAYABLE =
      EnumSet.of(DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.IN_DOUBT);

  private final Store store;
  private final Clock clock;
  private final Runnable wakeWorker;

  public Replay(Store store, Clock clock, Runnable wakeWorker) {
    this.store = store;
    this.clock = clock;
    this.wakeWorker = wakeWorker;
  }

  public Result replay(DeliveryId id) {
    Optional<Delivery> before = store.findDelivery(id);
    if (before.isEmpty()) {
      return new Result(Outcome.NOT_FOUND, Optional.empty());
    }
    Optional<Delivery> after = store.replay(id, clock.instant());
    if (after.isEmpty()) {
      return new Result(Outcome.CONFLICT, before);
    }
    log.info(
        "operator replay: delivery={} key={} was {}",
        id,
        UntrustedText.forLog(after.get().dedupeKey()),
        before.get().status().wireName());
    wakeWorker.run();
    return new Result(Outcome.DONE, after);
  }

  /** Replays every replayable delivery matching the query; returns how many. */
  public int replayMatching(DeliveryQuery query) {
    int n = store.replayMatching(query, clock.instant());
    log.info("operator bulk replay: {} deliveries", n);
    if (n > 0) {
      wakeWorker.run();
    }
    return n;
  }

  /** How many deliveries {@link #replayMatching} would replay now (it may differ by then). */
  public int wouldReplay(DeliveryQuery query) {
    return store.count(query.statuses().isEmpty() ? query.withStatuses(REPLAYABLE) : query);
  }

  /**
   * Resolves every in-doubt delivery matching the query (its statuses are ignored: only in-doubt
   * deliveries are resolved), each exactly as {@link #resolve} would; returns how many. One that
   * stopped being in doubt since it was counted is skipped.
   */
  public int resolveMatching(DeliveryQuery query, Resolution how) {
    int n = store.resolveMatching(inDoubt(query), how, clock.instant());
    log.info(
        "operator bulk resolve: {} in-doubt deliveries as {}",
        n,
        how == Resolution.SENT ? "sent" : "resend");
    if (n > 0 && how == Resolution.RESEND) {
      wakeWorker.run();
    }
    return n;
  }

  /** How many in-doubt deliveries {@link #resolveMatching} would resolve now. */
  public int wouldResolve(DeliveryQuery query) {
    return store.count(inDoubt(query));
  }

  private static DeliveryQuery inDoubt(DeliveryQuery query) {
    return query.withStatuses(Set.of(DeliveryStatus.IN_DOUBT));
  }

  public Result resolve(DeliveryId id, Resolution how) {
    Optional<Delivery> before = store.findDelivery(id);
    if (before.isEmpty()) {
      return new Result(Outcome.NOT_FOUND, Optional.empty());
    }
    if (before.get().status() != DeliveryStatus.IN_DOUBT) {
      return new Result(Outcome.CONFLICT, before);
    }
    if (how == Resolution.RESEND) {
      return replay(id);
    }
    Optional<Delivery> after = store.resolveAsSent(id, clock.instant());
    after.ifPresent(
        d ->
            log.info(
                "operator resolved in-doubt delivery={} key={} as sent",
                id,
                UntrustedText.forLog(d.dedupeKey())));
    return new Result(after.isPresent() ? Outcome.DONE : Outcome.CONFLICT, after.or(() -> before));
  }
}
