#include "version.h"

#include "cards.h"

#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One change; v0 and v1 are copied (NULL: none). 0, or -1 when memory runs out. */
static int add_change(cJSON *out, const char *section, const char *label, long long item,
		      const char *field, const cJSON *v0, const cJSON *v1)
{
	cJSON *ch = cJSON_CreateObject();
	cJSON *b = v0 ? cJSON_Duplicate(v0, 1) : cJSON_CreateNull();
	cJSON *a = v1 ? cJSON_Duplicate(v1, 1) : cJSON_CreateNull();

	if (!ch || !b || !a || !cJSON_AddStringToObject(ch, "section", section) ||
	    !cJSON_AddStringToObject(ch, "label", label) ||
	    !cJSON_AddNumberToObject(ch, "item", (double)item) ||
	    !cJSON_AddStringToObject(ch, "field", field)) {
		cJSON_Delete(ch);
		cJSON_Delete(b);
		cJSON_Delete(a);
		return -1;
	}
	cJSON_AddItemToObject(ch, "before", b);
	cJSON_AddItemToObject(ch, "after", a);
	cJSON_AddItemToArray(out, ch);
	return 0;
}

/* 1 when two values (either may be NULL: absent, the same as JSON null) are the same. */
static int same(const cJSON *a, const cJSON *b)
{
	if (!a || cJSON_IsNull(a))
		return !b || cJSON_IsNull(b);
	if (!b || cJSON_IsNull(b))
		return 0;
	return cJSON_Compare(a, b, 1);
}

/* Snapshots store 0/1 for yes/no: shown as booleans. */
static cJSON *as_bool(const cJSON *v)
{
	return v ? cJSON_CreateBool(cJSON_IsNumber(v) ? v->valuedouble != 0 : cJSON_IsTrue(v))
		 : NULL;
}

static int diff_bool(cJSON *out, const char *section, const char *label, long long item,
		     const char *field, const cJSON *v0, const cJSON *v1)
{
	cJSON *b0 = as_bool(v0), *b1 = as_bool(v1);
	int rc = 0;

	if (!same(b0, b1))
		rc = add_change(out, section, label, item, field, b0, b1);
	cJSON_Delete(b0);
	cJSON_Delete(b1);
	return rc;
}

static int diff_value(cJSON *out, const char *section, const char *label, long long item,
		      const char *field, const cJSON *v0, const cJSON *v1)
{
	return same(v0, v1) ? 0 : add_change(out, section, label, item, field, v0, v1);
}

static long long num(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItem(o, name);

	return cJSON_IsNumber(v) ? (long long)v->valuedouble : 0;
}

static const char *str(const cJSON *o, const char *name)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(o, name));

	return v ? v : "";
}

/* The entry of array `list` whose `id` is id (for needs and support), or NULL. */
static const cJSON *by_id(const cJSON *list, long long id)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, list)
	{
		if (num(it, "id") == id)
			return it;
	}
	return NULL;
}

/* The answer (page, item, field) in the answers array, or NULL. */
static const cJSON *answer(const cJSON *answers, const char *page, long long item,
			   const char *field)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, answers)
	{
		if (num(it, "item") == item && strcmp(str(it, "page"), page) == 0 &&
		    strcmp(str(it, "field"), field) == 0)
			return it;
	}
	return NULL;
}

/* Where an answer's page comes in the journey: its index, or past the end for a page the
 * content no longer has. */
static size_t page_order(const content *c, const char *page)
{
	size_t index;

	return content_page_find(c, page, &index) ? index : content_page_count(c);
}

typedef struct key {
	const char *page, *field;
	long long item;
	size_t order;
	int field_order;
} key;

static int key_cmp(const void *pa, const void *pb)
{
	const key *a = pa, *b = pb;
	int r;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	if ((r = strcmp(a->page, b->page)) != 0)
		return r;
	if (a->item != b->item)
		return a->item < b->item ? -1 : 1;
	if (a->field_order != b->field_order)
		return a->field_order < b->field_order ? -1 : 1;
	return strcmp(a->field, b->field);
}

static int field_order(const content_page *pg, const char *field)
{
	for (size_t i = 0; pg && i < pg->nfields; i++)
		if (strcmp(pg->fields[i].name, field) == 0)
			return (int)i;
	return pg ? (int)pg->nfields : 0;
}

/* The label of an answer: its page's title, and a list field's label after it. */
static void answer_label(const content *c, const key *k, buf *out)
{
	const content_page *pg = content_page_find(c, k->page, NULL);
	const char *title = pg ? pg->title : k->page;

	buf_reset(out);
	if (!*k->field) {
		buf_puts(out, title);
		return;
	}
	for (size_t i = 0; pg && i < pg->nfields; i++)
		if (strcmp(pg->fields[i].name, k->field) == 0) {
			buf_printf(out, "%s: %s", title, pg->fields[i].label);
			return;
		}
	/* The picture cards chosen on a page (cards.h): named as the staff's plan page names them.
	 */
	if (strcmp(k->field, CARDS_FIELD) == 0 && content_message(c, "staff.cards")) {
		buf_printf(out, "%s: %s", title, content_message(c, "staff.cards"));
		return;
	}
	buf_printf(out, "%s: %s", title, k->field);
}

static int diff_answers(const content *c, cJSON *out, const cJSON *a0, const cJSON *a1)
{
	size_t n = (size_t)cJSON_GetArraySize(a0) + (size_t)cJSON_GetArraySize(a1), nk = 0;
	key *keys = calloc(n ? n : 1, sizeof(*keys));
	const cJSON *lists[2] = {a0, a1}, *it;
	buf label = BUF_INIT;
	int rc = -1;

	if (!keys)
		return -1;
	for (int l = 0; l < 2; l++)
		cJSON_ArrayForEach(it, lists[l])
		{
			key k = {str(it, "page"), str(it, "field"), num(it, "item"), 0, 0};
			int seen = 0;

			for (size_t i = 0; i < nk && !seen; i++)
				seen = keys[i].item == k.item &&
				       strcmp(keys[i].page, k.page) == 0 &&
				       strcmp(keys[i].field, k.field) == 0;
			if (seen)
				continue;
			k.order = page_order(c, k.page);
			k.field_order = field_order(content_page_find(c, k.page, NULL), k.field);
			keys[nk++] = k;
		}
	qsort(keys, nk, sizeof(*keys), key_cmp);
	for (size_t i = 0; i < nk; i++) {
		const cJSON *v0 = cJSON_GetObjectItem(
		    answer(a0, keys[i].page, keys[i].item, keys[i].field), "value");
		const cJSON *v1 = cJSON_GetObjectItem(
		    answer(a1, keys[i].page, keys[i].item, keys[i].field), "value");

		if (same(v0, v1))
			continue;
		answer_label(c, &keys[i], &label);
		if (add_change(out, keys[i].page, buf_str(&label), keys[i].item, keys[i].field, v0,
			       v1))
			goto out;
	}
	rc = 0;
out:
	buf_release(&label);
	free(keys);
	return rc;
}

/* Needs or support items, matched by id: those of `before` in order, then any new in `after`. */
static int diff_by_id(cJSON *out, const char *section, const cJSON *l0, const cJSON *l1)
{
	const cJSON *lists[2] = {l0, l1}, *it;
	int is_needs = strcmp(section, "needs") == 0;

	for (int l = 0; l < 2; l++)
		cJSON_ArrayForEach(it, lists[l])
		{
			long long id = num(it, "id");
			const cJSON *e0 = by_id(l0, id), *e1 = by_id(l1, id);
			const char *label = str(e1 ? e1 : e0, is_needs ? "text" : "what");

			if (l == 1 && e0)
				continue; /* done with the first list */
			if (is_needs) {
				if (diff_value(out, section, label, id, "text",
					       cJSON_GetObjectItem(e0, "text"),
					       cJSON_GetObjectItem(e1, "text")) ||
				    diff_bool(out, section, label, id, "eligible",
					      cJSON_GetObjectItem(e0, "eligible"),
					      cJSON_GetObjectItem(e1, "eligible")) ||
				    diff_value(out, section, label, id, "how",
					       cJSON_GetObjectItem(e0, "how"),
					       cJSON_GetObjectItem(e1, "how")) ||
				    diff_bool(out, section, label, id, "direct_payment",
					      cJSON_GetObjectItem(e0, "direct_payment"),
					      cJSON_GetObjectItem(e1, "direct_payment")))
					return -1;
			} else if (diff_value(out, section, label, id, "what",
					      cJSON_GetObjectItem(e0, "what"),
					      cJSON_GetObjectItem(e1, "what")) ||
				   diff_value(out, section, label, id, "cost_pence",
					      cJSON_GetObjectItem(e0, "cost_pence"),
					      cJSON_GetObjectItem(e1, "cost_pence"))) {
				return -1;
			}
		}
	return 0;
}

cJSON *version_diff(const content *c, const char *before, const char *after)
{
	static const char *const scalars[] = {"person", "budget_pence", "managing", "risks"};
	cJSON *s0 = cJSON_Parse(before), *s1 = cJSON_Parse(after);
	cJSON *out = cJSON_CreateArray();

	if (!cJSON_IsObject(s0) || !cJSON_IsObject(s1) || !out)
		goto fail;
	if (diff_answers(c, out, cJSON_GetObjectItem(s0, "answers"),
			 cJSON_GetObjectItem(s1, "answers")) ||
	    diff_by_id(out, "needs", cJSON_GetObjectItem(s0, "needs"),
		       cJSON_GetObjectItem(s1, "needs")) ||
	    diff_by_id(out, "support", cJSON_GetObjectItem(s0, "support"),
		       cJSON_GetObjectItem(s1, "support")))
		goto fail;
	for (size_t i = 0; i < sizeof(scalars) / sizeof(*scalars); i++)
		if (diff_value(out, "council", scalars[i], 0, scalars[i],
			       cJSON_GetObjectItem(s0, scalars[i]),
			       cJSON_GetObjectItem(s1, scalars[i])))
			goto fail;
	if (diff_bool(out, "council", "emergency_checked", 0, "emergency_checked",
		      cJSON_GetObjectItem(s0, "emergency_checked"),
		      cJSON_GetObjectItem(s1, "emergency_checked")))
		goto fail;
	cJSON_Delete(s0);
	cJSON_Delete(s1);
	return out;
fail:
	cJSON_Delete(s0);
	cJSON_Delete(s1);
	cJSON_Delete(out);
	return NULL;
}
