package candybridge.cli;

import candybridge.app.App;
import candybridge.config.Config;
import candybridge.config.ConfigException;
import candybridge.config.ConfigLoader;
import candybridge.store.DatabaseInUseException;
import candybridge.workflow.Workflow;
import candybridge.workflow.WorkflowFile;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "serve",
    header = "Runs the service: webhook, worker, admin API and page.",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the service: the Stripe webhook, the delivery worker, health and readiness.",
      "Settings come from environment variables (see the README); workflows from --config."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Workflow file (YAML, see examples/workflows.yaml); default: the built-in workflows.")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    Config settings;
    Workflow workflow;
    try {
      settings = ConfigLoader.fromEnv(System.getenv());
      workflow = config == null ? Workflow.defaults() : WorkflowFile.load(config);
    } catch (ConfigException e) {
      System.err.println("candybridge: " + e.getMessage());
      return 2;
    }
    App app;
    try {
      app = App.start(settings, workflow, Clock.systemUTC(), App.Options.production());
    } catch (DatabaseInUseException e) {
      // Like a bad setting, restarting will not help while the other serve runs.
      System.err.println("candybridge: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      System.err.println("candybridge: could not start: " + causes(e));
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
    return 0;
  }

  /** The message of the failure and of each cause, so "why" is never dropped. */
  static String causes(Throwable e) {
    StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      out.append(": ")
          .append(c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage());
    }
    return out.toString();
  }
}
