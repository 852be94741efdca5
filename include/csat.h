/*
 * helpq - csat.h: the rating in a customer's reply to a satisfaction
 * survey. Pure: a text in, a rating out.
 *
 * Read is what the customer wrote: quoted lines ("> "), everything from
 * a signature ("-- "), a mail client's attribution ("On ... wrote:",
 * "Am ... schrieb ...:", "Στις ... έγραψε:") or the header block of the
 * message answered ("From: ", "Von: ", "-----Original Message-----")
 * on, are not. A rating is,
 * in this order: a number in range opening the text ("5", "4/5",
 * "5 von 5", "5 out of 5", "5 stars"), one of those explicit forms
 * anywhere ("I'd say 4/5"), stars (★★★★☆: the filled ones), a face or
 * thumb emoji, or a word of German, Greek or English ("sehr gut",
 * "ausgezeichnet", "άριστα", "πολύ καλά", "excellent", "poor"). A bare
 * number elsewhere (an order number) is no rating.
 */
#ifndef HELPQ_CSAT_H
#define HELPQ_CSAT_H

#include "compat.h"

#include <stddef.h>

/*
 * The rating of text on a scale of 1 to 5 (scale 5) or 0 to 10 (scale
 * 10, NPS): 0 and *rating, with *comment the words written besides it
 * (allocated, may be empty; the caller frees); or -1 when the text holds
 * no rating. Words and emoji rate on the 1-5 scale and are carried to
 * 0-10 as 2 x rating.
 */
int	 csat_parse(const char *text, int scale, int *rating, char **comment);

#endif
