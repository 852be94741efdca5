/*
 * helpq - cmd_import.c: "helpq import": Maildirs, mbox files and one
 * message on standard input into the store, then what that queued out.
 */
#include "compat.h"

#include <sys/time.h>

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "cycle.h"
#include "deliver.h"
#include "ingest.h"
#include "log.h"
#include "outbox.h"
#include "rules.h"
#include "source.h"
#include "store.h"

static const struct args_opt import_opts[] = {
	{ "batch", 0, "N", 'b', "commit every N messages (1 to 100000; "
	    "default 1000)" },
	{ "json", 0, NULL, 'j', "print the summary as JSON" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
import_main(struct globals *g, struct args *a)
{
	struct store	*st;
	struct ingest	*in;
	struct rules	*rs;
	struct outbox	*ob;
	struct source	*src;
	struct cmd_progress pg;
	struct ingest_stats stats;
	struct deliver_stats os;
	struct cycle	 c;
	uint64_t	 done = 0;
	unsigned	 batch = 1000;
	const char	*val;
	char		*cause = NULL, **argv = a->argv;
	int		 ch, i, json = 0, rc = 0, argc = a->argc;

	while ((ch = args_next(a, 0, &val)) != -1) {
		switch (ch) {
		case 'b':
			batch = (unsigned)strtoul(val, NULL, 10);
			if (batch == 0 || batch > 100000)
				cmd_usage_error("--batch %s: expected 1 to "
				    "100000", val);
			break;
		case 'j':
			json = 1;
			break;
		}
	}
	if ((rc = cmd_open_ingest(g, &rs, &ob, &st)) != 0)
		return (rc);
	if (store_background(st, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		store_close(st);
		outbox_free(ob);
		rules_free(rs);
		return (EX_TEMPFAIL);
	}
	memset(&pg, 0, sizeof pg);
	pg.on = !g->quiet && isatty(STDERR_FILENO);
	pg.label = "import";
	gettimeofday(&pg.start, NULL);
	pg.last = pg.start;
	in = ingest_new(st, &g->conf, batch);
	ingest_set_rules(in, rs);
	ingest_set_outbox(in, ob);
	for (i = 0; i < argc && rc == 0; i++) {
		if ((rc = source_local_open(argv[i], &src, &cause)) != 0) {
			log_error("%s", cause);
			free(cause);
			if (rc == 2)	/* an MTA is delivering to the mbox */
				rc = EX_TEMPFAIL;
			else
				rc = strcmp(argv[i], "-") != 0 &&
				    access(argv[i], F_OK) != 0 ? EX_NOINPUT :
				    EX_DATAERR;
			break;
		}
		rc = cycle_source(in, src, &pg, &done);
		source_close(src);
	}
	if (ingest_flush(in, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_TEMPFAIL;
	}
	cmd_progress_show(&pg, done, 1);
	stats = *ingest_stats(in);
	ingest_free(in, NULL);
	/* What the import queued goes out now (a mail server's delivery
	 * command acknowledges at once); a server that is down leaves it
	 * for the next run. */
	if (rc == 0) {
		memset(&c, 0, sizeof c);
		c.g = g;
		c.st = st;
		c.rs = rs;
		c.ob = ob;
		(void)cycle_finish(&c, &os);
		if (log_to_service())
			cycle_log(&c, &stats, &os);
	}
	outbox_free(ob);
	rules_free(rs);
	store_close(st);
	if ((!g->quiet || json) && (rc == 0 || done > 0))
		cmd_ingest_summary(&stats, cmd_elapsed(&pg.start), json);
	/* A message set aside is kept (helpq failed lists it): only one that
	 * could not be kept at all, as an empty one, fails the import. */
	if (rc == 0 && stats.count[INGEST_FAILED] > stats.kept_failed)
		rc = EX_DATAERR;
	return (rc);
}

const struct command cmd_import_command = {
	"import", NULL, import_main, import_opts, "PATH|- ...", 1, -1,
	CMD_OPERAND_FILE, 0,
	"Import Maildirs, mbox files or one message on standard input"
};
