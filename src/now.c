/*
 * helpq - now.c: the current time, or the one $HELPQ_NOW fixes.
 */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "now.h"
#include "xmalloc.h"

static time_t	now_value;
static int	now_is_fixed;

int
now_parse(const char *s, time_t *tp)
{
	struct tm	 tm;
	const char	*end;
	char		*e;
	long long	 n;

	if (*s == '\0')
		return (-1);
	if (strspn(s, "0123456789") == strlen(s)) {
		errno = 0;
		n = strtoll(s, &e, 10);
		if (errno != 0 || *e != '\0' || n > (long long)253402300799LL)
			return (-1);
		*tp = (time_t)n;
		return (0);
	}
	memset(&tm, 0, sizeof tm);
	if ((end = strptime(s, "%Y-%m-%dT%H:%M", &tm)) == NULL)
		return (-1);
	if (*end == ':' && ((end = strptime(end, ":%S", &tm)) == NULL))
		return (-1);
	/* UTC only: a local time would need a zone the test must name. */
	if (strcmp(end, "Z") != 0 && strcmp(end, "+00:00") != 0)
		return (-1);
	if (tm.tm_year < 70)
		return (-1);
	*tp = timegm(&tm);
	return (0);
}

int
now_setup(char **cause)
{
	const char	*v = getenv("HELPQ_NOW");

	now_is_fixed = 0;
	if (v == NULL || *v == '\0')
		return (0);
	if (now_parse(v, &now_value) != 0) {
		*cause = xprintf("HELPQ_NOW=%.64s: expected a UTC time like "
		    "2026-03-29T01:30:00Z or seconds since the epoch", v);
		return (-1);
	}
	now_is_fixed = 1;
	return (0);
}

time_t
now_get(void)
{
	return (now_is_fixed ? now_value : time(NULL));
}

int
now_fixed(void)
{
	return (now_is_fixed);
}
