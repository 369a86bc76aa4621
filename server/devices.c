/* devices: enrolled kiosks' one-time links and device tokens (devices.h). */
#include "devices.h"

#include <sodium.h>
#include <string.h>

static void encode(const unsigned char token[DEVICES_TOKEN_BYTES], char out[DEVICES_TOKEN_TEXT])
{
	sodium_bin2base64(out, DEVICES_TOKEN_TEXT, token, DEVICES_TOKEN_BYTES,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int devices_decode(const char *text, unsigned char token[DEVICES_TOKEN_BYTES])
{
	size_t len = strlen(text), got = 0;
	const char *end = NULL;

	if (len != DEVICES_TOKEN_TEXT - 1 ||
	    sodium_base642bin(token, DEVICES_TOKEN_BYTES, text, len, NULL, &got, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    got != DEVICES_TOKEN_BYTES || end != text + len)
		return -1;
	return 0;
}

void devices_hash(const unsigned char token[DEVICES_TOKEN_BYTES],
		  unsigned char hash[STORE_HASH_BYTES])
{
	crypto_generichash(hash, STORE_HASH_BYTES, token, DEVICES_TOKEN_BYTES, NULL, 0);
}

int devices_add(store *st, const char *label, long long now_ms, const store_actor *by,
		char link[DEVICES_TOKEN_TEXT], long long *id, char *err, size_t errlen)
{
	unsigned char token[DEVICES_TOKEN_BYTES], hash[STORE_HASH_BYTES];
	int rc;

	randombytes_buf(token, sizeof(token));
	devices_hash(token, hash);
	rc =
	    store_kiosk_add(st, label, hash, now_ms + DEVICES_LINK_MS, now_ms, by, id, err, errlen);
	if (rc == 0)
		encode(token, link);
	sodium_memzero(token, sizeof(token));
	return rc;
}

int devices_enrol(store *st, const char *link_text, long long now_ms,
		  char device[DEVICES_TOKEN_TEXT], long long *id, char *err, size_t errlen)
{
	unsigned char link[DEVICES_TOKEN_BYTES], link_hash[STORE_HASH_BYTES];
	unsigned char token[DEVICES_TOKEN_BYTES], hash[STORE_HASH_BYTES];
	int rc = 1;

	if (devices_decode(link_text, link))
		goto out;
	devices_hash(link, link_hash);
	randombytes_buf(token, sizeof(token));
	devices_hash(token, hash);
	rc = store_kiosk_enrol(st, link_hash, hash, now_ms, id, err, errlen);
	if (rc == 0)
		encode(token, device);
out:
	sodium_memzero(link, sizeof(link));
	sodium_memzero(token, sizeof(token));
	return rc;
}

int devices_find(store *st, const unsigned char hash[STORE_HASH_BYTES], long long *id)
{
	return store_kiosk_find(st, hash, id);
}
