package candybridge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BurstWarningTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void a_burst_is_one_line_then_one_line_a_minute_with_the_count() {
    AtomicLong now = new AtomicLong(5 * SECOND);
    BurstWarning w = new BurstWarning("slow bodies", now::get);
    assertThat(w.record())
        .isEqualTo("slow bodies: 1; further ones within a minute are counted in the next line");
    for (int i = 0; i < 399; i++) {
      now.addAndGet(SECOND / 10);
      assertThat(w.record()).isNull();
    }
    now.set(5 * SECOND + 60 * SECOND);
    assertThat(w.record())
        .isEqualTo(
            "slow bodies: 400 since the last such line 60 s ago;"
                + " further ones within a minute are counted in the next line");
    now.addAndGet(59 * SECOND);
    assertThat(w.record()).isNull();
    now.addAndGet(3_600 * SECOND);
    assertThat(w.record()).startsWith("slow bodies: 2 since the last such line 3659 s ago");
  }
}
