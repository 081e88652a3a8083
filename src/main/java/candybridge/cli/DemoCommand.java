package candybridge.cli;

import candybridge.demo.Demo;
import candybridge.demo.DemoOutcome;
import candybridge.demo.DemoReport;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    header = "Shows a sale flowing through; no accounts needed.",
    mixinStandardHelpOptions = true,
    description = {
      "Shows a sale flowing through, no accounts needed: the real service on a throw-away database.",
      "Runs serve on a temporary SQLite file with a built-in fake ReferralCandy that checks signatures"
          + " like the real one, sends the sample Stripe events signed, prints what happened to each, then"
          + " keeps running with the admin page (URL and token printed) until Ctrl-C. The environment is not read."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--no-wait",
      description = "Exit after the table instead of running until Ctrl-C.")
  boolean noWait;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "HTTP port of the service (default: any free port).")
  int port;

  Terminal terminal = Terminal.system();

  @Override
  public Integer call() throws InterruptedException {
    Demo demo;
    try {
      demo = Demo.start(port, terminal.clock(), new SecureRandom());
    } catch (RuntimeException e) {
      terminal.err().println("candybridge: the demo could not start: " + e.getMessage());
      return 1;
    }
    List<DemoOutcome> outcomes;
    try {
      outcomes = demo.run();
    } catch (IOException | RuntimeException e) {
      terminal.err().println("candybridge: the demo failed: " + e);
      demo.close();
      return 1;
    }
    terminal.out().print(DemoReport.render(demo, outcomes));
    boolean ok = DemoReport.isAsExpected(outcomes, demo.referralCandy().received());
    if (noWait) {
      demo.close();
      return ok ? 0 : 1;
    }
    terminal.out().print(DemoReport.keepsRunning(demo));
    terminal.out().flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  demo.close();
                  stopped.countDown();
                },
                "demo-shutdown"));
    stopped.await();
    return 0;
  }
}
