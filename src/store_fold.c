/*
 * helpq - store_fold.c: helpq_fold, the FTS5 tokenizer of the search
 * index: SQLite's unicode61 with each token folded once more by
 * utf8_fold, the fold threading uses.
 */
#include "compat.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store_private.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * unicode61 with remove_diacritics 2 folds Latin accents (Müller, Grüße
 * -> müller, gruße) and drops combining marks, but keeps the precomposed
 * Greek tonos and dialytika, polytonic marks, ß, final sigma and the
 * dotless i. helpq_fold wraps it and folds each token it produces once
 * more with utf8_fold, the fold threading uses, so "καλημερα" finds
 * "Καλημέρα" and "grusse" finds "Grüße". Queries go through the same
 * tokenizer.
 */
struct fold_tokenizer {
	fts5_tokenizer	 parent;	/* unicode61's methods */
	Fts5Tokenizer	*inst;		/* and our instance of it */
};

/* Where fold_token passes folded tokens on to. */
struct fold_call {
	void		*ctx;
	int		(*token)(void *, int, const char *, int, int, int);
};

static int
fold_token(void *arg, int flags, const char *tok, int n, int start, int end)
{
	struct fold_call	*fc = arg;
	char			 small[256], *out;
	int			 rc, len;

	/* Most tokens are ASCII, which unicode61 has lower-cased already. */
	if (n <= 0 || utf8_ascii_span(tok, (size_t)n) == (size_t)n)
		return (fc->token(fc->ctx, flags, tok, n, start, end));
	out = (size_t)n <= sizeof small ? small : xmalloc(n);
	len = (int)utf8_fold(tok, (size_t)n, out);
	/* A token of invisible characters alone stays as it is. */
	if (len > 0)
		rc = fc->token(fc->ctx, flags, out, len, start, end);
	else
		rc = fc->token(fc->ctx, flags, tok, n, start, end);
	if (out != small)
		free(out);
	return (rc);
}

static int
fold_create(void *arg, const char **argv, int argc, Fts5Tokenizer **outp)
{
	fts5_api		*api = arg;
	struct fold_tokenizer	*ft;
	const char		*args[34];
	void			*pctx;
	int			 i, n = 0, rc;

	if (argc > (int)nitems(args) - 2)
		return (SQLITE_ERROR);
	ft = sqlite3_malloc(sizeof *ft);
	if (ft == NULL)
		return (SQLITE_NOMEM);
	memset(ft, 0, sizeof *ft);
	rc = api->xFindTokenizer(api, "unicode61", &pctx, &ft->parent);
	if (rc != SQLITE_OK) {
		sqlite3_free(ft);
		return (rc);
	}
	/* Our default first, so the schema's arguments may override it. */
	args[n++] = "remove_diacritics";
	args[n++] = "2";
	for (i = 0; i < argc; i++)
		args[n++] = argv[i];
	rc = ft->parent.xCreate(pctx, args, n, &ft->inst);
	if (rc != SQLITE_OK) {
		sqlite3_free(ft);
		return (rc);
	}
	*outp = (Fts5Tokenizer *)ft;
	return (SQLITE_OK);
}

static void
fold_delete(Fts5Tokenizer *tok)
{
	struct fold_tokenizer	*ft = (struct fold_tokenizer *)tok;

	ft->parent.xDelete(ft->inst);
	sqlite3_free(ft);
}

static int
fold_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text,
    int len, int (*token)(void *, int, const char *, int, int, int))
{
	struct fold_tokenizer	*ft = (struct fold_tokenizer *)tok;
	struct fold_call	 fc;

	fc.ctx = ctx;
	fc.token = token;
	return (ft->parent.xTokenize(ft->inst, &fc, flags, text, len,
	    fold_token));
}

/* Make helpq_fold known to this connection; FTS5 needs it on each one. */
int
store_fold_register(sqlite3 *db, const char *path, char **cause)
{
	static fts5_tokenizer	 methods = {
		fold_create, fold_delete, fold_tokenize
	};
	sqlite3_stmt		*stmt;
	fts5_api		*api = NULL;
	int			 rc;

	rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		*cause = xprintf("%s: FTS5 is not available: %s", path,
		    sqlite3_errmsg(db));
		return (-1);
	}
	sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (api == NULL) {
		*cause = xprintf("%s: FTS5 is not available", path);
		return (-1);
	}
	rc = api->xCreateTokenizer(api, FOLD_TOKENIZER, api, &methods, NULL);
	if (rc != SQLITE_OK) {
		*cause = xprintf("%s: registering the %s tokenizer: %s",
		    path, FOLD_TOKENIZER, sqlite3_errstr(rc));
		return (-1);
	}
	return (0);
}
