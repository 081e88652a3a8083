package candybridge.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommitTimesTest {
  private final CommitTimes times = new CommitTimes();
  private final List<Duration> heard = new ArrayList<>();

  @Test
  void the_listener_hears_how_long_a_commit_took() {
    times.onCommit(heard::add);

    times.committed(Duration.ofMillis(40), 12);

    assertThat(heard).containsExactly(Duration.ofMillis(40));
  }

  @Test
  void a_timed_commit_is_heard_once_it_returns_and_a_failed_one_not_at_all() throws Exception {
    times.onCommit(heard::add);
    List<String> ran = new ArrayList<>();

    times.time(3, () -> ran.add("commit"));
    assertThatThrownBy(
            () ->
                times.time(
                    3,
                    () -> {
                      throw new SQLException("disk I/O error");
                    }))
        .isInstanceOf(SQLException.class)
        .hasMessage("disk I/O error");

    assertThat(ran).containsExactly("commit");
    assertThat(heard).singleElement().satisfies(d -> assertThat(d.isNegative()).isFalse());
  }

  @Test
  void a_commit_of_a_second_or_more_is_a_warning_and_a_quick_one_is_not() {
    times.onCommit(heard::add);

    String quick = logOf(() -> times.committed(Duration.ofMillis(2), 3));
    String slow = logOf(() -> times.committed(CommitTimes.SLOW, 64));

    assertThat(quick).doesNotContain("a commit of");
    assertThat(slow)
        .contains("WARN", "a commit of 64 transaction(s) took", "slow to make writes durable");
    assertThat(heard).hasSize(2);
  }

  @Test
  void a_failing_listener_does_not_fail_the_commit_it_hears_of() {
    times.onCommit(
        d -> {
          throw new IllegalStateException("registry closed");
        });

    String log = logOf(() -> times.committed(Duration.ofMillis(2), 1));

    assertThat(log).contains("commit listener failed", "registry closed");
  }

  /**
   * What the service logged while {@code action} ran: the build sends every log line of the test
   * run to one file (pom.xml), so this reads what was appended to it.
   */
  private static String logOf(Runnable action) {
    Path file =
        Path.of(System.getProperty("candybridge.testLogFile", "target/test-in-process.log"));
    try {
      long before = Files.exists(file) ? Files.size(file) : 0;
      action.run();
      byte[] all = Files.readAllBytes(file);
      return new String(all, (int) before, all.length - (int) before, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
