package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.testing.Tries;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the built-in mapping (RELIABILITY.md, fuzzing): random paid sessions in every
 * currency class (zero, two and three decimals, unknown codes), with odd names and missing fields.
 * A complete session always maps to a purchase with the exact amount in major units; an incomplete
 * one is planned blocked or skipped with a reason, never a crash and never an e-mail in a reason.
 */
class MappingPropertyTest {
  static final List<String> FIELDS =
      List.of(
          "customer_details.name",
          "customer_details.email",
          "currency",
          "amount_total",
          "locale",
          "metadata",
          "customer_details",
          "payment_status",
          "consent");

  static final List<String> KNOWN_CURRENCIES =
      List.of(
          "usd", "eur", "gbp", "jpy", "krw", "clp", "vnd", "xof", "bhd", "kwd", "jod", "omr",
          "tnd");
  static final List<String> ODD_NAMES =
      List.of(
          "",
          " ",
          "Jenny",
          "  Jenny   Rosen ",
          "José María de la Cruz",
          "李小龍",
          "O'Brien-Smith",
          "\u200b",
          "Ann\u0000Lee",
          "👩‍💻 Dev",
          "X Æ A-12",
          "null");

  static String currency(Random r) {
    return r.nextBoolean()
        ? KNOWN_CURRENCIES.get(r.nextInt(KNOWN_CURRENCIES.size()))
        : Tries.letters(r, 3, 3).toLowerCase(Locale.ROOT);
  }

  static String name(Random r) {
    return r.nextBoolean() ? ODD_NAMES.get(r.nextInt(ODD_NAMES.size())) : Tries.anyString(r, 200);
  }

  @Test
  void a_paid_session_maps_to_one_purchase_with_the_exact_amount() {
    Tries.forAll(r -> exactAmount(currency(r), (long) (r.nextDouble() * 99_999_999_999L), name(r)));
  }

  private static void exactAmount(String currency, long amount, String name) {
    Map<String, String> params =
        SessionEvent.paid()
            .with("currency", currency)
            .with("amount_total", amount)
            .with("customer_details.name", name)
            .purchaseParams();
    int decimals = MinorUnits.decimals(currency);
    assertThat(params.get("invoice_amount"))
        .isEqualTo(BigDecimal.valueOf(amount, decimals).toPlainString());
    assertThat(
            new BigDecimal(params.get("invoice_amount")).movePointRight(decimals).longValueExact())
        .isEqualTo(amount);
    assertThat(params.get("currency_code")).isEqualTo(currency.toUpperCase(Locale.ROOT));
    assertThat(params.get("external_reference_id")).isEqualTo(SessionEvent.SESSION_ID);
    assertThat(params.get("email")).isEqualTo(SessionEvent.EMAIL);
    assertThat(params).doesNotContainValue(null);
  }

  @Test
  void missing_fields_are_planned_or_refused_with_a_reason_never_a_crash() {
    Tries.forAll(
        r -> {
          List<String> shuffled = new ArrayList<>(FIELDS);
          Collections.shuffle(shuffled, r);
          missingFields(shuffled.subList(0, r.nextInt(FIELDS.size() + 1)));
        });
  }

  private static void missingFields(List<String> removed) {
    SessionEvent event = SessionEvent.paid();
    for (String field : removed) {
      event = event.without(field);
    }
    Plan plan = event.plan();
    SessionEvent.assertNoEmailIn(plan);
    for (PlannedDelivery d : plan.deliveries()) {
      assertThat(d.call().params()).doesNotContainValue(null);
      if (d.blockedReason().isEmpty() && !d.needsLookup()) {
        assertThat(d.call().params())
            .containsKeys("email", "invoice_amount", "currency_code", "external_reference_id");
      }
    }
  }
}
