/* helpq - test-daemon.c: the run loop's one wake-up over every timer. */
#include "compat.h"

#include <time.h>

#include "daemon.h"
#include "../tap.h"

int
main(void)
{
	static const struct {
		time_t		 due[3];
		size_t		 n;
		int		 max;
		int		 want;
		const char	*name;
	} cases[] = {
		{ { 0 }, 0, 1500, 1500, "no timer: the longest wait" },
		{ { 0, 0 }, 2, 1500, 1500, "timers with nothing due" },
		{ { 1000 + 60 }, 1, 1500, 60, "one timer sooner than max" },
		{ { 1000 + 9000 }, 1, 1500, 1500, "one timer later than max" },
		{ { 1000 + 300, 1000 + 40, 1000 + 90 }, 3, 1500, 40,
		    "the soonest of three" },
		{ { 0, 1000 + 40 }, 2, 30, 30, "max sooner than any timer" },
		{ { 1000 }, 1, 1500, 1, "due now: at least a second" },
		{ { 900, 1000 + 40 }, 2, 1500, 1,
		    "overdue: at least a second" },
	};
	time_t	now = 1000;
	size_t	i;

	for (i = 0; i < nitems(cases); i++)
		is_int(daemon_wait_seconds(cases[i].due, cases[i].n, now,
		    cases[i].max), cases[i].want, "%s", cases[i].name);
	return (done_testing());
}
