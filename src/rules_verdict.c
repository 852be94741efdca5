/*
 * helpq - rules_verdict.c: what the rules decided about a message, item
 * by item, and the two ways of showing it: words (the "rules" audit
 * event, "helpq rules test") and JSON ("rules test --json"). Both walk
 * the same items, so they cannot disagree or leave one out.
 */
#include "compat.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rules_private.h"
#include "safe.h"
#include "xmalloc.h"

/* Where the values start in RULES_TEXT_LINES, after the label. */
#define TEXT_COLUMN	16

void
rules_verdict_clear(struct rules_verdict *v)
{
	size_t	i;

	xfreev(v->tags_add, v->ntags_add);
	xfreev(v->tags_remove, v->ntags_remove);
	free(v->queue);
	free(v->assignee);
	free(v->ack_template);
	xfreev(v->escalate, v->nescalate);
	xfreev(v->notes, v->nnotes);
	for (i = 0; i < v->nfields; i++) {
		free(v->fields[i].name);
		free(v->fields[i].value);
	}
	free(v->fields);
	free(v->fired);
	for (i = 0; i < v->nlimited; i++)
		free(v->limited[i].error);
	free(v->limited);
	memset(v, 0, sizeof *v);
}

/* ---- the items ---- */

static struct rules_item *
item(struct rules_item *it, enum rules_item_kind kind, const char *key,
    const char *label)
{
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->key = key;
	it->label = label;
	return (it);
}

static void
item_strv(struct rules_item *it, char *const *strv, size_t n)
{
	it->strv = strv;
	it->n = n;
	it->set = n > 0;
}

static void
item_string(struct rules_item *it, const char *s)
{
	it->s = s;
	it->set = s != NULL;
}

static void
item_flag(struct rules_item *it, int flag)
{
	it->flag = flag;
	it->set = flag != 0;
}

/* In the order "helpq rules test" shows them; JSON keeps it too. */
void
rules_verdict_each(const struct rules_verdict *v, rules_item_fn *fn,
    void *arg)
{
	struct rules_item	it;

	item(&it, RULES_ITEM_RULES, "fired", "rules fired");
	it.key2 = "fired_rules";
	it.rules = v->fired;
	it.n = v->nfired;
	it.set = v->nfired > 0;
	fn(&it, arg);
	item_strv(item(&it, RULES_ITEM_WORDS, "tags", "tags"), v->tags_add,
	    v->ntags_add);
	fn(&it, arg);
	item_strv(item(&it, RULES_ITEM_WORDS, "untags", "untags"),
	    v->tags_remove, v->ntags_remove);
	fn(&it, arg);
	item_string(item(&it, RULES_ITEM_STRING, "queue", "queue"),
	    v->queue);
	fn(&it, arg);
	item_string(item(&it, RULES_ITEM_STRING, "priority", "priority"),
	    rules_priority_name(v->priority));
	fn(&it, arg);
	item_string(item(&it, RULES_ITEM_STRING, "assignee", "assign"),
	    v->assignee);
	fn(&it, arg);
	item(&it, RULES_ITEM_DURATION, "response_time", "respond within");
	it.key2 = "business_hours";
	it.number = v->response_time;
	it.flag = v->response_business;
	it.set = v->response_time != 0;
	fn(&it, arg);
	item_string(item(&it, RULES_ITEM_STRING, "ack_template",
	    "ack template"), v->ack_template);
	fn(&it, arg);
	item_flag(item(&it, RULES_ITEM_FLAG, "noack", "no ack"), v->noack);
	fn(&it, arg);
	item_flag(item(&it, RULES_ITEM_FLAG, "automated", "automated"),
	    v->automated);
	fn(&it, arg);
	item_flag(item(&it, RULES_ITEM_FLAG, "ignore", "ignored"), v->ignore);
	fn(&it, arg);
	item_flag(item(&it, RULES_ITEM_FLAG, "close", "close"), v->close);
	fn(&it, arg);
	item_strv(item(&it, RULES_ITEM_WORDS, "escalate", "escalate"),
	    v->escalate, v->nescalate);
	fn(&it, arg);
	item_strv(item(&it, RULES_ITEM_LINES, "notes", "note"), v->notes,
	    v->nnotes);
	fn(&it, arg);
	item(&it, RULES_ITEM_FIELDS, "fields", "set");
	it.fields = v->fields;
	it.n = v->nfields;
	it.set = v->nfields > 0;
	fn(&it, arg);
	item_flag(item(&it, RULES_ITEM_FLAG, "stopped", "stop"), v->stopped);
	fn(&it, arg);
	item(&it, RULES_ITEM_LIMITS, "limits", "warning");
	it.key2 = "limited_rules";
	it.number = v->limits;
	it.limited = v->limited;
	it.n = v->nlimited;
	it.set = v->limits > 0;
	fn(&it, arg);
}

/* ---- words ---- */

struct text {
	struct buf	 b;
	int		 lines;		/* RULES_TEXT_LINES */
	size_t		 n;		/* items so far */
};

/* An item begins: its label, then (valued) room for the value. */
static void
text_label(struct text *t, const char *label, int valued)
{
	size_t	len = strlen(label) + 1;

	if (t->lines) {
		buf_addf(&t->b, "  %s%s", label, valued ? ":" : "");
		if (valued)
			buf_addf(&t->b, "%*s", len < TEXT_COLUMN ?
			    (int)(TEXT_COLUMN - len) : 1, "");
		return;
	}
	if (t->n++ > 0)
		buf_adds(&t->b, "; ");
	buf_adds(&t->b, label);
	if (valued)
		buf_addc(&t->b, ' ');
}

static void
text_end(struct text *t)
{
	if (t->lines)
		buf_addc(&t->b, '\n');
}

static void
text_safe(struct text *t, const char *s)
{
	safe_add(&t->b, s, 0);
}

/* "name" (file:line), as the trace and the errors name a rule. */
static void
text_rule(struct text *t, const char *name, const char *file,
    unsigned line)
{
	buf_addc(&t->b, '"');
	text_safe(t, name);
	buf_adds(&t->b, "\" (");
	text_safe(t, file);
	buf_addf(&t->b, ":%u", line);
}

/* As the rule language writes it: 1d4h, 30m. */
static void
text_duration(struct text *t, int64_t secs)
{
	static const struct {
		int64_t	 n;
		char	 unit;
	} units[] = { { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };
	size_t	i;

	for (i = 0; i < nitems(units); i++) {
		if (secs >= units[i].n) {
			buf_addf(&t->b, "%lld%c", (long long)(secs /
			    units[i].n), units[i].unit);
			secs %= units[i].n;
		}
	}
}

/* The rules that fired: on one line the event's kind says "rules". */
static void
text_fired(struct text *t, const struct rules_item *it)
{
	size_t	i;

	if (t->lines)
		text_label(t, it->label, 1);
	else if (t->n++ > 0)
		buf_adds(&t->b, "; ");
	if (it->n == 0)
		buf_adds(&t->b, "none");
	for (i = 0; i < it->n; i++) {
		/* One a line under each other: a rule's place is long. */
		if (i > 0 && t->lines)
			buf_addf(&t->b, "\n%*s", TEXT_COLUMN + 2, "");
		else if (i > 0)
			buf_adds(&t->b, ", ");
		text_rule(t, it->rules[i].name, it->rules[i].file,
		    it->rules[i].line);
		buf_addc(&t->b, ')');
	}
	text_end(t);
}

static void
text_limits(struct text *t, const struct rules_item *it)
{
	size_t	i;

	text_label(t, it->label, 1);
	buf_addf(&t->b, "%lld regular expression%s gave up", (long long)
	    it->number, it->number == 1 ? "" : "s");
	for (i = 0; i < it->n; i++) {
		buf_adds(&t->b, i == 0 ? " in " : ", ");
		text_rule(t, it->limited[i].name, it->limited[i].file,
		    it->limited[i].line);
		buf_adds(&t->b, ": ");
		text_safe(t, it->limited[i].error);
		buf_addc(&t->b, ')');
	}
	text_end(t);
}

static void
text_item(const struct rules_item *it, void *arg)
{
	struct text	*t = arg;
	size_t		 i;

	if (it->kind == RULES_ITEM_RULES && (it->set || t->lines)) {
		text_fired(t, it);
		return;
	}
	if (!it->set)
		return;
	switch (it->kind) {
	case RULES_ITEM_WORDS:
		text_label(t, it->label, 1);
		for (i = 0; i < it->n; i++) {
			buf_adds(&t->b, i == 0 ? "" : " ");
			text_safe(t, it->strv[i]);
		}
		break;
	case RULES_ITEM_LINES:
		for (i = 0; i < it->n; i++) {
			text_label(t, it->label, 1);
			text_safe(t, it->strv[i]);
			text_end(t);
		}
		return;
	case RULES_ITEM_STRING:
		text_label(t, it->label, 1);
		text_safe(t, it->s);
		break;
	case RULES_ITEM_FLAG:
		text_label(t, it->label, 0);
		break;
	case RULES_ITEM_DURATION:
		text_label(t, it->label, 1);
		text_duration(t, it->number);
		buf_adds(&t->b, it->flag ? " business hours" :
		    " calendar hours");
		break;
	case RULES_ITEM_FIELDS:
		for (i = 0; i < it->n; i++) {
			text_label(t, it->label, 1);
			text_safe(t, it->fields[i].name);
			buf_adds(&t->b, " = ");
			text_safe(t, it->fields[i].value);
			text_end(t);
		}
		return;
	case RULES_ITEM_LIMITS:
		text_limits(t, it);
		return;
	case RULES_ITEM_RULES:
		break;
	}
	text_end(t);
}

char *
rules_verdict_text(const struct rules_verdict *v, int flags)
{
	struct text	t;

	memset(&t, 0, sizeof t);
	buf_init(&t.b);
	t.lines = (flags & RULES_TEXT_LINES) != 0;
	if (v->nfired > 0 || t.lines)
		rules_verdict_each(v, text_item, &t);
	return (buf_steal(&t.b, NULL));
}

/* ---- JSON ---- */

static json_t *
json_rule(const char *name, const char *file, unsigned line)
{
	json_t	*o = json_object();

	json_object_set_new(o, "rule", safe_json(name));
	json_object_set_new(o, "file", safe_json(file));
	json_object_set_new(o, "line", json_integer(line));
	return (o);
}

static void
json_item(const struct rules_item *it, void *arg)
{
	json_t	*o = arg, *a = NULL, *b = NULL, *x;
	size_t	 i;

	switch (it->kind) {
	case RULES_ITEM_RULES:
		a = json_array();
		b = json_array();
		for (i = 0; i < it->n; i++) {
			json_array_append_new(a, safe_json(it->rules[i].name));
			json_array_append_new(b, json_rule(it->rules[i].name,
			    it->rules[i].file, it->rules[i].line));
		}
		break;
	case RULES_ITEM_WORDS:
	case RULES_ITEM_LINES:
		a = json_array();
		for (i = 0; i < it->n; i++)
			json_array_append_new(a, safe_json(it->strv[i]));
		break;
	case RULES_ITEM_STRING:
		a = safe_json(it->s);
		break;
	case RULES_ITEM_FLAG:
		a = json_boolean(it->flag);
		break;
	case RULES_ITEM_DURATION:
		a = it->set ? json_integer((json_int_t)it->number) :
		    json_null();
		b = json_boolean(it->flag);
		break;
	case RULES_ITEM_FIELDS:
		a = json_object();
		for (i = 0; i < it->n; i++)
			json_object_set_new(a, it->fields[i].name,
			    safe_json(it->fields[i].value));
		break;
	case RULES_ITEM_LIMITS:
		a = json_integer((json_int_t)it->number);
		b = json_array();
		for (i = 0; i < it->n; i++) {
			x = json_rule(it->limited[i].name,
			    it->limited[i].file, it->limited[i].line);
			json_object_set_new(x, "error",
			    safe_json(it->limited[i].error));
			json_array_append_new(b, x);
		}
		break;
	}
	json_object_set_new(o, it->key, a != NULL ? a : json_null());
	if (it->key2 != NULL && b != NULL)
		json_object_set_new(o, it->key2, b);
	else
		json_decref(b);
}

json_t *
rules_verdict_json(const struct rules_verdict *v)
{
	json_t	*o = json_object();

	rules_verdict_each(v, json_item, o);
	return (o);
}
