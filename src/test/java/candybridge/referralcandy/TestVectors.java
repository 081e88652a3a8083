package candybridge.referralcandy;

import java.util.HashMap;
import java.util.Map;

/** The signing vectors of the ReferralCandy reference, §2.4, as parameter maps. */
final class TestVectors {
  static final String ACCESS_ID = "demo-access-id";
  static final String SECRET = "demo-secret";

  private TestVectors() {}

  /** TV4's business parameters: what a planned purchase call carries. */
  static Map<String, String> tv4Purchase() {
    Map<String, String> params = new HashMap<>();
    params.put("first_name", "Jane");
    params.put("last_name", "Doe");
    params.put("email", "jane.doe+rc@example.com");
    params.put("order_timestamp", "1700000000");
    params.put("browser_ip", "203.0.113.7");
    params.put("user_agent", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/120.0");
    params.put("invoice_amount", "49.99");
    params.put("currency_code", "USD");
    params.put("external_reference_id", "cs_test_a1B2c3D4");
    params.put("accepts_marketing", "false");
    params.put("locale", "en");
    return params;
  }

  /** TV5's business parameters: empty values, a non-ASCII name, a zero-decimal currency. */
  static Map<String, String> tv5Purchase() {
    Map<String, String> params = tv5bPurchase();
    params.put("last_name", "");
    params.put("browser_ip", "");
    params.put("user_agent", "");
    params.put("discount_code", "");
    return params;
  }

  /** TV5b: TV5 with the empty parameters left out. */
  static Map<String, String> tv5bPurchase() {
    Map<String, String> params = new HashMap<>();
    params.put("first_name", "José");
    params.put("email", "jose@example.com");
    params.put("order_timestamp", "1700000150");
    params.put("invoice_amount", "5000");
    params.put("currency_code", "JPY");
    params.put("external_reference_id", "cs_test_JPY1");
    return params;
  }

  /** Business parameters plus the auth parameters a client adds, as signed. */
  static Map<String, String> withAuth(Map<String, String> business, String timestamp) {
    Map<String, String> params = new HashMap<>(business);
    params.put("accessID", ACCESS_ID);
    params.put("timestamp", timestamp);
    return params;
  }

  static Map<String, String> with(Map<String, String> params, String name, String value) {
    Map<String, String> changed = new HashMap<>(params);
    changed.put(name, value);
    return changed;
  }
}
