/*
 * helpq - fuzz-template.c: templates with hostile variables. The first
 * byte picks the mode:
 *   0: the shipped templates (HELPQ_FUZZ_SRCDIR/templates) rendered with
 *      variables from the input, "TICKET\0DUE\0TOKEN\0NAME\0ADDRESS\0
 *      SUBJECT\0QUEUE\0TEXT\0SUPPORT";
 *   1, 2, 3: the input is the template text ("TEXT\0LOCALE"), loaded as
 *      en/ack, en/reply or el/reply (with the locale when one is given)
 *      and rendered with fixed hostile variables.
 */
#include "fuzz.h"

#include <sys/stat.h>

#include <fcntl.h>

#include "template.h"
#include "tz.h"

static struct templates	*shipped;
static char		 dir[] = "/tmp/helpq-fuzz-template.XXXXXX";
static struct tz	*zone;		/* the dates' zone */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	*errors = NULL, *sub;

	fuzz_quiet();
	if ((zone = tz_load("Europe/Berlin", &errors)) == NULL) {
		fprintf(stderr, "%s\n", errors);
		abort();
	}
	if (templates_load(HELPQ_FUZZ_SRCDIR "/templates", &shipped,
	    &errors) != 0) {
		fprintf(stderr, "%s", errors);
		abort();
	}
	if (mkdtemp(dir) == NULL)
		abort();
	sub = xprintf("%s/en", dir);
	mkdir(sub, 0700);
	free(sub);
	sub = xprintf("%s/el", dir);
	mkdir(sub, 0700);
	free(sub);
	return (0);
}

/* Render name in every language, checking what the renderer promises. */
static void
render_all(const struct templates *t, const char *name,
    const struct template_vars *v)
{
	static const char *const langs[] = { "de", "el", "en", "xx" };
	const char	*used;
	char		*subject, *body, *cause = NULL, *when;
	size_t		 i;

	for (i = 0; i < nitems(langs); i++) {
		if (templates_render(t, name, langs[i], "en", v, &subject,
		    &body, &used, &cause) != 0) {
			FUZZ_ASSERT(!templates_has(t, name));
			free(cause);
			return;
		}
		FUZZ_ASSERT(used != NULL);
		/* Values are not expanded again: the agent's text arrives
		 * whole, "${" and all. */
		if (strcmp(name, "reply") == 0 && t == shipped &&
		    v->text != NULL)
			FUZZ_ASSERT(strstr(body, v->text) != NULL);
		free(subject);
		free(body);
		when = templates_time(t, langs[i], v->tz, v->due);
		FUZZ_ASSERT(when != NULL && strlen(when) < 256);
		free(when);
	}
}

static void
hostile_vars(const uint8_t *data, size_t size)
{
	struct template_vars	 v;
	const char		*f[9];
	char			*copy;

	copy = fuzz_fields(data, size, f, nitems(f));
	memset(&v, 0, sizeof v);
	v.ticket = strtoll(f[0], NULL, 0);
	/* Any time the system's calendar can hold. */
	v.due = (time_t)strtoll(f[1], NULL, 0) % ((time_t)1 << 40);
	v.token = f[2];
	v.name = f[3];
	v.address = f[4];
	v.subject = f[5];
	v.queue = f[6];
	v.text = f[7];
	v.support = f[8];
	v.tz = zone;
	render_all(shipped, "ack", &v);
	render_all(shipped, "reply", &v);
	render_all(shipped, "escalation", &v);
	free(copy);
}

static void
write_file(const char *path, const char *text)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    close(fd) != 0)
		abort();
}

static void
hostile_text(int mode, const uint8_t *data, size_t size)
{
	static const char *const names[] = { "en/ack", "en/reply",
	    "el/reply" };
	struct template_vars	 v = { 4242, "[#4242]",
	    "Eve\r\nBcc: victim@example.net", "eve@example.org",
	    "${text} \xce\xb1\xff\r\n.\r\n", "", 1795000000,
	    "Line one\n.\nFrom me\n${subject}", "support@example.com", zone };
	struct templates	*t;
	const char		*f[2];
	char			*copy, *path, *errors = NULL;
	size_t			 i;

	copy = fuzz_fields(data, size, f, 2);
	for (i = 0; i < nitems(names); i++) {
		path = xprintf("%s/%s", dir, names[i]);
		unlink(path);
		free(path);
	}
	path = xprintf("%s/el/locale", dir);
	unlink(path);
	if (mode == 3 && *f[1] != '\0')
		write_file(path, f[1]);
	free(path);
	path = xprintf("%s/%s", dir, names[mode - 1]);
	write_file(path, f[0]);
	free(path);
	if (templates_load(dir, &t, &errors) != 0) {
		FUZZ_ASSERT(errors != NULL && *errors != '\0');
		free(errors);
	} else {
		render_all(t, mode == 1 ? "ack" : "reply", &v);
		templates_free(t);
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return (0);
	if (data[0] % 4 == 0)
		hostile_vars(data + 1, size - 1);
	else
		hostile_text(data[0] % 4, data + 1, size - 1);
	return (0);
}
