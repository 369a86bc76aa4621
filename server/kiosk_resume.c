/* kiosk_resume: coming back after a dropped connection or a restarted server, without the code.
 *
 * The page makes a secret when it loads (resume_key) and holds it, and the token the server gives
 * when a plan opens (resume_token), only in its memory. The store keeps a hash of the two together,
 * so neither alone opens anything, and the plan's code sealed with a key only the token gives, so
 * the database alone gives no codes (docs/security.md). A token works once: each resume gives a new
 * one. It stops working after the kiosk's timeout without anything from the person, and at
 * Finish. */
#include "kiosk_int.h"

#include "flow.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define TOKEN_BYTES	32
#define TOKEN_TEXT_LEN	48 /* base64url of 32 bytes, no padding: 43 and a NUL */
#define SEAL_CONTEXT	"planaloud resume code"
#define RESUME_FAIL_MSG "resume.failed"

static long long window_ms(const kiosk_session *s)
{
	return 1000LL * (s->p->cfg.idle_seconds + s->p->cfg.warn_seconds);
}

/* The store's key of a token: a hash of the token and the page's secret together. */
static void token_hash(const kiosk_session *s, const unsigned char *token,
		       unsigned char out[STORE_HASH_BYTES])
{
	crypto_generichash(out, STORE_HASH_BYTES, token, TOKEN_BYTES, s->resume_key,
			   sizeof(s->resume_key));
}

/* The key that seals the plan's code: from the token alone, so the store cannot make it. */
static void seal_key(const unsigned char *token, unsigned char out[crypto_secretbox_KEYBYTES])
{
	crypto_generichash(out, crypto_secretbox_KEYBYTES, (const unsigned char *)SEAL_CONTEXT,
			   sizeof(SEAL_CONTEXT) - 1, token, TOKEN_BYTES);
}

static int decode(const char *text, unsigned char *out, size_t n)
{
	size_t got = 0;

	return text &&
		       sodium_base642bin(out, n, text, strlen(text), NULL, &got, NULL,
					 sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
		       got == n
		   ? 0
		   : -1;
}

/* A token for the plan open now, kept (hashed) in the request's savepoint, and sent to the page
 * once that commits. The session's earlier token stops working. */
int kiosk_resume_issue(kiosk_session *s)
{
	unsigned char token[TOKEN_BYTES], key[crypto_secretbox_KEYBYTES];
	unsigned char padded[CODE_MAX] = {0};
	char text[TOKEN_TEXT_LEN];
	store_resume r;
	cJSON *msg;
	int rc = -1;

	if (!s->plan || !s->has_key)
		return 0;
	kiosk_resume_revoke(s);
	memset(&r, 0, sizeof(r));
	randombytes_buf(token, sizeof(token));
	token_hash(s, token, r.hash);
	seal_key(token, key);
	snprintf((char *)padded, sizeof(padded), "%s", s->code);
	randombytes_buf(r.box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(r.box + crypto_secretbox_NONCEBYTES, padded, sizeof(padded), r.box,
			      key);
	r.plan = s->plan;
	r.visit = s->visit;
	snprintf(r.page, sizeof(r.page), "%s", content_page_at(s->c, s->page)->id);
	r.expires_ms = kiosk_now_ms(s->p) + window_ms(s);
	if (store_resume_add(s->p->st, &r))
		goto out;
	s->token_expires_ms = r.expires_ms;
	memcpy(s->resume_hash, r.hash, sizeof(s->resume_hash));
	s->has_token = 1;
	sodium_bin2base64(text, sizeof(text), token, sizeof(token),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	msg = cJSON_CreateObject();
	cJSON_AddStringToObject(msg, "type", "resume_token");
	cJSON_AddStringToObject(msg, "token", text);
	cJSON_AddNumberToObject(msg, "seconds", (double)(window_ms(s) / 1000));
	kiosk_reply(s, msg, 0);
	rc = 0;
out:
	sodium_memzero(text, sizeof(text));
	sodium_memzero(token, sizeof(token));
	sodium_memzero(key, sizeof(key));
	sodium_memzero(padded, sizeof(padded));
	return rc;
}

int kiosk_resume_touch(kiosk_session *s)
{
	long long expires;

	if (!s->has_token || !s->plan)
		return 0;
	expires = kiosk_now_ms(s->p) + window_ms(s);
	if (store_resume_touch(s->p->st, s->resume_hash, content_page_at(s->c, s->page)->id,
			       expires))
		return -1;
	s->token_expires_ms = expires;
	return 0;
}

/* A person who only listens sends no answer and changes no page, yet is there: each narrate
 * moves the token on too, but at most once in this long, and inside the batch the loop commits
 * anyway (with everyone's answers), so listening costs no commit of its own per request. The
 * token then lasts at least the window less this after the last thing the person asked for. */
#define SEEN_EVERY_MS 30000

void kiosk_resume_seen(kiosk_session *s)
{
	if (!s->has_token || !s->plan ||
	    kiosk_now_ms(s->p) + window_ms(s) - s->token_expires_ms < SEEN_EVERY_MS)
		return;
	if (store_request_begin(s->p->st, NULL, 0))
		return;
	/* not acknowledged to anyone: a failed commit only leaves the token's older expiry */
	if (kiosk_resume_touch(s))
		store_request_undo(s->p->st);
	else
		store_request_end(s->p->st);
}

void kiosk_resume_revoke(kiosk_session *s)
{
	if (s->has_token)
		store_resume_revoke(s->p->st, s->resume_hash);
	s->has_token = 0;
	sodium_memzero(s->resume_hash, sizeof(s->resume_hash));
}

int kiosk_handle_resume_key(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;

	(void)seq;
	if (s->has_key || decode(message_str(m, "key"), s->resume_key, sizeof(s->resume_key)))
		return kiosk_fail(s, "bad-message");
	s->has_key = 1;
	return 0;
}

/* The token's plan, opened again as it was: its visit, its code, its page. 1 when the token
 * does not open anything. */
static int take(kiosk_session *s, const unsigned char *token)
{
	unsigned char hash[STORE_HASH_BYTES], key[crypto_secretbox_KEYBYTES];
	unsigned char code[CODE_MAX];
	store_resume r;
	size_t index;
	int rc;

	token_hash(s, token, hash);
	rc = store_resume_take(s->p->st, hash, kiosk_now_ms(s->p), &r);
	if (rc != 0)
		return rc;
	seal_key(token, key);
	rc = 1;
	if (crypto_secretbox_open_easy(code, r.box + crypto_secretbox_NONCEBYTES,
				       sizeof(r.box) - crypto_secretbox_NONCEBYTES, r.box,
				       key) != 0 ||
	    memchr(code, '\0', sizeof(code)) == NULL)
		goto out;
	rc = -1;
	if (kiosk_plan_adopt(s, r.plan, (const char *)code))
		goto out;
	s->visit = r.visit;
	s->page = content_page_find(s->c, r.page, &index) ? index
							  : kiosk_kind_index(s, KIND_WELCOME_BACK);
	rc = 0;
out:
	sodium_memzero(code, sizeof(code));
	sodium_memzero(key, sizeof(key));
	sodium_memzero(&r, sizeof(r));
	return rc;
}

int kiosk_handle_resume(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	unsigned char token[TOKEN_BYTES];
	int found = -1, waiting;

	if (s->plan)
		return kiosk_fail(s, "not-allowed");
	waiting = kiosk_guess_wait(s) > 0;
	if (!s->has_key || waiting || decode(message_str(m, "token"), token, sizeof(token)))
		found = 1;
	else if ((found = take(s, token)) < 0)
		found = kiosk_fail(s, "server");
	sodium_memzero(token, sizeof(token));
	if (found < 0)
		return -1;
	if (found > 0) {
		/* wrong, used, revoked, expired or bound to another page: the code page, as today
		 */
		if (!waiting)
			kiosk_guess_wrong(s);
		s->notice = RESUME_FAIL_MSG;
		kiosk_go_to(s, s->p->code_index, seq);
		return 0;
	}
	s->wrong_codes = 0;
	s->opened_in_batch = 1; /* a failed commit closes it again: the old token still works */
	kiosk_go_to(s, s->page, seq);
	kiosk_resume_issue(s);
	return 0;
}
