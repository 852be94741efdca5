/*
 * helpq - store_worker.c: a thread that does one piece of store upkeep
 * (index new messages, checkpoint the WAL) each time the writer commits,
 * on a connection of its own, so the writer never waits for it. Kicks
 * that arrive while it works fold into one more round.
 */
#include "compat.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_private.h"
#include "worker.h"
#include "xmalloc.h"

struct store_worker {
	char			 name[16];	/* thread name, for top -H */
	store_job_fn		 job;
	store_job_free_fn	 job_free;
	void			*arg;
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 kicked;
	int			 stop;
	char			*error;		/* the first failure */
};

static void *
store_worker_main(void *arg)
{
	struct store_worker	*w = arg;
	char			*cause = NULL;
	int			 stop;

	pthread_setname_np(pthread_self(), w->name);
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (!w->kicked && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		w->kicked = 0;
		stop = w->stop;
		pthread_mutex_unlock(&w->mu);
		/* After a stop, one more round takes the last commit. */
		if (w->error == NULL && w->job(w->arg, stop, &cause) != 0) {
			pthread_mutex_lock(&w->mu);
			w->error = cause;
			pthread_mutex_unlock(&w->mu);
		}
		if (stop)
			break;
	}
	return (NULL);
}

struct store_worker *
store_worker_start(const char *name, store_job_fn job,
    store_job_free_fn job_free, void *arg)
{
	struct store_worker	*w;

	w = xcalloc(1, sizeof *w);
	snprintf(w->name, sizeof w->name, "%s", name);
	w->job = job;
	w->job_free = job_free;
	w->arg = arg;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	worker_start(&w->thread, store_worker_main, w);
	return (w);
}

void
store_worker_kick(struct store_worker *w)
{
	pthread_mutex_lock(&w->mu);
	if (!w->kicked) {
		w->kicked = 1;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
}

int
store_worker_stop(struct store_worker *w, char **cause)
{
	int	rc = 0;

	if (w == NULL)
		return (0);
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	if (w->error != NULL) {
		*cause = w->error;
		rc = -1;
	}
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	if (w->job_free != NULL)
		w->job_free(w->arg);
	free(w);
	return (rc);
}
