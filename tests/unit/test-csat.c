/*
 * helpq - test-csat.c: ratings in replies to the satisfaction survey, in
 * German, Greek and English: numbers, stars, faces and words, with the
 * quoted survey and signatures ignored, and replies that rate nothing.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csat.h"
#include "../tap.h"

static const struct {
	const char	*text;
	int		 scale;
	int		 want;		/* -1: no rating */
	const char	*name;
} cases[] = {
	{ "5", 5, 5, "a digit alone" },
	{ "4/5", 5, 4, "4/5" },
	{ "5 von 5", 5, 5, "5 von 5" },
	{ "3 out of 5, the wait was long", 5, 3, "3 out of 5 with a comment" },
	{ "5 stars!", 5, 5, "5 stars" },
	{ "4 Sterne, danke", 5, 4, "4 Sterne" },
	{ "5 αστέρια", 5, 5, "5 αστέρια" },
	{ "Thanks! I'd say 4/5 overall.", 5, 4, "4/5 inside the text" },
	{ "8/10", 5, 4, "8/10 on a five-point survey" },
	{ "9", 10, 9, "NPS: 9" },
	{ "0", 10, 0, "NPS: 0 is a rating" },
	{ "4/5", 10, 8, "4/5 on the NPS scale" },
	{ "★★★★☆", 5, 4, "four filled stars of five" },
	{ "⭐⭐⭐", 5, 3, "three star emoji" },
	{ "👍", 5, 5, "thumbs up" },
	{ "👎 nobody answered for days", 5, 1, "thumbs down" },
	{ "😀", 5, 5, "a grin" },
	{ "😡😡😡", 5, 1, "angry faces" },
	{ "Sehr gut, vielen Dank!", 5, 5, "sehr gut" },
	{ "Ausgezeichnet.", 5, 5, "ausgezeichnet" },
	{ "Gut.", 5, 4, "gut" },
	{ "Leider schlecht.", 5, 2, "schlecht" },
	{ "Nicht gut.", 5, 2, "nicht gut: the negation wins" },
	{ "Άριστα!", 5, 5, "άριστα with its capital and tonos" },
	{ "Πολύ καλά, ευχαριστώ", 5, 5, "πολύ καλά" },
	{ "Μέτρια", 5, 3, "μέτρια" },
	{ "Excellent service", 5, 5, "excellent" },
	{ "Poor.", 5, 2, "poor" },
	{ "It was OK", 5, 3, "ok" },
	{ "very good", 10, 10, "a word on the NPS scale" },
	{ "5\n\n> How satisfied were you? Reply with 1 to 5.\n> 1 poor\n",
	    5, 5, "the quoted survey is not read" },
	{ "> Reply with a number from 1 (poor) to 5 (excellent)\n", 5, -1,
	    "only the quote: no rating" },
	{ "Super\n-- \nMax Mustermann\n5 Sterne GmbH\n", 5, 5,
	    "the signature is not read" },
	{ "Danke\n\nAm 3. Juni 2026 schrieb Support <s@example.com>:\n"
	    "> Wie zufrieden waren Sie? 1 bis 5\n", 5, -1,
	    "an attribution line ends the own text" },
	{ "My order 4711 has not arrived, can you check?", 5, -1,
	    "an order number is no rating" },
	{ "Is it good to order again?", 5, -1, "a word in a question" },
	{ "Wann kommt die Gutschrift?", 5, -1, "a German question" },
	{ "Πότε θα έρθει η επιστροφή χρημάτων;", 5, -1,
	    "a Greek question (;)" },
	{ "12", 5, -1, "out of range" },
	{ "I'd say 0/5.", 5, -1, "0/5 is below a five-point scale" },
	{ "00/10", 5, -1, "0/10 too (found by fuzz-csat)" },
	{ "0/5", 10, 0, "but 0/5 is 0 on the NPS scale" },
	{ "5th of June, still waiting", 5, -1, "5th is no rating" },
	{ "", 5, -1, "empty" },
};

int
main(void)
{
	char	*comment;
	size_t	 i;
	int	 r, got;

	for (i = 0; i < nitems(cases); i++) {
		comment = NULL;
		r = -1;
		got = csat_parse(cases[i].text, cases[i].scale, &r, &comment) ==
		    0 ? r : -1;
		is_int(got, cases[i].want, "%s", cases[i].name);
		free(comment);
	}
	ok(csat_parse("3 out of 5, the wait was long\n> quoted", 5, &r,
	    &comment) == 0 && strcmp(comment, "3 out of 5, the wait was "
	    "long") == 0, "the comment is the own text: '%s'", comment);
	free(comment);
	return (done_testing());
}
