package candybridge.admin;

import candybridge.delivery.DeliveryQuery;
import candybridge.delivery.DeliveryStatus;
import candybridge.http.HttpProblem;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Query-string parsing for the admin API: bad values are 400s that say what was expected. */
final class Params {
  private Params() {}

  static Optional<String> text(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  /** ISO instant (2026-10-01T12:00:00Z) or date (2026-10-01, midnight UTC). */
  static Optional<Instant> instant(Context ctx, String name) {
    return text(ctx, name)
        .map(
            v -> {
              try {
                return v.length() == 10
                    ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(v);
              } catch (DateTimeParseException unused) {
                // An answer to the client (400), not a failure of ours: the parser's exception adds
                // nothing.
                throw HttpProblem.badRequest(
                    name
                        + "="
                        + v
                        + " is not a date (2026-10-01) or an instant (2026-10-01T12:00:00Z)");
              }
            });
  }

  static int integer(Context ctx, String name, int fallback, int min, int max) {
    Optional<String> v = text(ctx, name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.get());
      if (n < min || n > max) {
        throw HttpProblem.badRequest(name + " must be between " + min + " and " + max);
      }
      return n;
    } catch (NumberFormatException unused) {
      // An answer to the client (400), not a failure of ours: the parser's exception adds nothing.
      throw HttpProblem.badRequest(name + "=" + v.get() + " is not a number");
    }
  }

  /** {@code true} or {@code false}; absent is {@code false}. */
  static boolean flag(Context ctx, String name) {
    Optional<String> v = text(ctx, name);
    if (v.isEmpty() || v.get().equals("false")) {
      return false;
    }
    if (v.get().equals("true")) {
      return true;
    }
    throw HttpProblem.badRequest(name + "=" + v.get() + " must be true or false");
  }

  static int limit(Context ctx) {
    return integer(ctx, "limit", 50, 1, 500);
  }

  static DeliveryQuery deliveryQuery(Context ctx) {
    Set<DeliveryStatus> statuses =
        text(ctx, "status")
            .map(
                v ->
                    Arrays.stream(v.split(","))
                        .filter(s -> !s.isBlank())
                        .map(AdminRoutes::status)
                        .collect(Collectors.toSet()))
            .orElse(Set.of());
    return new DeliveryQuery(
        statuses,
        text(ctx, "type"),
        text(ctx, "workflow"),
        instant(ctx, "from"),
        instant(ctx, "to"),
        text(ctx, "q"));
  }
}
