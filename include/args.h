/*
 * helpq - args.h: command-line words into options and operands, the way
 * git and notmuch read them: options anywhere among the operands, "--"
 * ending them, long options by unique prefix, short ones clustered.
 * The option tables are the one description of each option: parsing,
 * --help, the man page check and the completion script all read them.
 */
#ifndef HELPQ_ARGS_H
#define HELPQ_ARGS_H

#include <stddef.h>

/* One option; a table of them ends with a NULL name. */
struct args_opt {
	const char	*name;		/* the long name, without "--" */
	char		 letter;	/* the short form, 0 for none */
	const char	*arg;		/* its argument's name; NULL: none */
	int		 key;		/* what args_next returns for it */
	const char	*help;		/* one line, for --help */
};

/* One option found: which, and its argument (borrowed from argv). */
struct args_item {
	const struct args_opt	*opt;
	size_t			 table;	/* the index of its table */
	const char		*value;	/* NULL when it takes none */
};

/* After the first operand, words that begin with '-' are operands too
 * ("helpq tag 3 -urgent"); "--name" still is the option when one has
 * that name. */
#define ARGS_DASH_WORDS	0x1
/* Stop at the first operand: it and all after it are left as they are
 * (the global options before a command name). */
#define ARGS_STOP	0x2

struct args {
	struct args_item *items;	/* owned; nitems of them in order */
	size_t		  nitems;
	size_t		  next;		/* args_next's place */
	char		**argv;		/* owned array of borrowed words */
	int		  argc;		/* the operands, in order */
	char		  error[256];	/* what was wrong, when -1 */
};

/*
 * Parse argv[0..argc) against tables[0..ntables) (an option is looked up
 * in each in turn). Returns 0, or -1 with a one-line reason in a->error.
 * Either way a holds what was read; args_free releases it.
 */
int		 args_parse(struct args *a, int argc, char **argv,
		    const struct args_opt *const *tables, size_t ntables,
		    int flags);
/*
 * The next option of tables[table] in the order given: its key, with
 * *valuep its argument (NULL if none); -1 when there are no more, and
 * the next call starts from the first again.
 */
int		 args_next(struct args *a, size_t table, const char **valuep);
/* Nonzero if an option of tables[table] with this key was given. */
int		 args_has(const struct args *a, size_t table, int key);
void		 args_free(struct args *a);

#endif
