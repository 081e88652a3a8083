package candybridge.history;

import java.time.Instant;
import java.util.Optional;

/**
 * A stored Stripe event as history shows it. {@code payload} is empty once retention purged it;
 * {@code decisions} is the JSON list of each workflow's decision.
 */
public record EventRecord(
    String id,
    String type,
    String objectId,
    long createdSeconds,
    Instant receivedAt,
    String summary,
    String decisions,
    Optional<String> payload) {}
