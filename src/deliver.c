/*
 * helpq - deliver.c: sending the outbox. One helpq at a time holds the
 * send lock, opens one SMTP session for what is due and records each
 * mail's result as the server gives it (outbox.c keeps the books and the
 * retry schedule); sent agents' mail is then copied into the Sent folder
 * through the caller's append. See deliver.h.
 */
#include "compat.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "deliver.h"
#include "lockfile.h"
#include "log.h"
#include "now.h"
#include "outbox.h"
#include "outbox_private.h"
#include "safe.h"
#include "service.h"
#include "smtp.h"
#include "store.h"
#include "xmalloc.h"

/*
 * A test can stop helpq dead at a chosen point (HELPQ_CRASH_AT=queued:
 * queued mail committed, nothing sent yet; =sent: the server took a
 * mail that is not yet recorded as sent), to show what a crash there
 * costs. Nobody else sets it.
 */
static void
deliver_crash_point(const char *where)
{
	const char	*at = getenv("HELPQ_CRASH_AT");

	if (at != NULL && strcmp(at, where) == 0)
		raise(SIGKILL);
}

/* The recipients, split at ", " (the outbox keeps them that way). */
static size_t
deliver_split(char *list, const char ***vp)
{
	const char	**v = NULL;
	char		 *w, *last;
	size_t		  n = 0;

	for (w = strtok_r(list, ", ", &last); w != NULL;
	    w = strtok_r(NULL, ", ", &last)) {
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = w;
	}
	*vp = v;
	return (n);
}

/* A temporary failure: the outbox decides when to try again, or fails
 * the mail for good. */
static enum deliver_result
deliver_defer(struct outbox *ob, struct store *st, const struct outbox_job *j,
    time_t now, const char *reply, struct deliver_stats *stats, char **cause)
{
	enum outbox_status	status;
	int			rc;

	rc = outbox_defer(ob, st, j, now, reply, &status, cause);
	if (status == OUTBOX_FAILED)
		stats->failed++;
	else
		stats->deferred++;
	return (rc == 0 ? DELIVER_OK : DELIVER_ERROR);
}

/*
 * Send one mail: DELIVER_OK, DELIVER_SERVER_DOWN when the server cannot
 * be used now, DELIVER_CONFIG when it cannot be used as configured (the
 * mail is failed: no retry helps), DELIVER_ERROR.
 */
static enum deliver_result
deliver_send_one(struct outbox *ob, struct store *st, struct smtp *sm,
    const struct outbox_job *j, struct deliver_stats *stats, char **cause)
{
	enum smtp_result	 r;
	enum deliver_result	 rc;
	struct log_ids		 ids = { 0, 0, NULL };
	const char		**rcpts;
	char			*list, *reply = NULL, *safe, *why;
	size_t			 n;
	time_t			 now;

	list = xstrdup(j->recipients);
	n = deliver_split(list, &rcpts);
	r = smtp_send(sm, j->sender, rcpts, n, j->raw, j->rawlen, &reply);
	free(rcpts);
	free(list);
	safe = safe_dup(reply != NULL ? reply : "no reply", 0);
	free(reply);
	now = now_get();
	switch (r) {
	case SMTP_OK:
		deliver_crash_point("sent");
		stats->sent++;
		if (strcmp(j->kind, "ack") == 0)
			stats->acks++;
		ids.ticket = j->ticket;
		ids.outbox = j->id;
		ids.message_id = j->message_id;
		log_info_ids(&ids, "outbox %lld: %s for ticket %lld to %s: %s",
		    (long long)j->id, j->kind, (long long)j->ticket,
		    j->recipients, safe);
		rc = outbox_record(st, j, OUTBOX_SENT, 0, now, NULL, safe,
		    cause) == 0 ? DELIVER_OK : DELIVER_ERROR;
		break;
	case SMTP_PERM:
		log_error("outbox %lld: %s to %s refused for good: %s",
		    (long long)j->id, j->kind, j->recipients, safe);
		stats->failed++;
		rc = outbox_record(st, j, OUTBOX_FAILED, 0, now, safe, NULL,
		    cause) == 0 ? DELIVER_OK : DELIVER_ERROR;
		break;
	case SMTP_CONFIG:
		why = xprintf("a configuration error ([smtp]): %s", safe);
		log_error("outbox %lld: %s to %s not sent: %s",
		    (long long)j->id, j->kind, j->recipients, why);
		stats->failed++;
		rc = outbox_record(st, j, OUTBOX_FAILED, 0, now, why, NULL,
		    cause) == 0 ? DELIVER_CONFIG : DELIVER_ERROR;
		free(why);
		break;
	default:
		rc = deliver_defer(ob, st, j, now, safe, stats, cause);
		if (rc == DELIVER_OK && r == SMTP_DOWN)
			rc = DELIVER_SERVER_DOWN;
		break;
	}
	free(safe);
	return (rc);
}

/* Send what is due over one SMTP session; the send lock is held. */
static enum deliver_result
deliver_flush_locked(struct outbox *ob, struct store *st, int force,
    struct deliver_stats *stats, char **cause)
{
	struct outbox_job	 j;
	struct smtp		*sm = NULL;
	enum deliver_result	 rc = DELIVER_OK;
	int64_t			*ids;
	size_t			 i, n;
	int			 r;

	if (outbox_due(st, force ? 0 : now_get(), &ids, &n, cause) != 0)
		return (DELIVER_ERROR);
	if (n > 0) {
		deliver_crash_point("queued");
		if ((sm = smtp_new(&ob->conf->smtp, cause)) == NULL) {
			free(ids);
			return (DELIVER_ERROR);
		}
	}
	for (i = 0; i < n && rc == DELIVER_OK; i++) {
		if ((r = outbox_job_get(st, ids[i], &j, cause)) == -1) {
			rc = DELIVER_ERROR;
			break;
		}
		/* A long flush must not look like a hang. */
		service_watchdog();
		/* Gone, or sent by now: nothing to do. */
		if (r == 0 && j.status == OUTBOX_QUEUED)
			rc = deliver_send_one(ob, st, sm, &j, stats, cause);
		outbox_job_clear(&j);
	}
	smtp_free(sm);
	free(ids);
	return (rc);
}

enum deliver_result
deliver_flush(struct outbox *ob, struct store *st, int force,
    struct deliver_stats *stats, char **cause)
{
	enum deliver_result	rc;
	int			fd;

	memset(stats, 0, sizeof *stats);
	if (!outbox_enabled(ob))
		return (DELIVER_OK);
	/* One sender at a time: a poll, "helpq send" and "helpq reply" may
	 * run together, and only one of them may pick up a queued mail. */
	switch (lockfile_lock(ob->lockpath, 0, &fd, NULL, cause)) {
	case LOCKFILE_BUSY:
		log_info("another helpq is sending; the mail is left to it");
		return (DELIVER_OK);
	case LOCKFILE_ERROR:
		return (DELIVER_ERROR);
	case LOCKFILE_HELD:
		break;
	}
	rc = deliver_flush_locked(ob, st, force, stats, cause);
	close(fd);
	return (rc);
}

/* ---- copies in the Sent folder ---- */

int
deliver_copy_sent(struct outbox *ob, struct store *st,
    deliver_append_fn append, void *arg, struct deliver_stats *stats,
    char **cause)
{
	const char		*folder;
	struct outbox_job	 j;
	char			*err = NULL;
	int64_t			*ids;
	size_t			 i, n;
	int			 rc = 0;

	if (!outbox_enabled(ob) || (folder = ob->conf->imap.sent) == NULL)
		return (0);
	if (outbox_uncopied(st, &ids, &n, cause) != 0)
		return (-1);
	for (i = 0; i < n && rc == 0; i++) {
		if (outbox_job_get(st, ids[i], &j, cause) == -1) {
			rc = -1;
			break;
		}
		if (append(arg, folder, j.raw, j.rawlen, &err) != 0) {
			log_warnx("outbox %lld: no copy in %s yet: %s",
			    (long long)j.id, folder, err);
			free(err);
			outbox_job_clear(&j);
			break;
		}
		if (store_begin(st, cause) != 0 || store_outbox_copied(st,
		    j.id, cause) != 0 || store_commit(st, cause) != 0) {
			store_rollback(st);
			rc = -1;
		} else
			stats->copied++;
		outbox_job_clear(&j);
	}
	free(ids);
	return (rc);
}

static int
deliver_any_cb(const struct outbox_entry *e, void *arg)
{
	*(int *)arg = 1;
	return (1);
}

int
deliver_copies_pending(struct store *st, char **cause)
{
	int	any = 0;

	if (store_outbox_copies(st, deliver_any_cb, &any, cause) != 0)
		return (-1);
	return (any);
}
