package candybridge.delivery;

/** What a retention purge removed. */
public record PurgeResult(int payloadsCleared, int deliveriesCleared, int attemptsDeleted) {}
