package candybridge.ingest;

import static java.util.Objects.requireNonNull;

import candybridge.config.ReconcileSettings;
import candybridge.delivery.StoreException;
import candybridge.stripe.StripeEvent;
import candybridge.stripe.StripeEvents;
import candybridge.stripe.StripeUnavailableException;
import candybridge.text.UntrustedText;
import candybridge.workflow.Workflow;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backfill from Stripe's Events API, the use case behind {@code candybridge backfill} and the
 * periodic reconciliation of {@code serve}: page through the events of a window and feed each one
 * to {@link StripeIngest}, the same idempotent entry as the webhook. Running it twice, or while
 * webhooks arrive, changes nothing twice: an event already stored is a duplicate, and a sale
 * already planned by another event is not planned again.
 *
 * <p>Stripe lists newest first; the run reads every page of the window first, then takes the events
 * in oldest first (ascending {@code created}, ties in Stripe's order reversed), so that a sale
 * whose completion and later events fall on different pages is mapped as if they had come by
 * webhook: its {@code order_timestamp} is the completion's {@code created} (docs/design.md §3). The
 * pages are kept in a temporary file meanwhile ({@link EventSpool}: about 60 bytes of heap an
 * event).
 *
 * <p>A page that fails stops the run before anything is taken in (the next page's cursor is
 * unknown, and taking in part of the window would bring back the order problem): the result says
 * which page, and running again completes it. A store failure while taking in stops the run too,
 * with the counts so far; what was stored is safe, a rerun counts it as duplicate.
 */
public final class Backfill {
  private static final Logger log = LoggerFactory.getLogger(Backfill.class);

  /** Stripe lists events of the last 30 days only. */
  public static final Duration STRIPE_RETENTION = ReconcileSettings.STRIPE_RETENTION;

  /**
   * A window asked as "30 days back" is checked a moment after it was computed; this much slack
   * keeps it valid. Stripe simply has nothing older to list.
   */
  static final Duration RETENTION_SLACK = Duration.ofMinutes(5);

  /** Progress is told after every page read and after every this many events taken in. */
  static final int PROGRESS_EVERY = 100;

  /** The share of the progress fraction given to reading the pages; taking them in is the rest. */
  static final double READ_SHARE = 0.5;

  private static final String SPOOL_FAILED =
      "the events read could not be kept in a temporary file: ";

  /**
   * Told after every page read (the pages so far, how far back through the window: the first half
   * of the fraction), then after every {@value #PROGRESS_EVERY} events taken in (the counts so far,
   * the second half), and at the end with 1.
   */
  @FunctionalInterface
  public interface Progress {
    void update(Result soFar, double fraction);

    static Progress none() {
      return (soFar, fraction) -> {};
    }
  }

  /** The page that could not be read or stored, and why (no key, no customer data). */
  public record Failure(int page, String reason) {
    public Failure {
      requireNonNull(reason, "reason == null");
    }
  }

  /**
   * Counts of a run: pages read, events newly stored, already stored (duplicate), of types no
   * workflow handles (ignored), unreadable items skipped, and the failure that stopped the run.
   */
  public record Result(
      int pages,
      int stored,
      int duplicate,
      int ignored,
      int unreadable,
      Optional<Failure> failure) {
    public Result {
      requireNonNull(failure, "failure == null");
    }

    static Result empty() {
      return new Result(0, 0, 0, 0, 0, Optional.empty());
    }

    /** True when every page of the window was read and stored. */
    public boolean complete() {
      return failure.isEmpty();
    }

    /** {@code new 120 duplicate 40 ignored 2}, and the unreadable count when there are any. */
    public String counts() {
      return "new "
          + stored
          + "  duplicate "
          + duplicate
          + "  ignored "
          + ignored
          + (unreadable > 0 ? "  unreadable " + unreadable : "");
    }

    Result withPage() {
      return new Result(pages + 1, stored, duplicate, ignored, unreadable, failure);
    }

    Result with(StripeIngest.Status status) {
      return switch (status) {
        case STORED -> new Result(pages, stored + 1, duplicate, ignored, unreadable, failure);
        case DUPLICATE -> new Result(pages, stored, duplicate + 1, ignored, unreadable, failure);
        case IGNORED -> new Result(pages, stored, duplicate, ignored + 1, unreadable, failure);
      };
    }

    Result withUnreadable(int n) {
      return new Result(pages, stored, duplicate, ignored, unreadable + n, failure);
    }

    Result failed(int page, String reason) {
      return new Result(
          pages, stored, duplicate, ignored, unreadable, Optional.of(new Failure(page, reason)));
    }
  }

  private final StripeEvents events;
  private final StripeIngest ingest;
  private final List<String> defaultTypes;
  private final Clock clock;

  /**
   * @param workflow the same workflows as {@code ingest}: the default types are those it handles
   */
  public Backfill(StripeEvents events, StripeIngest ingest, Workflow workflow, Clock clock) {
    this.events = requireNonNull(events, "events == null");
    this.ingest = requireNonNull(ingest, "ingest == null");
    this.defaultTypes = requireNonNull(workflow, "workflow == null").storedTypes();
    this.clock = requireNonNull(clock, "clock == null");
  }

  /** The event types listed when none are asked for: every type the workflows store. */
  public List<String> defaultTypes() {
    return defaultTypes;
  }

  /**
   * Backfills events created in {@code [since, until)} of {@code types} (empty: {@link
   * #defaultTypes()}). Stripe failures and store failures end the run and are in the result.
   *
   * @throws IllegalArgumentException before any request when the window or types are not valid:
   *     {@code since} more than 30 days ago or in the future, {@code until} not after {@code
   *     since}, more than 20 types
   */
  public Result run(Instant since, Instant until, List<String> types, Progress progress) {
    requireNonNull(progress, "progress == null");
    StripeEvents.Query query = query(since, until, types);
    log.info("backfill from {} to {} types={}", query.since(), query.until(), query.types());
    EventSpool spool;
    try {
      spool = EventSpool.create();
    } catch (IOException e) {
      return stopped(Result.empty().failed(1, SPOOL_FAILED + e.getMessage()));
    }
    try (spool) {
      Result read = readAll(query, spool, progress);
      if (!read.complete()) {
        return stopped(read);
      }
      Result result = ingestOldestFirst(spool, read, progress);
      if (!result.complete()) {
        return stopped(result);
      }
      log.info("backfill done: pages={} {}", result.pages(), result.counts());
      return result;
    }
  }

  /**
   * Reads every page of the window into the spool, ingesting nothing: a page that fails ends the
   * run with nothing taken in.
   */
  private Result readAll(StripeEvents.Query query, EventSpool spool, Progress progress) {
    Result result = Result.empty();
    Optional<String> cursor = Optional.empty();
    boolean more = true;
    while (more) {
      int page = result.pages() + 1;
      StripeEvents.Page read;
      try {
        read = events.page(query, cursor);
        for (StripeEvent event : read.events()) {
          spool.add(event, page);
        }
      } catch (StripeUnavailableException e) {
        return result.failed(page, e.getMessage());
      } catch (IOException e) {
        return result.failed(page, SPOOL_FAILED + e.getMessage());
      }
      read.unreadable()
          .forEach(
              item ->
                  log.warn("backfill skipped an unreadable event {}", UntrustedText.forLog(item)));
      result = result.withUnreadable(read.unreadable().size()).withPage();
      more = read.hasMore();
      cursor = read.lastId();
      progress.update(result, READ_SHARE * (more ? fraction(query, read) : 1.0));
    }
    return result;
  }

  /**
   * Takes in the spooled events oldest first, so that a session's completion is stored before its
   * later events wherever Stripe's pages cut; a store failure ends it with the events stored until
   * then counted (they are safe: a rerun counts them as duplicates).
   */
  private Result ingestOldestFirst(EventSpool spool, Result read, Progress progress) {
    Result result = read;
    int done = 0;
    for (EventSpool.Entry entry : spool.oldestFirst()) {
      StripeEvent event;
      try {
        event = spool.read(entry);
      } catch (IOException e) {
        return result.failed(entry.page(), SPOOL_FAILED + e.getMessage());
      }
      try {
        result = result.with(ingest.ingest(event).status());
      } catch (StoreException e) {
        return result.failed(
            entry.page(), "the store failed at event " + event.id() + ": " + e.getMessage());
      }
      done++;
      if (done % PROGRESS_EVERY == 0 && done < spool.size()) {
        progress.update(result, READ_SHARE + (1 - READ_SHARE) * done / spool.size());
      }
    }
    progress.update(result, 1.0);
    return result;
  }

  private StripeEvents.Query query(Instant since, Instant until, List<String> types) {
    requireNonNull(types, "types == null");
    checkWindow(since, until, clock.instant());
    List<String> asked = types.isEmpty() ? defaultTypes : types;
    checkTypes(asked);
    return new StripeEvents.Query(since, until, asked);
  }

  /**
   * Checks a window the way {@link #run} does, so that a caller can refuse it before opening
   * anything: {@code since} not more than 30 days before {@code now} nor after it, {@code until}
   * after {@code since}.
   *
   * @throws IllegalArgumentException saying what is wrong and what to ask instead
   */
  public static void checkWindow(Instant since, Instant until, Instant now) {
    requireNonNull(since, "since == null");
    requireNonNull(until, "until == null");
    Instant oldest = now.minus(STRIPE_RETENTION);
    if (since.isBefore(oldest.minus(RETENTION_SLACK))) {
      throw new IllegalArgumentException(
          "since "
              + since
              + " is "
              + Duration.between(since, now).toDays()
              + " days ago, but Stripe"
              + " keeps events for "
              + STRIPE_RETENTION.toDays()
              + " days only and cannot list older"
              + " ones; choose a --since within the last "
              + STRIPE_RETENTION.toDays()
              + " days (on or"
              + " after "
              + oldest.truncatedTo(ChronoUnit.SECONDS)
              + ")");
    }
    if (since.isAfter(now)) {
      throw new IllegalArgumentException(
          "since " + since + " is in the future (now is " + now + ")");
    }
    if (!until.isAfter(since)) {
      throw new IllegalArgumentException("until " + until + " must be after since " + since);
    }
  }

  /** Checks explicitly asked types: at most 20 (Stripe's limit), none blank. */
  public static void checkTypes(List<String> types) {
    if (types.size() > StripeEvents.MAX_TYPES) {
      throw new IllegalArgumentException(
          types.size()
              + " event types asked, but Stripe's Events API takes at most "
              + StripeEvents.MAX_TYPES
              + " in one query");
    }
    if (types.stream().anyMatch(t -> t == null || t.isBlank())) {
      throw new IllegalArgumentException("an event type is blank");
    }
  }

  private static Result stopped(Result result) {
    Failure failure = result.failure().orElseThrow();
    log.info(
        "backfill stopped at page {}: {} ({} so far)",
        failure.page(),
        UntrustedText.forLog(failure.reason()),
        result.counts());
    return result;
  }

  /** How far back the run has come: the oldest event of the page, within the window. */
  private static double fraction(StripeEvents.Query query, StripeEvents.Page page) {
    long span = Duration.between(query.since(), query.until()).toSeconds();
    long oldest =
        page.events().stream()
            .mapToLong(StripeEvent::created)
            .min()
            .orElse(query.until().getEpochSecond());
    double done = (double) (query.until().getEpochSecond() - oldest) / Math.max(1, span);
    return Math.max(0, Math.min(0.99, done));
  }
}
