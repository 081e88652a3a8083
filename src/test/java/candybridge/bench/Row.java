package candybridge.bench;

import java.util.Locale;

/** One line of the figures table. Times in ms; NaN prints as a dash. */
record Row(
    String scenario,
    double acceptedPerSecond,
    double p50Ms,
    double p99Ms,
    double maxMs,
    long errors,
    double endToEndP50Ms,
    double endToEndP99Ms,
    double deliveredPerSecond,
    double peakRssMb,
    double startupMs) {

  static String header() {
    return "| scenario | accepted/s | p50 ms | p99 ms | max ms | errors | e2e p50 ms | e2e p99 ms"
        + " | delivered/s | peak RSS MiB | ready ms |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
  }

  static Row ofLoad(String scenario, LoadGenerator.Result r) {
    Latencies l = r.latencies();
    return new Row(
        scenario,
        r.okPerSecond(),
        l.percentileMs(50),
        l.percentileMs(99),
        l.percentileMs(100),
        r.errors(),
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN);
  }

  /** A row with only a delivery rate. */
  static Row ofDelivered(String scenario, double perSecond) {
    return new Row(
        scenario,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        0,
        Double.NaN,
        Double.NaN,
        perSecond,
        Double.NaN,
        Double.NaN);
  }

  Row withEndToEnd(Latencies e2e, double deliveredPerSecond) {
    return new Row(
        scenario,
        acceptedPerSecond,
        p50Ms,
        p99Ms,
        maxMs,
        errors,
        e2e.percentileMs(50),
        e2e.percentileMs(99),
        deliveredPerSecond,
        peakRssMb,
        startupMs);
  }

  Row withProcess(ServiceUnderTest service) {
    return new Row(
        scenario,
        acceptedPerSecond,
        p50Ms,
        p99Ms,
        maxMs,
        errors,
        endToEndP50Ms,
        endToEndP99Ms,
        deliveredPerSecond,
        service.peakRssMb(),
        service.startupMs());
  }

  Row named(String name) {
    return new Row(
        name,
        acceptedPerSecond,
        p50Ms,
        p99Ms,
        maxMs,
        errors,
        endToEndP50Ms,
        endToEndP99Ms,
        deliveredPerSecond,
        peakRssMb,
        startupMs);
  }

  String markdown() {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s |",
        scenario,
        num(acceptedPerSecond, 0),
        num(p50Ms, 1),
        num(p99Ms, 1),
        num(maxMs, 1),
        errors,
        num(endToEndP50Ms, 1),
        num(endToEndP99Ms, 1),
        num(deliveredPerSecond, 0),
        num(peakRssMb, 0),
        num(startupMs, 0));
  }

  private static String num(double v, int decimals) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
