/*
 * helpq - worker.h: helper threads (the reader, the indexer, the
 * checkpointer) start with every signal blocked, so SIGTERM and SIGHUP
 * always land on the main thread, which owns the loop that acts on them.
 */
#ifndef HELPQ_WORKER_H
#define HELPQ_WORKER_H

#include "compat.h"

#include <pthread.h>

/* pthread_create with every signal blocked in the new thread; fatal if
 * the thread cannot be made. */
void	worker_start(pthread_t *, void *(*fn)(void *), void *arg);

#endif
