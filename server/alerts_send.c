/* alerts_send: one delivery by libcurl (alerts_send.h). */
#include "alerts_send.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#define CONNECT_TIMEOUT_S 10L
#define TOTAL_TIMEOUT_S	  30L
#define ADDRESS_MAX	  320

int alerts_send_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void alerts_send_cleanup(void)
{
	curl_global_cleanup();
}

/* The server is stopping: give the delivery up (it is tried again at the next start). */
static int progress(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	const atomic_int *stop = p;

	(void)dt, (void)dn, (void)ut, (void)un;
	return atomic_load(stop) ? 1 : 0;
}

/* What went wrong, in words an administrator can act on. where: "the mail relay" or "the
 * webhook"; detail: libcurl's own words, when it has them. */
static void reason(CURLcode rc, const char *where, const char *detail, char why[ALERTS_REASON_LEN])
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(why, ALERTS_REASON_LEN, "Could not find %s: its name is not known.",
			 where);
		break;
	case CURLE_COULDNT_CONNECT:
		snprintf(why, ALERTS_REASON_LEN,
			 "Could not connect to %s: it may be down, or a firewall is in the way.",
			 where);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(why, ALERTS_REASON_LEN, "No answer from %s in time.", where);
		break;
	case CURLE_LOGIN_DENIED:
		snprintf(why, ALERTS_REASON_LEN, "Refused by %s: the login was wrong.", where);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_USE_SSL_FAILED:
		snprintf(why, ALERTS_REASON_LEN,
			 "The secure connection to %s failed: check its certificate.", where);
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		snprintf(why, ALERTS_REASON_LEN,
			 "The server stopped while sending to %s. It tries again when it starts.",
			 where);
		break;
	default:
		snprintf(why, ALERTS_REASON_LEN, "Sending to %s failed: %s", where,
			 detail && *detail ? detail : curl_easy_strerror(rc));
		break;
	}
}

static void common(CURL *h, const atomic_int *stop, char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, TOTAL_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, (const void *)stop);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	errbuf[0] = '\0';
}

typedef struct reader {
	const char *at;
	size_t left;
} reader;

static size_t read_message(char *buf, size_t size, size_t n, void *p)
{
	reader *r = p;
	size_t take = size * n < r->left ? size * n : r->left;

	memcpy(buf, r->at, take);
	r->at += take;
	r->left -= take;
	return take;
}

/* "<a@b>" for each comma-separated address in to. NULL when memory runs out. */
static struct curl_slist *recipients(const char *to)
{
	struct curl_slist *list = NULL, *grown;
	char one[ADDRESS_MAX + 3];

	while (*to) {
		size_t n = strcspn(to, ",");
		const char *a = to;

		while (n && (*a == ' ')) {
			a++;
			n--;
		}
		while (n && a[n - 1] == ' ')
			n--;
		if (n && n <= ADDRESS_MAX) {
			snprintf(one, sizeof(one), "<%.*s>", (int)n, a);
			grown = curl_slist_append(list, one);
			if (!grown) {
				curl_slist_free_all(list);
				return NULL;
			}
			list = grown;
		}
		to += strcspn(to, ",");
		to += *to == ',';
	}
	return list;
}

int alerts_send_email(const alerts_route *r, const char *message, const atomic_int *stop,
		      char why[ALERTS_REASON_LEN])
{
	CURL *h = curl_easy_init();
	struct curl_slist *rcpt = recipients(r->to);
	reader rd = {message, strlen(message)};
	char errbuf[CURL_ERROR_SIZE], from[ADDRESS_MAX + 3];
	CURLcode rc;
	int out = -1;

	if (!h || !rcpt) {
		snprintf(why, ALERTS_REASON_LEN,
			 "The server ran out of memory: it will try again.");
		goto done;
	}
	snprintf(from, sizeof(from), "<%s>", r->from);
	common(h, stop, errbuf);
	curl_easy_setopt(h, CURLOPT_URL, r->smtp);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* STARTTLS whenever the relay offers it; smtps:// is TLS from the start */
	curl_easy_setopt(h, CURLOPT_USE_SSL,
			 strncmp(r->smtp, "smtps:", 6) == 0 ? (long)CURLUSESSL_ALL
							    : (long)CURLUSESSL_TRY);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(h, CURLOPT_READDATA, &rd);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		reason(rc, "the mail relay", errbuf, why);
		goto done;
	}
	out = 0;
done:
	curl_slist_free_all(rcpt);
	if (h)
		curl_easy_cleanup(h);
	return out;
}

int alerts_send_webhook(const alerts_route *r, const char *json, const atomic_int *stop,
			char why[ALERTS_REASON_LEN])
{
	CURL *h = curl_easy_init();
	struct curl_slist *headers = NULL, *grown;
	char errbuf[CURL_ERROR_SIZE], auth[600];
	long status = 0;
	CURLcode rc;
	int out = -1;

	if (!h || !(headers = curl_slist_append(NULL, "Content-Type: application/json"))) {
		snprintf(why, ALERTS_REASON_LEN,
			 "The server ran out of memory: it will try again.");
		goto done;
	}
	if (r->token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", r->token);
		grown = curl_slist_append(headers, auth);
		memset(auth, 0, sizeof(auth));
		if (!grown) {
			snprintf(why, ALERTS_REASON_LEN,
				 "The server ran out of memory: it will try again.");
			goto done;
		}
		headers = grown;
	}
	common(h, stop, errbuf);
	curl_easy_setopt(h, CURLOPT_URL, r->webhook);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		reason(rc, "the webhook", errbuf, why);
		goto done;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		snprintf(why, ALERTS_REASON_LEN,
			 "The webhook answered with HTTP status %ld, not success: it will try "
			 "again.",
			 status);
		goto done;
	}
	out = 0;
done:
	curl_slist_free_all(headers);
	if (h)
		curl_easy_cleanup(h);
	return out;
}
