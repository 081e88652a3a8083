package candybridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void asks_for_a_common_pool_of_at_least_two_so_async_steps_do_not_start_a_thread_each()
      throws ClassNotFoundException {
    Class.forName(Main.class.getName(), true, Main.class.getClassLoader());
    assertThat(Integer.parseInt(System.getProperty(Main.COMMON_POOL_PARALLELISM)))
        .isGreaterThanOrEqualTo(2);
  }
}
