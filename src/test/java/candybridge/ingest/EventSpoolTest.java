package candybridge.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import candybridge.stripe.StripeEvent;
import candybridge.stripe.StripeEventParser;
import candybridge.testing.SyntheticEvents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventSpoolTest {
  private final StripeEventParser parser = new StripeEventParser();

  private StripeEvent event(String id, long created) throws Exception {
    return parser.parse(SyntheticEvents.checkoutCompleted(id, "cs_" + id, created).getBytes(UTF_8));
  }

  @Test
  void gives_back_the_exact_events_oldest_first_ties_in_stripes_order_reversed() throws Exception {
    // As Stripe lists them: newest first; evt_b and evt_c share a second, evt_b listed first
    // (newer).
    List<StripeEvent> listed =
        List.of(event("evt_a", 300), event("evt_b", 200), event("evt_c", 200), event("evt_d", 100));
    List<StripeEvent> back = new ArrayList<>();
    try (EventSpool spool = EventSpool.create()) {
      spool.add(listed.get(0), 1);
      spool.add(listed.get(1), 1);
      spool.add(listed.get(2), 2);
      spool.add(listed.get(3), 2);
      for (EventSpool.Entry entry : spool.oldestFirst()) {
        back.add(spool.read(entry));
      }
      assertThat(spool.oldestFirst())
          .extracting(EventSpool.Entry::page)
          .containsExactly(2, 2, 1, 1);
    }

    assertThat(back)
        .extracting(e -> e.id().value())
        .containsExactly("evt_d", "evt_c", "evt_b", "evt_a");
    assertThat(back.get(0).payload()).isEqualTo(listed.get(3).payload());
  }

  @Test
  void its_file_is_gone_after_close() throws Exception {
    Path file;
    try (EventSpool spool = EventSpool.create()) {
      spool.add(event("evt_a", 1), 1);
      file = spool.file();
      assertThat(spool.read(spool.oldestFirst().get(0)).id().value()).isEqualTo("evt_a");
    }
    assertThat(file).doesNotExist();
  }
}
