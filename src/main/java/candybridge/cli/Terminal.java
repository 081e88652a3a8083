package candybridge.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/** What a command reads and writes besides its arguments; tests pass their own. */
record Terminal(Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
  static Terminal system() {
    return new Terminal(System.getenv(), Clock.systemUTC(), System.out, System.err);
  }
}
