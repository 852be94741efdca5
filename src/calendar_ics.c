/*
 * helpq - calendar_ics.c: holidays from an iCalendar file (RFC 5545),
 * parsed by libical. Only all-day events are holidays.
 */
#include "compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "calendar.h"
#include "xmalloc.h"

/* An event of more days than this is not a holiday but a mistake. */
#define ICS_EVENT_DAYS_MAX	366

/* What is read: the holidays so far, and where the events began. */
struct ics {
	const char		*path;
	struct calendar_holiday	*list;		/* owned */
	size_t			 n;
	unsigned		*begins;	/* line of each BEGIN:VEVENT */
	size_t			 nbegins;
	size_t			 event;		/* the next VEVENT's index */
};

static void
ics_add(struct ics *ics, struct icaltimetype t, const char *name)
{
	struct calendar_holiday	*h;

	ics->list = xreallocarray(ics->list, ics->n + 1, sizeof *ics->list);
	h = &ics->list[ics->n++];
	memset(h, 0, sizeof *h);
	h->kind = CALENDAR_DATE;
	h->year = t.year;
	h->month = t.month;
	h->day = t.day;
	h->from_file = 1;
	h->name = xstrdup(name);
}

/* The days of one occurrence: from dtstart for days days. */
static void
ics_add_days(struct ics *ics, struct icaltimetype t, int days,
    const char *name)
{
	int	i;

	for (i = 0; i < days; i++) {
		ics_add(ics, t, name);
		icaltime_adjust(&t, 1, 0, 0, 0);
	}
}

static char *
ics_err(const struct ics *ics, unsigned line, const char *what)
{
	if (line == 0)
		return (xprintf("%s: %s", ics->path, what));
	return (xprintf("%s:%u: %s", ics->path, line, what));
}

/* One VEVENT: its days, each year of a yearly RRULE. */
static int
ics_event(struct ics *ics, icalcomponent *ev, char **cause)
{
	struct icaltimetype		 start, end, t;
	struct icalrecurrencetype	 r;
	icalrecur_iterator		*it;
	icalproperty			*p;
	const char			*name, *err;
	unsigned			 line;
	int				 days;

	line = ics->event < ics->nbegins ? ics->begins[ics->event] : 0;
	ics->event++;
	if ((p = icalcomponent_get_first_property(ev,
	    ICAL_XLICERROR_PROPERTY)) != NULL) {
		err = icalproperty_get_xlicerror(p);
		*cause = ics_err(ics, line, err != NULL ? err :
		    "not valid iCalendar");
		return (-1);
	}
	start = icalcomponent_get_dtstart(ev);
	if (icaltime_is_null_time(start)) {
		*cause = ics_err(ics, line, "an event without DTSTART");
		return (-1);
	}
	/* An event at a time of day (a meeting) closes no day. */
	if (!start.is_date)
		return (0);
	end = icalcomponent_get_dtend(ev);
	days = icaltime_is_null_time(end) ? 1 :
	    (int)(icaltime_as_timet(end) - icaltime_as_timet(start)) / 86400;
	if (days < 1)
		days = 1;
	if (days > ICS_EVENT_DAYS_MAX) {
		*cause = ics_err(ics, line, "an event of more than a year");
		return (-1);
	}
	if ((name = icalcomponent_get_summary(ev)) == NULL || *name == '\0')
		name = "holiday";
	if ((p = icalcomponent_get_first_property(ev,
	    ICAL_RRULE_PROPERTY)) == NULL) {
		ics_add_days(ics, start, days, name);
		return (0);
	}
	r = icalproperty_get_rrule(p);
	if (r.freq != ICAL_YEARLY_RECURRENCE) {
		*cause = ics_err(ics, line, "RRULE: only a yearly rule "
		    "(FREQ=YEARLY) makes holidays");
		return (-1);
	}
	if ((it = icalrecur_iterator_new(r, start)) == NULL) {
		*cause = ics_err(ics, line, "RRULE: not a rule libical "
		    "can expand");
		return (-1);
	}
	while (t = icalrecur_iterator_next(it), !icaltime_is_null_time(t) &&
	    t.year <= CALENDAR_YEAR_MAX)
		ics_add_days(ics, t, days, name);
	icalrecur_iterator_free(it);
	return (0);
}

/* The events of a complete top-level component. */
static int
ics_component(struct ics *ics, icalcomponent *c, char **cause)
{
	icalcomponent	*ev;

	if (icalcomponent_isa(c) == ICAL_VEVENT_COMPONENT)
		return (ics_event(ics, c, cause));
	for (ev = icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT);
	    ev != NULL; ev = icalcomponent_get_next_component(c,
	    ICAL_VEVENT_COMPONENT)) {
		if (ics_event(ics, ev, cause) != 0)
			return (-1);
	}
	return (0);
}

/*
 * Read one logical line (RFC 5545 3.1: a line starting with a blank
 * continues the one before) into *buf without its line end; *line is the
 * number of its first physical line. Returns 0, or -1 at the end.
 */
static int
ics_line(FILE *f, char **buf, char **next, size_t *nextsz, unsigned *count,
    unsigned *line)
{
	ssize_t	n;
	size_t	len;

	if (*next == NULL || **next == '\0') {
		if ((n = getline(next, nextsz, f)) == -1)
			return (-1);
		(*count)++;
	}
	*line = *count;
	len = strcspn(*next, "\r\n");
	*buf = xreallocarray(*buf, len + 1, 1);
	memcpy(*buf, *next, len);
	(*buf)[len] = '\0';
	for (;;) {
		if ((n = getline(next, nextsz, f)) == -1) {
			**next = '\0';
			break;
		}
		(*count)++;
		if (**next != ' ' && **next != '\t')
			break;
		n = (ssize_t)strcspn(*next + 1, "\r\n");
		*buf = xreallocarray(*buf, len + (size_t)n + 1, 1);
		memcpy(*buf + len, *next + 1, (size_t)n);
		len += (size_t)n;
		(*buf)[len] = '\0';
	}
	return (0);
}

/* Feed f to the parser, line by line, collecting holidays in ics. */
static int
ics_parse(struct ics *ics, FILE *f, char **cause)
{
	icalparser	*parser;
	icalcomponent	*c;
	char		*buf = NULL, *next = NULL;
	size_t		 nextsz = 0;
	unsigned	 count = 0, line;
	int		 rc = 0, any = 0;

	/* An error is reported, not a reason to abort the process. */
	icalerror_set_errors_are_fatal(0);
	parser = icalparser_new();
	while (rc == 0 && ics_line(f, &buf, &next, &nextsz, &count, &line) == 0) {
		if (strcasecmp(buf, "BEGIN:VEVENT") == 0) {
			ics->begins = xreallocarray(ics->begins,
			    ics->nbegins + 1, sizeof *ics->begins);
			ics->begins[ics->nbegins++] = line;
		}
		c = icalparser_add_line(parser, buf);
		if (icalparser_get_state(parser) == ICALPARSER_ERROR) {
			*cause = ics_err(ics, line, "not valid iCalendar");
			rc = -1;
		}
		if (c != NULL) {
			any = 1;
			if (rc == 0)
				rc = ics_component(ics, c, cause);
			icalcomponent_free(c);
		}
	}
	if (rc == 0 && ferror(f)) {
		*cause = ics_err(ics, 0, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && !any) {
		*cause = ics_err(ics, 0, "no complete BEGIN:VCALENDAR ... "
		    "END:VCALENDAR");
		rc = -1;
	}
	free(buf);
	free(next);
	icalparser_free(parser);
	return (rc);
}

int
calendar_read_ics(struct calendar *cal, const char *path, char **cause)
{
	struct ics	 ics;
	FILE		*f;
	size_t		 i;
	int		 rc;

	memset(&ics, 0, sizeof ics);
	ics.path = path;
	if ((f = fopen(path, "r")) == NULL) {
		*cause = ics_err(&ics, 0, strerror(errno));
		return (-1);
	}
	rc = ics_parse(&ics, f, cause);
	fclose(f);
	free(ics.begins);
	if (rc != 0) {
		for (i = 0; i < ics.n; i++)
			free(ics.list[i].name);
		free(ics.list);
		return (-1);
	}
	/* The configured holidays stay; the file's replace a file's. */
	for (i = 0; i < cal->nholidays; i++) {
		if (cal->holidays[i].from_file) {
			free(cal->holidays[i].name);
			continue;
		}
		ics.list = xreallocarray(ics.list, ics.n + 1,
		    sizeof *ics.list);
		ics.list[ics.n++] = cal->holidays[i];
	}
	free(cal->holidays);
	cal->holidays = ics.list;
	cal->nholidays = ics.n;
	return (0);
}
