/* staff_users: staff accounts managed from the staff pages by admins (docs/staff.md, "Users"),
 * as `planaloud user` manages them from the command line and by the same rules (users.c): list,
 * add with a role, disable and enable, a new password, a new role. Each change is audited in the
 * same transaction with the admin who made it.
 *
 * A new password is made by the server (users_password_generate: about 99 bits, easy to read out)
 * and is in the one reply to the admin who asked, and nowhere else: not in the audit row, not in a
 * log. An admin cannot disable their own account or give it a new password here (another admin
 * can), changes their own role only when the request says `confirm`, and no change may leave the
 * service without an enabled admin (the store refuses that inside the same transaction). */
#include "staff_int.h"

#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct user_list {
	cJSON *arr;
	long long me; /* the admin asking: their row says "you" */
	int failed;
} user_list;

static void add_time(cJSON *o, const char *name, long long ms)
{
	char iso[STAFF_ISO_LEN];

	staff_iso_ms(ms, iso);
	cJSON_AddStringToObject(o, name, iso);
}

static cJSON *user_json(const store_user *u, long long me)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "name", u->name);
	cJSON_AddStringToObject(o, "role", u->role);
	cJSON_AddBoolToObject(o, "disabled", u->disabled);
	add_time(o, "added", u->created_ms);
	cJSON_AddBoolToObject(o, "you", u->id == me);
	return o;
}

static void add_user(void *ctx, const store_user *u)
{
	user_list *l = ctx;
	cJSON *o = user_json(u, l->me);

	if (!o || !cJSON_AddItemToArray(l->arr, o)) {
		cJSON_Delete(o);
		l->failed = 1;
	}
}

/* The `users` reply: every account, by name. */
static int send_users(staff_session *ss, long long seq)
{
	user_list l = {.me = ss->who.id};
	cJSON *r = staff_view_message("users", seq);

	if (!r || !(l.arr = cJSON_AddArrayToObject(r, "users")) ||
	    store_users_each(ss->sf->st, add_user, &l) < 0 || l.failed) {
		cJSON_Delete(r);
		return staff_fail(ss, "server");
	}
	staff_reply(ss, r, 0);
	return 0;
}

int staff_handle_users(void *session, const cJSON *m, long long seq)
{
	(void)m;
	return send_users(session, seq);
}

/* The request's "name": a name a user could have (bad-name), or absent (bad-message). */
static int name_arg(staff_session *ss, const cJSON *m, const char **name)
{
	const char *t = message_str(m, "name");

	if (!t)
		return staff_fail(ss, "bad-message");
	if (!users_name_valid(t))
		return staff_fail(ss, "bad-name");
	*name = t;
	return 0;
}

/* The request's "name", which must be a user's: 0 and *u (its hash wiped), or -1. */
static int user_arg(staff_session *ss, const cJSON *m, store_user *u)
{
	const char *name;
	int rc;

	if (name_arg(ss, m, &name))
		return -1;
	rc = store_user_find(ss->sf->st, name, u);
	sodium_memzero(u->password_hash, sizeof(u->password_hash));
	if (rc == 1)
		return staff_fail(ss, "no-user");
	if (rc)
		return staff_fail(ss, "server");
	return 0;
}

static int role_arg(staff_session *ss, const cJSON *m, auth_role *role)
{
	const char *t = message_str(m, "role");

	if (!t)
		return staff_fail(ss, "bad-message");
	if (auth_role_parse(t, role))
		return staff_fail(ss, "bad-role");
	return 0;
}

/* A store write about a user: 0 done, 1 no such user, 2 no admin would be left; else failed. */
static int user_wrote(staff_session *ss, int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case 1:
		return staff_fail(ss, "no-user");
	case 2:
		return staff_fail(ss, "last-admin");
	default:
		return staff_fail(ss, "not-saved");
	}
}

/* Sends {"type": type, "user": {...}, "password": pw} and wipes the copies made here. */
static int send_password(staff_session *ss, const char *type, const char *name, const char *pw,
			 long long seq)
{
	store_user u;
	cJSON *r = staff_view_message(type, seq), *o = NULL, *p;
	char *text = NULL;
	int rc = -1;

	if (!r || store_user_find(ss->sf->st, name, &u) != 0)
		goto out;
	sodium_memzero(u.password_hash, sizeof(u.password_hash));
	if (!(o = user_json(&u, ss->who.id)) || !cJSON_AddItemToObject(r, "user", o)) {
		cJSON_Delete(o);
		goto out;
	}
	if (!cJSON_AddStringToObject(r, "password", pw) || !(text = cJSON_PrintUnformatted(r)))
		goto out;
	ss->sf->io.send(ss->conn, text, strlen(text), 0);
	rc = 0;
out:
	if (rc)
		staff_fail(ss, "server");
	p = r ? cJSON_GetObjectItem(r, "password") : NULL;
	if (p && p->valuestring)
		sodium_memzero(p->valuestring, strlen(p->valuestring));
	if (text) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	cJSON_Delete(r);
	return rc;
}

int staff_handle_user_add(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	store_actor by = staff_actor(ss);
	char pw[USERS_GENERATED_TEXT], err[STORE_ERR_LEN];
	const char *name;
	auth_role role;
	int rc = -1;

	if (name_arg(ss, m, &name) || role_arg(ss, m, &role))
		return -1;
	users_password_generate(pw);
	switch (users_add(ss->sf->u, name, role, pw, &by, NULL, err, sizeof(err))) {
	case 0:
		rc = send_password(ss, "user_added", name, pw, seq);
		break;
	case 1:
		staff_fail(ss, "name-taken");
		break;
	default:
		staff_fail(ss, "not-saved");
	}
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

int staff_handle_user_password(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	store_actor by = staff_actor(ss);
	char pw[USERS_GENERATED_TEXT], err[STORE_ERR_LEN];
	store_user u;
	int rc = -1;

	if (user_arg(ss, m, &u))
		return -1;
	/* Their own password changed here would end this very session with it. */
	if (u.id == ss->who.id)
		return staff_fail(ss, "own-account");
	users_password_generate(pw);
	if (user_wrote(ss, users_set_password(ss->sf->u, u.name, pw, &by, err, sizeof(err))) == 0)
		rc = send_password(ss, "user_password", u.name, pw, seq);
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

static int set_disabled(staff_session *ss, const cJSON *m, long long seq, int disabled)
{
	store_actor by = staff_actor(ss);
	char err[STORE_ERR_LEN];
	store_user u;

	if (user_arg(ss, m, &u))
		return -1;
	if (disabled && u.id == ss->who.id)
		return staff_fail(ss, "own-account");
	if (user_wrote(ss, users_set_disabled(ss->sf->u, u.name, disabled, &by, err, sizeof(err))))
		return -1;
	return send_users(ss, seq);
}

int staff_handle_user_disable(void *session, const cJSON *m, long long seq)
{
	return set_disabled(session, m, seq, 1);
}

int staff_handle_user_enable(void *session, const cJSON *m, long long seq)
{
	return set_disabled(session, m, seq, 0);
}

int staff_handle_user_role(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	store_actor by = staff_actor(ss);
	char err[STORE_ERR_LEN];
	store_user u;
	auth_role role;

	if (user_arg(ss, m, &u) || role_arg(ss, m, &role))
		return -1;
	/* Changing one's own role takes one's own rights away at the next message. */
	if (u.id == ss->who.id && role != ss->who.role &&
	    !cJSON_IsTrue(cJSON_GetObjectItem(m, "confirm")))
		return staff_fail(ss, "confirm-own-role");
	if (user_wrote(ss, store_user_set_role(ss->sf->st, u.id, auth_role_name(role), &by, err,
					       sizeof(err))))
		return -1;
	return send_users(ss, seq);
}
