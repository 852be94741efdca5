/* helpq - worker.c: helper threads that never take a signal. */
#include "compat.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "log.h"
#include "worker.h"

void
worker_start(pthread_t *tp, void *(*fn)(void *), void *arg)
{
	sigset_t	all, old;
	int		rc;

	/* A new thread inherits the mask of the thread that makes it. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(tp, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if ((errno = rc) != 0)
		fatal("pthread_create");
}
