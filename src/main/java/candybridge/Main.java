package candybridge;

import candybridge.cli.Cli;
import candybridge.config.LogFormat;

/** The program's entry point: hands the arguments to the command line and exits with its code. */
public final class Main {
  /**
   * On a machine with two CPUs the JDK's common pool has a parallelism of one, and then every
   * asynchronous step of {@code CompletableFuture} without its own executor gets a new thread. The
   * JDK's HttpClient hands each response of {@code sendAsync} over that way, so every ReferralCandy
   * call started and ended a thread (22,000 in a 45 s benchmark). Two is enough for the pool to be
   * used; an explicit {@code -D} setting wins. Set before anything uses the pool.
   */
  static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  static {
    // Before any class makes a logger: logback reads its configuration then.
    LogFormat.select(System.getenv());
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      int processors = Runtime.getRuntime().availableProcessors();
      System.setProperty(COMMON_POOL_PARALLELISM, Integer.toString(Math.max(2, processors - 1)));
    }
  }

  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.run(args));
  }
}
