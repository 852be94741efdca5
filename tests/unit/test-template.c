/*
 * helpq - test-template.c: the shipped templates load and read well in
 * German, Greek and English; a language falls back; every kind of error
 * is reported with its file, line and column, and nothing half-loads.
 */
#include "compat.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "template.h"
#include "tz.h"
#include "xmalloc.h"
#include "../tap.h"

static char	tmpdir[] = "/tmp/helpq-test-template.XXXXXX";

/* Write text to tmpdir/case/rel (directories made as needed). */
static void
put(const char *dir, const char *rel, const char *text)
{
	char	*path, *p;
	FILE	*f;

	path = xprintf("%s/%s/%s", tmpdir, dir, rel);
	for (p = path + strlen(tmpdir) + 1; (p = strchr(p, '/')) != NULL;
	    p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	if ((f = fopen(path, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
	free(path);
}

/* Load tmpdir/dir; the errors (or NULL when it loaded). */
static char *
load(const char *dir)
{
	struct templates	*t = NULL;
	char			*path, *errors = NULL;

	path = xprintf("%s/%s", tmpdir, dir);
	if (templates_load(path, &t, &errors) == 0)
		templates_free(t);
	free(path);
	return (errors);
}

/* The one error of a load of dir, without the tmpdir prefix. */
static void
one_error(const char *dir, const char *want, const char *name)
{
	char	*e = load(dir), *short_;
	size_t	 n = strlen(tmpdir) + 1;

	short_ = e != NULL && strncmp(e, tmpdir, n - 1) == 0 ? e + n : e;
	if (!ok(short_ != NULL && strncmp(short_, want, strlen(want)) == 0 &&
	    strchr(short_, '\n') == NULL, "%s", name))
		diag("got '%s', want '%s...'", short_ ? short_ : "(loaded)",
		    want);
	free(e);
}

static int
count(const char *s, const char *what)
{
	int	n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s++;
	}
	return (n);
}

/* The zone the dates are written in (loaded in main). */
static struct tz	*berlin;

static const struct template_vars *
vars(void)
{
	static struct template_vars	v;

	memset(&v, 0, sizeof v);
	v.ticket = 42;
	v.token = "[#42]";
	v.name = "Jürgen Müller";
	v.address = "juergen@example.de";
	v.subject = "Rechnung ${ticket}";
	v.queue = "billing";
	v.due = 1796040000;	/* 2026-11-30 12:00 UTC */
	v.text = "Cost: $5";
	v.support = "support@example.com";
	v.tz = berlin;
	return (&v);
}

static void
test_shipped(void)
{
	static const struct {
		const char	*lang;
		const char	*due;
	} langs[] = {
		{ "de", "Montag, 30. November 2026, 13:00 Uhr (CET)" },
		{ "el", "Δευτέρα, 30 Νοεμβρίου 2026, 13:00 (CET)" },
		{ "en", "Monday 30 November 2026, 13:00 CET" },
	};
	static const char *const kinds[] = { "ack", "reply", "escalation" };
	struct templates	*t = NULL;
	const char		*top, *used;
	char			*dir, *errors = NULL, *subject, *body, *cause;
	char			*when;
	struct template_vars	 v;
	struct tz		*ny;
	size_t			 i, k;

	if ((top = getenv("TOP_SRCDIR")) == NULL)
		top = "..";
	dir = xprintf("%s/templates", top);
	if (!ok(templates_load(dir, &t, &errors) == 0, "the shipped templates "
	    "load")) {
		diag("%s", errors);
		free(errors);
		free(dir);
		return;
	}
	free(dir);
	for (i = 0; i < nitems(langs); i++) {
		when = templates_time(t, langs[i].lang, berlin, vars()->due);
		is_str(when, langs[i].due, "the due time in %s", langs[i].lang);
		free(when);
		for (k = 0; k < nitems(kinds); k++) {
			cause = NULL;
			ok(templates_render(t, kinds[k], langs[i].lang, NULL,
			    vars(), &subject, &body, &used, &cause) == 0 &&
			    strcmp(used, langs[i].lang) == 0, "%s in %s",
			    kinds[k], langs[i].lang);
			if (strcmp(kinds[k], "ack") == 0) {
				ok(strstr(body, langs[i].due) != NULL &&
				    strstr(body, "42") != NULL, "the %s ack "
				    "says ticket 42 and when", langs[i].lang);
				ok(strstr(subject, "[#42]") != NULL &&
				    strstr(subject, "Rechnung ${ticket}") !=
				    NULL, "its subject has the token and the "
				    "subject, whose ${ticket} stays as it is");
			}
			if (strcmp(kinds[k], "reply") == 0)
				ok(strstr(body, "Cost: $5") != NULL &&
				    strstr(body, "Jürgen Müller") != NULL,
				    "the %s reply wraps the text",
				    langs[i].lang);
			ok(count(body, "${") == count(body,
			    "Rechnung ${ticket}"), "no variable is left "
			    "unreplaced, none is expanded twice");
			free(subject);
			free(body);
			free(cause);
		}
	}
	/* Fallbacks: the asked-for language, the fallback, English. */
	ok(templates_render(t, "ack", "sv", "de", vars(), &subject, &body,
	    &used, &cause) == 0 && strcmp(used, "de") == 0, "sv falls back "
	    "to the configured de");
	free(subject);
	free(body);
	ok(templates_render(t, "ack", "sv", NULL, vars(), &subject, &body,
	    &used, &cause) == 0 && strcmp(used, "en") == 0, "then to en");
	free(subject);
	free(body);
	cause = NULL;
	ok(templates_render(t, "nope", "de", NULL, vars(), &subject, &body,
	    &used, &cause) == -1 && cause != NULL && strstr(cause, "nope"),
	    "a template no language has is an error naming it");
	free(cause);
	ok(templates_has(t, "escalation") && !templates_has(t, "nope"),
	    "templates_has");
	when = templates_time(t, "xx", berlin, vars()->due);
	is_str(when, "2026-11-30 13:00 CET", "a language without a locale: "
	    "the neutral form");
	free(when);
	ny = tz_load("America/New_York", &cause);
	when = templates_time(t, "en", ny, vars()->due);
	is_str(when, "Monday 30 November 2026, 07:00 EST", "another zone, "
	    "another clock");
	free(when);
	v = *vars();
	v.tz = ny;
	ok(templates_render(t, "ack", "en", NULL, &v, &subject, &body, &used,
	    &cause) == 0 && strstr(body, "07:00 EST") != NULL &&
	    strstr(body, "13:00") == NULL, "${due} in the zone of the vars");
	free(subject);
	free(body);
	tz_free(ny);
	when = templates_time(t, "xx", NULL, vars()->due);
	is_str(when, "2026-11-30 12:00 UTC", "no zone: UTC");
	free(when);
	templates_free(t);
}

static void
test_only_in(void)
{
	struct templates	*t = NULL;
	const char		*used;
	char			*dir, *errors = NULL, *subject, *body;
	char			*cause = NULL;

	put("only", "el/survey",
	    "Subject: Ερώτηση\n\nΠώς τα πήγαμε ${name};\n");
	put("only", "README", "the languages are directories\n");
	put("only", "el/.hidden", "ignored\n");
	put("only", "el/survey~", "a backup, ignored\n");
	dir = xprintf("%s/only", tmpdir);
	ok(templates_load(dir, &t, &errors) == 0, "README, hidden files and "
	    "backups are left alone");
	free(errors);
	ok(t != NULL && templates_render(t, "survey", "de", "en", vars(),
	    &subject, &body, &used, &cause) == 0 && strcmp(used, "el") == 0,
	    "a template only Greek has is used for anyone");
	if (t != NULL && strcmp(used, "el") == 0) {
		is_str(body, "Πώς τα πήγαμε Jürgen Müller;\n", "rendered");
		free(subject);
		free(body);
	}
	templates_free(t);
	free(dir);
}

static void
test_details(void)
{
	struct templates	*t = NULL;
	struct template_vars	 v;
	const char		*used;
	char			*dir, *errors = NULL, *subject, *body;
	char			*cause = NULL, *when;

	/* A BOM, CRLF lines, a plain file named like a template beside the
	 * languages (a warning), a locale of numbers and short names. */
	put("fine", "de/ack", "\xef\xbb\xbf# Kommentar\r\nSubject: Nr. "
	    "${ticket}\r\n\r\n${name}: ${due} ${$}{x} $5 ${$}\r\n");
	put("fine", "de/locale", "date = %a %d.%m.%Y %H:%M %b %%\n"
	    "short-days = So,Mo,Di,Mi,Do,Fr,Sa\n"
	    "short-months = Jan,Feb,Mär,Apr,Mai,Jun,Jul,Aug,Sep,Okt,Nov,Dez\n");
	put("fine", "reply", "Subject: lost\n\nlost\n");
	dir = xprintf("%s/fine", tmpdir);
	if (!ok(templates_load(dir, &t, &errors) == 0, "a BOM, CRLF lines, "
	    "short names only, a stray file beside the languages")) {
		diag("%s", errors);
		free(errors);
		free(dir);
		return;
	}
	free(dir);
	when = templates_time(t, "de", berlin, vars()->due);
	is_str(when, "Mo 30.11.2026 13:00 Nov %", "short names and %%");
	free(when);
	v = *vars();
	v.name = "";
	ok(templates_render(t, "ack", "de", NULL, &v, &subject, &body, &used,
	    &cause) == 0, "rendered");
	is_str(subject, "Nr. 42", "the subject");
	is_str(body, "juergen@example.de: Mo 30.11.2026 13:00 Nov % ${x} $5 "
	    "$\r\n", "an empty name is the address; ${$} and a lone $");
	free(subject);
	free(body);
	v.name = NULL;
	v.address = NULL;
	v.due = 0;
	ok(templates_render(t, "ack", "el", "xx", &v, &subject, &body, &used,
	    &cause) == 0 && strcmp(used, "de") == 0, "no el, no xx, no en: "
	    "the first language that has it");
	is_str(body, ":  ${x} $5 $\r\n", "NULL values and no due time "
	    "render as nothing");
	free(subject);
	free(body);
	templates_free(t);
}

/*
 * Values from mail are one line each and capped: a name that decodes to
 * lines of its own writes none into the mail; a long one ends in an
 * ellipsis at a character boundary. ${text} (an agent's) keeps its lines.
 */
static void
test_one_line(void)
{
	struct templates	*t = NULL;
	struct template_vars	 v;
	struct buf		 longname, longsubj;
	const char		*used;
	char			*dir, *errors = NULL, *subject, *body, *want;
	char			*cause = NULL;
	size_t			 i;

	put("oneline", "en/ack", "Subject: ${subject} ${token}\n\n"
	    "Hello ${name},\n[${address}] [${queue}] [${ticket} ${due}]\n"
	    "${text}\n");
	dir = xprintf("%s/oneline", tmpdir);
	if (!ok(templates_load(dir, &t, &errors) == 0, "loaded")) {
		diag("%s", errors);
		free(errors);
		free(dir);
		return;
	}
	free(dir);
	v = *vars();
	v.due = 0;
	v.name = "Ann\r\n\r\nBuy now at http://evil.example\r\n\tcheap\x1b[31m";
	v.subject = "Order\r\nBcc: x@evil.example\n\nbody";
	v.address = "ann@example.net\r\n";
	v.queue = "billing\n";
	v.text = "line one\nline two";
	ok(templates_render(t, "ack", "en", NULL, &v, &subject, &body, &used,
	    &cause) == 0, "rendered");
	is_str(subject, "Order Bcc: x@evil.example body [#42]",
	    "the subject is one line");
	is_str(body, "Hello Ann Buy now at http://evil.example cheap [31m,\n"
	    "[ann@example.net] [billing] [42 ]\nline one\nline two\n",
	    "the name is one line; controls became single blanks; the "
	    "agent's text keeps its lines");
	free(subject);
	free(body);

	/* 70 characters of two bytes: 63 of them and an ellipsis. */
	buf_init(&longname);
	for (i = 0; i < 70; i++)
		buf_adds(&longname, "\xc3\xa9");
	buf_init(&longsubj);
	for (i = 0; i < 250; i++)
		buf_adds(&longsubj, "s");
	v.name = buf_cstr(&longname);
	v.subject = buf_cstr(&longsubj);
	v.text = NULL;
	ok(templates_render(t, "ack", "en", NULL, &v, &subject, &body, &used,
	    &cause) == 0, "rendered long values");
	buf_reset(&longname);
	for (i = 0; i < TEMPLATE_NAME_MAX - 1; i++)
		buf_adds(&longname, "\xc3\xa9");
	want = xprintf("Hello %s\xe2\x80\xa6,\n", buf_cstr(&longname));
	ok(strncmp(body, want, strlen(want)) == 0, "a long name is cut to %d "
	    "characters with an ellipsis, at a character boundary",
	    TEMPLATE_NAME_MAX);
	free(want);
	ok(strlen(subject) == TEMPLATE_SUBJECT_MAX - 1 + 3 + strlen(" [#42]"),
	    "a long subject is cut to %d characters", TEMPLATE_SUBJECT_MAX);
	free(subject);
	free(body);
	buf_free(&longname);
	buf_free(&longsubj);
	templates_free(t);
}

static void
test_errors(void)
{
	char	*e;

	put("var", "en/ack", "# comment\nSubject: ${ticket}\n\nAnswer by "
	    "${due}, ticket ${tiket}.\n");
	one_error("var", "var/en/ack:4:26: unknown variable ${tiket}",
	    "an unknown variable: file:line:column");
	put("open", "de/reply", "Subject: x\n\nHallo ${name\n");
	one_error("open", "open/de/reply:3:7: \"${\" without \"}\"",
	    "an unclosed ${");
	put("greek", "el/reply", "Subject: x\n\nΓειά σας ${όνομα}\n");
	one_error("greek", "greek/el/reply:3:10: unknown variable",
	    "columns count characters, not bytes");
	put("nosubj", "en/reply", "\nbody\n");
	one_error("nosubj", "nosubj/en/reply:1:1: no Subject: line",
	    "no Subject");
	put("hdr", "en/reply", "Subject: x\nFrom: y\n\nbody\n");
	one_error("hdr", "hdr/en/reply:2:1: unknown header \"From\"",
	    "a header other than Subject");
	put("noblank", "en/reply", "Subject: x");
	one_error("noblank", "noblank/en/reply:1:1: no empty line",
	    "no empty line after the header");
	put("empty", "en/reply", "Subject: x\n\n \n");
	one_error("empty", "empty/en/reply:3:1: no text after the Subject",
	    "no text");
	put("utf", "de/reply", "Subject: x\n\nGr\xfc\xdf" "e\n");
	one_error("utf", "utf/de/reply:3:3: not valid UTF-8",
	    "invalid UTF-8, at its column");
	put("nodue", "en/ack", "Subject: ${token}\n\nThanks.\n");
	one_error("nodue", "nodue/en/ack:1:1: an acknowledgement must say "
	    "which ticket and by when", "an ack without ${due}");
	put("name", "en/Bad_Name", "Subject: x\n\ny\n");
	one_error("name", "name/en/Bad_Name: not a template name",
	    "a file name that is no template name");
	put("lang", "english/ack", "Subject: x\n\ny\n");
	one_error("lang", "lang/english: not a language code",
	    "a directory that is no language code");
	put("fmt", "de/locale", "date = %A %Q\ndays = a,b,c,d,e,f,g\n"
	    "months = 1,2,3,4,5,6,7,8,9,10,11,12\n");
	put("fmt", "de/reply", "Subject: x\n\ny\n");
	one_error("fmt", "fmt/de/locale:1:11: unknown directive %Q",
	    "a date format with an unknown directive");
	put("days", "de/locale", "date = %A\ndays = a, b, c\n"
	    "months = 1,2,3,4,5,6,7,8,9,10,11,12\n");
	put("days", "de/reply", "Subject: x\n\ny\n");
	one_error("days", "days/de/locale:2:8: days: expected 7 names",
	    "six days too few");
	put("key", "de/locale", "date = %A\nweekdays = x\n");
	put("key", "de/reply", "Subject: x\n\ny\n");
	one_error("key", "key/de/locale:2:1: unknown key \"weekdays\"",
	    "an unknown locale key");
	put("tok", "en/ack", "Subject: ${token}\n\nBy ${due}.\n");
	one_error("tok", "tok/en/ack:1:1: an acknowledgement must say which "
	    "ticket and by when: it uses no ${ticket}", "an ack with the "
	    "token but not the number");
	put("subj2", "en/reply", "Subject: x\nSubject: y\n\nz\n");
	one_error("subj2", "subj2/en/reply:2:1: a second Subject: line",
	    "two Subject lines");
	put("subj0", "en/reply", "Subject:  \n\nz\n");
	one_error("subj0", "subj0/en/reply:1:11: an empty Subject",
	    "an empty Subject, at the end of its line");
	put("text", "en/reply", "Subject: x\nHello\n\nz\n");
	one_error("text", "text/en/reply:2:1: expected a header line",
	    "text where the empty line belongs");
	put("sub", "en/old/reply", "Subject: x\n\ny\n");
	put("sub", "en/reply", "Subject: x\n\ny\n");
	one_error("sub", "sub/en/old: a directory among the templates",
	    "a directory inside a language");
	put("lone", "de/locale", "date = %d.%m.%Y %\n");
	put("lone", "de/reply", "Subject: x\n\ny\n");
	one_error("lone", "lone/de/locale:1:17: a lone % at the end",
	    "a lone % at the end of the format");
	put("omega", "el/locale", "date = %e %Ω\n");
	put("omega", "el/reply", "Subject: x\n\ny\n");
	one_error("omega", "omega/el/locale:1:11: unknown directive %Ω ",
	    "an unknown directive is quoted whole, even in Greek");
	put("nodays", "de/locale", "# numbers and a day\n"
	    "date = %d.%m.%Y (%A)\nmonths = 1,2,3,4,5,6,7,8,9,10,11,12\n");
	put("nodays", "de/reply", "Subject: x\n\ny\n");
	one_error("nodays", "nodays/de/locale:2:18: %A needs a \"days = ...\" "
	    "line", "%A without days, at the %A");
	put("twice", "de/locale", "date = %A\ndays = a,b,c,d,e,f,g\n"
	    "  days = a,b,c,d,e,f,g\n");
	put("twice", "de/reply", "Subject: x\n\ny\n");
	one_error("twice", "twice/de/locale:3:3: days given twice",
	    "a key given twice");
	put("blank", "de/locale", "date = %A\ndays = a, b, , d,e,f,g\n");
	put("blank", "de/reply", "Subject: x\n\ny\n");
	one_error("blank", "blank/de/locale:2:14: days: an empty name",
	    "an empty day name, at its place");
	put("nodate", "de/locale", "days = a,b,c,d,e,f,g\n");
	put("nodate", "de/reply", "Subject: x\n\ny\n");
	one_error("nodate", "nodate/de/locale: no \"date = ...\" line",
	    "a locale without a date format");
	put("noeq", "de/locale", "date = %A\n  days\n");
	put("noeq", "de/reply", "Subject: x\n\ny\n");
	one_error("noeq", "noeq/de/locale:2:3: expected \"key = value\"",
	    "a locale line without '='");
	put("nul", "de/reply", "Subject: x\n\nab");
	{
		char	*path = xprintf("%s/nul/de/reply", tmpdir);
		FILE	*f = fopen(path, "a");

		if (f != NULL) {
			fputc('\0', f);
			fputs("c\n", f);
			fclose(f);
		}
		free(path);
	}
	one_error("nul", "nul/de/reply:3:3: a NUL byte", "a NUL byte");
	put("greekutf", "el/reply", "Subject: Γειά\n\nΓειά σας \xce\n");
	one_error("greekutf", "greekutf/el/reply:3:10: not valid UTF-8",
	    "a cut Greek character, at its column");
	put("file", "de", "not a directory\n");
	{
		struct templates	*t = NULL;
		char			*errors = NULL, *path;

		path = xprintf("%s/file/de", tmpdir);
		ok(templates_load(path, &t, &errors) == -1 && errors != NULL &&
		    strstr(errors, "/file/de: Not a directory") != NULL,
		    "a file given as the directory");
		free(errors);
		free(path);
	}
	put("none", "README", "no languages here\n");
	one_error("none", "none: no templates", "a directory without "
	    "templates");

	/* Several broken files: every error, one a line, none loaded. */
	put("many", "en/ack", "Subject: x\n\n${bogus}\n");
	put("many", "de/reply", "Subject: x\n\n${name\n");
	put("many", "de/ack", "Subject: ${token}\n\n${due} fine\n");
	e = load("many");
	ok(e != NULL && strstr(e, "many/de/reply:3:1: \"${\"") != NULL &&
	    strstr(e, "many/en/ack:3:1: unknown variable ${bogus}") != NULL &&
	    strstr(e, "many/en/ack:1:1: an acknowledgement") != NULL,
	    "every error of every file is reported");
	free(e);
	e = xprintf("%s/missing", tmpdir);
	{
		struct templates	*t = NULL;
		char			*errors = NULL;

		ok(templates_load(e, &t, &errors) == -1 && t == NULL &&
		    errors != NULL && strstr(errors, "No such file") != NULL,
		    "a directory that does not exist");
		free(errors);
	}
	free(e);
}

int
main(void)
{
	char	*cmd;

	/* The dates follow the zone passed in, not the process's TZ. */
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	if ((berlin = tz_load("Europe/Berlin", &cmd)) == NULL ||
	    mkdtemp(tmpdir) == NULL)
		return (1);
	test_shipped();
	test_only_in();
	test_details();
	test_one_line();
	test_errors();
	cmd = xprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	free(cmd);
	tz_free(berlin);
	return (done_testing());
}
