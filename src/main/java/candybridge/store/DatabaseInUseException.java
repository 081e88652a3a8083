package candybridge.store;

/**
 * Another {@code serve} holds the SQLite file (docs/design.md §7: one per file). The message is one
 * line naming the holder; the command line turns it into exit code 2, as a setting that cannot
 * work.
 */
public final class DatabaseInUseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DatabaseInUseException(String message) {
    super(message);
  }
}
