package candybridge.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MinorUnitsTest {
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "3000, usd, 30.00",
    "1, usd, 0.01",
    "-1, usd, -0.01",
    "5000, jpy, 5000",
    "-5000, jpy, -5000",
    "12340, kwd, 12.340",
    "1, tnd, 0.001",
    "10000, isk, 100.00",
    "100, xyz, 1.00",
    "9223372036854775807, usd, 92233720368547758.07"
  })
  void formats_minor_units_with_the_currency_decimals(long amount, String currency, String text) {
    assertThat(MinorUnits.toMajorUnits(amount, currency)).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
        "XAF", "XOF", "XPF", "jpy"
      })
  void zero_decimal_currencies_have_no_decimals(String currency) {
    assertThat(MinorUnits.decimals(currency)).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"BHD", "JOD", "KWD", "OMR", "TND", "kwd"})
  void three_decimal_currencies_have_three_decimals(String currency) {
    assertThat(MinorUnits.decimals(currency)).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"USD", "EUR", "GBP", "ISK", "HUF", "TWD", "INR", "usd"})
  void every_other_currency_has_two_decimals(String currency) {
    assertThat(MinorUnits.decimals(currency)).isEqualTo(2);
  }
}
