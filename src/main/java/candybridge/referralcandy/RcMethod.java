package candybridge.referralcandy;

/** The ReferralCandy API methods Candybridge calls. */
public enum RcMethod {
  PURCHASE("purchase.json"),
  REFERRAL("referral.json"),
  SIGNUP("signup.json"),
  /** Credentials check ({@code check-config --online}); never a delivery. */
  VERIFY("verify.json");

  private final String path;

  RcMethod(String path) {
    this.path = path;
  }

  /** The path below the API base, e.g. {@code purchase.json}. */
  public String path() {
    return path;
  }
}
