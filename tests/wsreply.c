/* wsreply: reading the server's JSON replies, and asking and checking in one step, for the
 * integration tests (declared in wsclient.h). */
#include "check.h"
#include "wsclient.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading JSON replies ---- */

const cJSON *json_at(const cJSON *o, const char *path)
{
	char part[128];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		path += n + (path[n] == '.');
		if (cJSON_IsArray(o) && n && strspn(part, "0123456789") == n)
			o = cJSON_GetArrayItem(o, (int)strtol(part, NULL, 10));
		else if (cJSON_IsObject(o))
			o = cJSON_GetObjectItemCaseSensitive(o, part);
		else
			return NULL;
	}
	return o;
}

const char *json_str(const cJSON *o, const char *path)
{
	const cJSON *v = json_at(o, path);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

double json_num(const cJSON *o, const char *path, double otherwise)
{
	const cJSON *v = json_at(o, path);

	return cJSON_IsNumber(v) ? v->valuedouble : otherwise;
}

int json_bool(const cJSON *o, const char *path)
{
	const cJSON *v = json_at(o, path);

	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
}

int json_count(const cJSON *o, const char *path)
{
	const cJSON *v = json_at(o, path);

	return cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
}

int json_contains_text(const cJSON *o, const char *needle)
{
	const cJSON *it;

	if (!o)
		return 0;
	if (cJSON_IsString(o))
		return strstr(o->valuestring, needle) != NULL;
	cJSON_ArrayForEach(it, o)
	{
		if (json_contains_text(it, needle))
			return 1;
	}
	return 0;
}

/* ---- asking, for the integration tests ---- */

cJSON *wsclient_askf(wsclient *c, int timeout_ms, const char *fmt, ...)
{
	va_list ap;
	char *text;
	cJSON *r;

	va_start(ap, fmt);
	text = test_vformat(fmt, ap);
	va_end(ap);
	r = text ? wsclient_ask(c, text, timeout_ms) : NULL;
	free(text);
	return r;
}

int json_is_msg(const cJSON *m, const char *type, const char *what)
{
	const char *t = json_str(m, "type"), *w = NULL;
	char *text;

	if (t && strcmp(t, type) == 0) {
		if (!what)
			return 1;
		if (strcmp(t, "page") == 0)
			w = json_str(m, "page.id");
		else if (strcmp(t, "error") == 0)
			w = json_str(m, "code");
		else if (strcmp(t, "plan") == 0)
			w = json_str(m, "status");
		else
			w = json_str(m, "page");
		if (w && strcmp(w, what) == 0)
			return 1;
	}
	text = m ? cJSON_PrintUnformatted(m) : NULL;
	fprintf(stderr, "  expected %s %s, got: %.600s\n", type, what ? what : "",
		text ? text : "(nothing: timeout or closed)");
	free(text);
	return 0;
}

int wsclient_ask_is(wsclient *c, int timeout_ms, const char *type, const char *what,
		    const char *fmt, ...)
{
	va_list ap;
	char *text;
	cJSON *r;
	int ok;

	va_start(ap, fmt);
	text = test_vformat(fmt, ap);
	va_end(ap);
	if (!text)
		return 0;
	r = wsclient_ask(c, text, timeout_ms);
	ok = json_is_msg(r, type, what);
	if (!ok)
		fprintf(stderr, "  (in reply to %.300s)\n", text);
	free(text);
	cJSON_Delete(r);
	return ok;
}
