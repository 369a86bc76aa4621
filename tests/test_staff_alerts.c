/* test_staff_alerts: the alerts outbox on the staff protocol (staff_alerts.c). Administrators list
 * it, newest first, with what waits and what failed, and try a failed alert again now (audited);
 * nobody else may; a wrong or sent alert is refused plainly and changes nothing. */
#include "check.h"
#include "staff_fixture.h"

#include "store_alerts.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void an_admin_should_see_the_outbox_and_try_a_failed_alert_again_now(void)
{
	long long plan = invite("Sam Example", NULL), now_ms = fx.now * 1000;
	long long first, second;
	cJSON *m;

	m = ask(&fx.ada, "{\"type\":\"alerts\",\"seq\":1}");
	CHECK(is_type(m, "alerts") && count(m, "alerts") == 0 && num(m, "pending") == 0);
	/* this workspace has no alerts set up, and says so */
	CHECK(cJSON_IsFalse(at(m, "setup.email")) && cJSON_IsFalse(at(m, "setup.webhook")));
	CHECK(count(m, "setup.kinds") == 0);
	cJSON_Delete(m);

	CHECK(store_alert_queue(fx.st, plan, "safeguarding", "email", now_ms) == 0);
	first = db_count("SELECT max(id) FROM alerts", 0);
	CHECK(store_alert_queue(fx.st, plan, "safeguarding", "webhook", now_ms) == 0);
	second = db_count("SELECT max(id) FROM alerts", 0);
	CHECK(store_alert_failed(fx.st, first, "Could not connect to the mail relay.",
				 now_ms + 30000) == 0);
	CHECK(store_alert_sent(fx.st, second, now_ms) == 0);

	m = ask(&fx.ada, "{\"type\":\"alerts\",\"seq\":2}");
	CHECK(is_type(m, "alerts") && count(m, "alerts") == 2);
	CHECK(num(m, "pending") == 1 && num(m, "failed") == 1);
	CHECK(num(m, "alerts.0.id") == (double)second); /* newest first */
	CHECK_STR(str(m, "alerts.0.state"), "sent");
	CHECK_STR(str(m, "alerts.0.channel"), "webhook");
	CHECK(at(m, "alerts.0.next") && cJSON_IsNull(at(m, "alerts.0.next")));
	CHECK_STR(str(m, "alerts.1.state"), "failed");
	CHECK_STR(str(m, "alerts.1.kind"), "safeguarding");
	CHECK_STR(str(m, "alerts.1.last_error"), "Could not connect to the mail relay.");
	CHECK(num(m, "alerts.1.plan") == (double)plan && num(m, "alerts.1.tries") == 1);
	CHECK(str(m, "alerts.1.next") && cJSON_IsNull(at(m, "alerts.1.sent")));
	/* nothing of the person: no name in the outbox */
	{
		char *text = cJSON_PrintUnformatted(m);

		CHECK(text && !strstr(text, "Sam") && !strstr(text, "Example"));
		free(text);
	}
	cJSON_Delete(m);

	CHECK(db_count("SELECT count(*) FROM alerts WHERE sent_ms IS NULL AND next_ms <= ?1",
		       now_ms) == 0);
	CHECK(
	    done(&fx.ada, "alerts", "{\"type\":\"alert_retry\",\"seq\":3,\"alert\":%lld}", first));
	CHECK(db_count("SELECT count(*) FROM alerts WHERE sent_ms IS NULL AND next_ms <= ?1",
		       now_ms) == 1);
	CHECK(db_count("SELECT count(*) FROM audit WHERE action = 'alert_retry' AND "
		       "json_extract(detail, '$.alert') = ?1",
		       first) == 1);
}

static void nobody_else_should_see_the_outbox_and_bad_requests_change_nothing(void)
{
	long long sent = db_count("SELECT max(id) FROM alerts WHERE sent_ms IS NOT NULL", 0);
	long long audits = db_count("SELECT count(*) FROM audit", 0);

	CHECK(refused(&fx.casey, "not-allowed-role", "{\"type\":\"alerts\",\"seq\":1}"));
	CHECK(refused(&fx.morgan, "not-allowed-role", "{\"type\":\"alerts\",\"seq\":2}"));
	CHECK(refused(&fx.casey, "not-allowed-role",
		      "{\"type\":\"alert_retry\",\"seq\":3,\"alert\":%lld}", sent));
	CHECK(refused(&fx.ada, "no-alert", "{\"type\":\"alert_retry\",\"seq\":4,\"alert\":%lld}",
		      sent)); /* sent already */
	CHECK(refused(&fx.ada, "no-alert", "{\"type\":\"alert_retry\",\"seq\":5,\"alert\":99999}"));
	CHECK(refused(&fx.ada, "bad-message", "{\"type\":\"alert_retry\",\"seq\":6}"));
	CHECK(refused(&fx.ada, "bad-message",
		      "{\"type\":\"alert_retry\",\"seq\":7,\"alert\":\"one\"}"));
	CHECK(db_count("SELECT count(*) FROM audit", 0) == audits);
}

int main(void)
{
	if (fixture_begin("alerts")) {
		CHECK(0);
		return check_report();
	}
	RUN(an_admin_should_see_the_outbox_and_try_a_failed_alert_again_now);
	RUN(nobody_else_should_see_the_outbox_and_bad_requests_change_nothing);
	fixture_end();
	return check_report();
}
