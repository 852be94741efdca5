/*
 * helpq - cmd_import.c: "helpq import": Maildirs, mbox files and one
 * message on standard input into the store, then what that queued out.
 */
#include "compat.h"

#include <sys/time.h>

#include <getopt.h>
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

int
cmd_import(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
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
	char		*cause = NULL;
	int		 ch, i, json = 0, rc = 0;

	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			batch = (unsigned)strtoul(optarg, NULL, 10);
			if (batch == 0 || batch > 100000)
				cmd_usage(EX_USAGE);
			break;
		case 'j':
			json = 1;
			break;
		default:
			cmd_usage(EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		cmd_usage(EX_USAGE);
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
