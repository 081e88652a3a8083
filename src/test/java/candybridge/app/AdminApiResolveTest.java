package candybridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import candybridge.delivery.DeliveryStatus;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Settling in-doubt deliveries through the admin API: one by id or all that match a filter (counted
 * first on a dry run), as sent (nothing sent) or to be sent again.
 */
class AdminApiResolveTest extends AdminApiFixture {
  @Test
  void an_in_doubt_delivery_is_resolved_as_sent_or_resent() {
    String a = sale(1);
    String b = sale(2);
    var now = t.clock.instant();
    t.app.store().claimDue(now, 10, "dead-instance", now.plusSeconds(60));
    t.app.store().markAbandonedInDoubt(now, true);
    assertThat(delivery(a).status()).isEqualTo(DeliveryStatus.IN_DOUBT);

    assertThat(
            call(
                    "POST",
                    "/api/deliveries/" + delivery(a).id() + "/resolve?as=maybe",
                    "Bearer " + TOKEN)
                .statusCode())
        .isEqualTo(400);
    assertThat(
            ok("POST", "/api/deliveries/" + delivery(a).id() + "/resolve?as=sent")
                .path("delivery")
                .path("status")
                .asText())
        .isEqualTo("delivered");
    assertThat(
            ok("POST", "/api/deliveries/" + delivery(b).id() + "/resolve?as=resend")
                .path("delivery")
                .path("status")
                .asText())
        .isEqualTo("pending");
    t.deliverDue();

    assertThat(t.rc.received("purchase.json"))
        .extracting(c -> c.params().get("external_reference_id"))
        .containsExactly(b);
    assertThat(t.app.store().attempts(delivery(a).id()))
        .extracting(x -> x.trigger().name())
        .containsExactly("RECOVERY", "RESOLUTION");
    assertThat(
            call(
                    "POST",
                    "/api/deliveries/" + delivery(a).id() + "/resolve?as=sent",
                    "Bearer " + TOKEN)
                .statusCode())
        .as("no longer in doubt")
        .isEqualTo(409);
  }

  /** Sales 1..n, each claimed by an instance that then died: all in doubt. */
  private List<String> inDoubtSales(int from, int to) {
    List<String> sessions = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      sessions.add(sale(i));
    }
    var now = t.clock.instant();
    t.app.store().claimDue(now, 100, "dead-instance", now.plusSeconds(60));
    t.app.store().markAbandonedInDoubt(now, true);
    return sessions;
  }

  @Test
  void bulk_resolve_counts_first_on_a_dry_run_then_settles_every_in_doubt_match() {
    t.rc.respondWith(400);
    String failed = sale(0);
    t.deliverDue();
    List<String> doubt = inDoubtSales(1, 3);

    JsonNode dry = ok("POST", "/api/deliveries/resolve?status=in_doubt&as=sent&dry_run=true");
    assertThat(dry.path("would_resolve").asInt()).isEqualTo(3);
    assertThat(dry.path("dry_run").asBoolean()).isTrue();
    assertThat(doubt)
        .allSatisfy(s -> assertThat(delivery(s).status()).isEqualTo(DeliveryStatus.IN_DOUBT));

    assertThat(
            ok("POST", "/api/deliveries/resolve?status=in_doubt&as=sent&q=" + doubt.get(0))
                .path("resolved")
                .asInt())
        .isEqualTo(1);
    assertThat(
            ok("POST", "/api/deliveries/resolve?status=in_doubt&as=resend&dry_run=true")
                .path("would_resolve")
                .asInt())
        .isEqualTo(2);
    assertThat(
            ok("POST", "/api/deliveries/resolve?status=in_doubt&as=resend")
                .path("resolved")
                .asInt())
        .isEqualTo(2);
    t.deliverDue();

    assertThat(delivery(doubt.get(0)).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(t.app.store().attempts(delivery(doubt.get(0)).id()))
        .extracting(x -> x.trigger().name())
        .containsExactly("RECOVERY", "RESOLUTION");
    assertThat(delivery(doubt.get(1)).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(t.app.store().attempts(delivery(doubt.get(1)).id()))
        .extracting(x -> x.trigger().name())
        .containsExactly("RECOVERY", "MANUAL");
    assertThat(delivery(failed).status())
        .as("not in doubt: untouched")
        .isEqualTo(DeliveryStatus.FAILED);
    assertThat(t.rc.received("purchase.json"))
        .extracting(c -> c.params().get("external_reference_id"))
        .containsExactlyInAnyOrder(failed, doubt.get(1), doubt.get(2));
    assertThat(
            ok("POST", "/api/deliveries/resolve?status=in_doubt&as=resend")
                .path("resolved")
                .asInt())
        .as("nothing left in doubt")
        .isZero();
  }

  @Test
  void bulk_resolve_filters_by_creation_time() {
    inDoubtSales(1, 1);
    t.clock.advance(Duration.ofDays(2));
    String late = inDoubtSales(2, 2).get(0);
    String from = t.clock.instant().minus(Duration.ofDays(1)).toString();
    assertThat(
            ok("POST", "/api/deliveries/resolve?status=in_doubt&as=sent&dry_run=true&from=" + from)
                .path("would_resolve")
                .asInt())
        .isEqualTo(1);
    assertThat(
            ok("POST", "/api/deliveries/resolve?status=in_doubt&as=sent&from=" + from)
                .path("resolved")
                .asInt())
        .isEqualTo(1);
    assertThat(delivery(late).status()).isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(ok("GET", "/api/deliveries?status=in_doubt").path("items")).hasSize(1);
  }

  @Test
  void bulk_resolve_refuses_a_missing_or_bad_status_or_resolution() {
    String s = inDoubtSales(1, 1).get(0);
    for (String query :
        List.of(
            "as=sent",
            "status=failed&as=sent",
            "status=in_doubt,failed&as=sent",
            "status=nonsense&as=sent",
            "status=in_doubt",
            "status=in_doubt&as=maybe",
            "status=in_doubt&as=sent&dry_run=perhaps",
            "status=in_doubt&as=sent&from=yesterday")) {
      HttpResponse<String> r = call("POST", "/api/deliveries/resolve?" + query, "Bearer " + TOKEN);
      assertThat(r.statusCode()).as(query).isEqualTo(400);
      assertThat(json(r.body()).path("error").asText()).as(query).isEqualTo("bad_request");
      assertThat(json(r.body()).path("detail").asText()).as(query).isNotBlank();
    }
    assertThat(
            json(call("POST", "/api/deliveries/resolve?status=failed&as=sent", "Bearer " + TOKEN)
                    .body())
                .path("detail")
                .asText())
        .contains("in_doubt");
    assertThat(call("POST", "/api/deliveries/resolve?status=in_doubt&as=sent", null).statusCode())
        .isEqualTo(401);
    assertThat(delivery(s).status()).isEqualTo(DeliveryStatus.IN_DOUBT);
  }
}
