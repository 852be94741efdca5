/*
 * helpq - rules_load.c: rule sets from files, directories and strings:
 * reading, the order of a directory's files, the errors of all of them at
 * once, building the prefilters; and the rule set's accessors.
 */
#include "compat.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rules_private.h"
#include "xmalloc.h"

/* Rule files larger than this are refused. */
#define RULES_FILE_MAX	(16 * 1024 * 1024)

void
rules_free(struct rules *rs)
{
	size_t	i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nrules; i++)
		rules_rule_clear(&rs->rules[i]);
	free(rs->rules);
	for (i = 0; i < rs->nregexes; i++)
		rules_regex_free(rs->regexes[i]);
	free(rs->regexes);
	for (i = 0; i < rs->nscanners; i++) {
		free(rs->scanners[i].header);
		rules_ac_free(rs->scanners[i].ac);
	}
	free(rs->scanners);
	for (i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->files);
	free(rs);
}

static struct rules *
rules_new(void)
{
	struct rules	*rs;

	rs = xcalloc(1, sizeof *rs);
	rs->match_limit = RULES_MATCH_LIMIT;
	rs->depth_limit = RULES_DEPTH_LIMIT;
	rs->max_captures = 1;
	return (rs);
}


/* Read a whole file; NUL bytes are an error (they end C strings). */
static int
read_file(const char *path, struct buf *b, struct buf *errors)
{
	FILE	*f;
	int	 r;

	if ((f = fopen(path, "r")) == NULL) {
		buf_addf(errors, "%s: %s\n", path, strerror(errno));
		return (-1);
	}
	r = buf_read(b, f, RULES_FILE_MAX);
	if (r == -1)
		buf_addf(errors, "%s: %s\n", path, strerror(errno));
	fclose(f);
	if (r == 0 && memchr(buf_cstr(b), '\0', b->len) == NULL)
		return (0);
	if (r != -1)
		buf_addf(errors, "%s: not a rule file (%s)\n", path, r == 1 ?
		    "larger than 16 MB" : "it has NUL bytes");
	return (-1);
}

static int
name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The *.rules files of dir, sorted by name; allocated. */
static int
list_dir(const char *dir, char ***namesp, size_t *np, struct buf *errors)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL;
	size_t		 n = 0, len;

	if ((d = opendir(dir)) == NULL) {
		buf_addf(errors, "%s: %s\n", dir, strerror(errno));
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 6 ||
		    strcmp(de->d_name + len - 6, ".rules") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, name_cmp);
	*namesp = names;
	*np = n;
	return (0);
}

/* Build the prefilters, or hand back every error. */
static int
rules_finish(struct rules *rs, struct buf *errors, unsigned nerrors,
    struct rules **rp, char **errorsp)
{
	size_t	i;

	if (nerrors > 0 || errors->len > 0) {
		if (nerrors > 50)
			buf_addf(errors, "(%u errors in all)\n", nerrors);
		*errorsp = buf_steal(errors, NULL);
		rules_free(rs);
		return (-1);
	}
	for (i = 0; i < rs->nscanners; i++)
		rules_ac_build(rs->scanners[i].ac);
	buf_free(errors);
	*rp = rs;
	return (0);
}

int
rules_load(const char *const *paths, size_t npaths, struct rules **rp,
    char **errorsp)
{
	struct rules	*rs;
	struct buf	 errors, text;
	struct stat	 sb;
	char		**names;
	size_t		 i, j, n;
	unsigned	 nerrors = 0;

	*rp = NULL;
	*errorsp = NULL;
	rs = rules_new();
	buf_init(&errors);
	buf_init(&text);
	for (i = 0; i < npaths; i++) {
		if (stat(paths[i], &sb) != 0) {
			buf_addf(&errors, "%s: %s\n", paths[i],
			    strerror(errno));
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			if (list_dir(paths[i], &names, &n, &errors) != 0)
				continue;
		} else {
			names = xcalloc(1, sizeof *names);
			names[0] = xstrdup(paths[i]);
			n = 1;
		}
		for (j = 0; j < n; j++) {
			buf_reset(&text);
			if (read_file(names[j], &text, &errors) == 0)
				rules_parse_text(rs, names[j],
				    buf_cstr(&text), text.len, &errors,
				    &nerrors);
			free(names[j]);
		}
		free(names);
	}
	buf_free(&text);
	return (rules_finish(rs, &errors, nerrors, rp, errorsp));
}

int
rules_load_string(const char *name, const char *text, struct rules **rp,
    char **errorsp)
{
	struct rules	*rs;
	struct buf	 errors;
	unsigned	 nerrors = 0;

	*rp = NULL;
	*errorsp = NULL;
	rs = rules_new();
	buf_init(&errors);
	rules_parse_text(rs, name, text, strlen(text), &errors, &nerrors);
	return (rules_finish(rs, &errors, nerrors, rp, errorsp));
}

size_t
rules_count(const struct rules *rs)
{
	return (rs->nrules);
}

size_t
rules_files(const struct rules *rs)
{
	return (rs->nfiles);
}


void
rules_set_limits(struct rules *rs, uint32_t match, uint32_t depth)
{
	if (match != 0)
		rs->match_limit = match;
	if (depth != 0)
		rs->depth_limit = depth;
}

const char *
rules_priority_name(enum rules_priority p)
{
	static const char *const names[] = { NULL, "low", "normal", "high",
	    "urgent" };

	return ((size_t)p < nitems(names) ? names[p] : NULL);
}
