/*
 * helpq - output_private.h: what the output modules share.
 */
#ifndef HELPQ_OUTPUT_PRIVATE_H
#define HELPQ_OUTPUT_PRIVATE_H

#include <jansson.h>
#include <stdio.h>
#include <time.h>

struct buf;
struct tz;

/* "2026-11-22 10:00" on the clocks of tz into buf; "-" for 0. */
const char	*output_local(const struct tz *tz, time_t t, char *buf,
		    size_t len);

/* An ISO 8601 UTC string, or null for 0 (a new reference). */
json_t		*output_json_time(time_t);

/* Print j indented and free it; returns json_dumpf's result. */
int		 output_json_print(FILE *, json_t *j);

/*
 * Copy at most width characters (code points) of s, made safe, marking a
 * cut; with pad, fill up to width with blanks so columns line up.
 */
void		 output_clipped(struct buf *b, const char *s, size_t width,
		    int pad);

/* What is left until due at now ("3h 20m", "late 2h", "-" for none),
 * padded to width. */
void		 output_left(struct buf *b, time_t due, time_t now,
		    size_t width);

#endif
