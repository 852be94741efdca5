/*
 * helpq - fault.h: faults injected for tests only. The test suite needs a
 * message that fails in a chosen step, and a helpq that dies on one, to
 * check that no message can stop the mailbox. Not a user feature (not in
 * the man pages).
 *
 * HELPQ_FAULT="STEP:TEXT" is read once by fault_init; a message whose
 * Message-ID contains TEXT then fails in STEP:
 *   parse   the parser gives up on it
 *   rules   the rules step fails
 *   store   storing it fails (an error that would not pass by itself)
 *   crash   helpq raises SIGSEGV while processing it
 *   abort   helpq calls abort() while processing it
 * Unset, every check is one load and compare of a static.
 */
#ifndef HELPQ_FAULT_H
#define HELPQ_FAULT_H

enum fault_step {
	FAULT_NONE = 0,
	FAULT_PARSE,
	FAULT_RULES,
	FAULT_STORE,
	FAULT_CRASH,
	FAULT_ABORT
};

/* Read HELPQ_FAULT (once, before any thread starts). */
void	 fault_init(void);
/* The message with Message-ID msgid (may be NULL) fails in step. */
int	 fault_hit(enum fault_step step, const char *msgid);
/* Die the way the fault says if msgid is the one (crash or abort). */
void	 fault_die(const char *msgid);

#endif
