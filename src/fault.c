/*
 * helpq - fault.c: faults injected for tests (see fault.h).
 */
#include "compat.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "log.h"

static enum fault_step	 fault_step;	/* FAULT_NONE: no fault wanted */
static const char	*fault_text;	/* in the environment; never freed */

void
fault_init(void)
{
	static const struct {
		const char	*name;
		enum fault_step	 step;
	} steps[] = {
		{ "parse:", FAULT_PARSE },
		{ "rules:", FAULT_RULES },
		{ "store:", FAULT_STORE },
		{ "crash:", FAULT_CRASH },
		{ "abort:", FAULT_ABORT },
	};
	const char	*v;
	size_t		 i, n;

	if ((v = getenv("HELPQ_FAULT")) == NULL || *v == '\0')
		return;
	for (i = 0; i < nitems(steps); i++) {
		n = strlen(steps[i].name);
		if (strncmp(v, steps[i].name, n) == 0 && v[n] != '\0') {
			fault_step = steps[i].step;
			fault_text = v + n;
			log_warnx("HELPQ_FAULT: injecting a %.*s fault "
			    "(a testing aid)", (int)n - 1, v);
			return;
		}
	}
	log_warnx("HELPQ_FAULT: '%s' is not STEP:TEXT; ignored", v);
}

int
fault_hit(enum fault_step step, const char *msgid)
{
	if (fault_step != step)
		return (0);
	return (msgid != NULL && strstr(msgid, fault_text) != NULL);
}

void
fault_die(const char *msgid)
{
	if (fault_step == FAULT_NONE)
		return;
	if (fault_hit(FAULT_CRASH, msgid))
		raise(SIGSEGV);
	if (fault_hit(FAULT_ABORT, msgid))
		abort();
}
