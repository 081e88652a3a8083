package candybridge.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;

import candybridge.stripe.InvalidEventException;
import candybridge.stripe.StripeEvent;
import candybridge.stripe.StripeEventParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of one backfill window, held until every page is read so that they can be taken in
 * oldest first. Payloads go to a temporary file (owner-only, deleted on {@link #close}, and on
 * Linux unlinked as soon as it is open, so that not even a crash leaves it behind); memory keeps
 * only where each one is and how it sorts, about 60 bytes an event, so a month of a busy merchant's
 * events (a million: 60 MB) does not depend on how large the events are. An event is parsed again
 * from its exact payload when it is read back. Not thread-safe: one backfill run.
 */
final class EventSpool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventSpool.class);

  /**
   * Oldest first: ascending {@code created}; Stripe lists newer first, so a tie goes to the later
   * listed.
   */
  static final Comparator<Entry> OLDEST_FIRST =
      Comparator.comparingLong(Entry::created)
          .thenComparing(Comparator.comparingInt(Entry::listed).reversed());

  /**
   * Where one event is: its {@code created}, its position in Stripe's list across all pages, the
   * page it came on (1 first), and its payload's bytes in the file.
   */
  record Entry(long created, int listed, int page, long offset, int length) {}

  private final Path file;
  private final FileChannel channel;
  private final StripeEventParser parser = new StripeEventParser();
  private final List<Entry> entries = new ArrayList<>();
  private long end;

  private EventSpool(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /** A new, empty spool in the default temporary directory. */
  static EventSpool create() throws IOException {
    // createTempFile makes the file readable by its owner only (POSIX): payloads hold customer
    // data.
    Path file = Files.createTempFile("candybridge-backfill-", ".events");
    try {
      return new EventSpool(
          file,
          FileChannel.open(
              file,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              StandardOpenOption.DELETE_ON_CLOSE));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /** Keeps an event read on {@code page}, after those added before it in Stripe's order. */
  void add(StripeEvent event, int page) throws IOException {
    byte[] payload = event.payload().getBytes(UTF_8);
    ByteBuffer buffer = ByteBuffer.wrap(payload);
    long offset = end;
    while (buffer.hasRemaining()) {
      offset += channel.write(buffer, offset);
    }
    entries.add(new Entry(event.created(), entries.size(), page, end, payload.length));
    end = offset;
  }

  /** The temporary file (for tests). */
  Path file() {
    return file;
  }

  int size() {
    return entries.size();
  }

  /** Every entry, oldest first (see {@link #OLDEST_FIRST}). */
  List<Entry> oldestFirst() {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(OLDEST_FIRST);
    return sorted;
  }

  /** The event of an entry, parsed again from its payload. */
  StripeEvent read(Entry entry) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(entry.length());
    long at = entry.offset();
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("the backfill's temporary file " + file + " ended early");
      }
      at += n;
    }
    try {
      return parser.parse(buffer.array());
    } catch (InvalidEventException e) {
      throw new IllegalStateException("an event parsed once parses again", e);
    }
  }

  /** Deletes the file. */
  @Override
  public void close() {
    try {
      channel.close();
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("could not delete the backfill's temporary file {}: {}", file, e.getMessage());
    }
  }
}
