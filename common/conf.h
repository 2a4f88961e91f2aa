/*
 * conf.h: the suite configuration file (INI, one section per daemon, like
 * nfs-utils' nfs.conf). A daemon describes its section with a typed key
 * table and gets its values in a struct; unknown keys in its section, bad
 * values and syntax errors are reported with file:line.
 *
 *	# comment			; comment
 *	[rpcbind]
 *	user = _rpc
 *	warm-start = yes
 *
 * Section and key names are case-insensitive; '-' and '_' are the same in
 * key names. Values run to the end of the line, trimmed; a '#' or ';'
 * after a blank starts a comment; "..." quotes keep spaces and comment
 * characters (\" and \\ escape). Sections not in the suite's list of
 * known sections are errors; sections of other daemons are checked only by
 * those daemons.
 */
#ifndef NFS_CONF_H
#define NFS_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/parse.h"

#define CONF_DEFAULT_PATH	SYSCONFDIR "/nfs-suite.conf"

enum conf_type {
	CONF_STR,	/* char *, strdup'd; freed by conf_free_values() */
	CONF_INT,	/* long, range [min, max] */
	CONF_BOOL,	/* bool: yes/no, y/n, true/false, on/off, 1/0 */
	CONF_SIZE,	/* size_t with optional K/M/G suffix, range [min, max] */
	CONF_LIST,	/* char *, comma/space separated list kept as text */
};

struct conf_key {
	const char	*name;
	enum conf_type	 type;
	size_t		 off;		/* offsetof() into the values struct */
	const char	*def;		/* default, as text; NULL = empty */
	long long	 min, max;	/* for INT and SIZE; both 0: no limit */
	const char	*help;		/* one line, for -T output */
};

#define CONF_KEY_END	{ NULL, 0, 0, NULL, 0, 0, NULL }

/* One parsed file: every (section, key, value) with its line. */
struct conf_file;

/* Parse text (named path in messages). Returns 0 and *out, or -EINVAL with
 * err filled. Never exits. */
int	conf_parse(const char *path, const char *text, struct conf_file **out,
	    struct parse_err *err);
/* Read and parse a file; a missing file gives an empty config if
 * missing_ok. Returns 0 or -errno (err filled for syntax errors). */
int	conf_load(const char *path, bool missing_ok, struct conf_file **out,
	    struct parse_err *err);
/*
 * Another program's file in the same syntax, nfs-utils' nfs.conf(5): any
 * section name ([name "sub"] kept apart), '.' allowed in key names; a
 * missing file is an empty config. Read with conf_get() only.
 */
int	conf_parse_foreign(const char *path, const char *text,
	    struct conf_file **out, struct parse_err *err);
int	conf_load_foreign(const char *path, struct conf_file **out,
	    struct parse_err *err);
void	conf_file_free(struct conf_file *cf);
/* An empty config (no file). NULL on allocation failure. */
struct conf_file *conf_new(void);
/* Add "key = value" to [section] as if at the end of the file (command-line
 * -o overrides; messages name "command line"). 0 or -errno. */
int	conf_add(struct conf_file *cf, const char *section, const char *key,
	    const char *value);
/* The same, remembering where the value came from (origin, e.g.
 * "/etc/nfs.conf:40 [nfsd] udp", is what --print-config shows). */
int	conf_add_origin(struct conf_file *cf, const char *section,
	    const char *key, const char *value, const char *origin);
const char *conf_file_path(const struct conf_file *cf);
/* The value in force of [section] key as written (the last one), with its
 * line (0: command line) if line is not NULL; NULL when not set. */
const char *conf_get(const struct conf_file *cf, const char *section,
	    const char *key, unsigned *line);
/* Where that value came from, into buf: "FILE:LINE", "command line", the
 * origin given to conf_add_origin(), or "default". Returns buf. */
const char *conf_source(const struct conf_file *cf, const char *section,
	    const char *key, char *buf, size_t len);

/* Fill vals from the defaults, then from [section] of cf (cf may be NULL).
 * Returns 0, or -EINVAL with err naming the line of an unknown key or bad
 * value. */
int	conf_apply(const struct conf_file *cf, const char *section,
	    const struct conf_key *keys, void *vals, struct parse_err *err);
/* Where the value of [section] key in force was written: 0 with *line
 * (0 for the command line) and *col of the value, or -ENOENT when the key
 * was not set. For errors found after conf_apply() (values that need more
 * than a type check). */
int	conf_where(const struct conf_file *cf, const char *section,
	    const char *key, unsigned *line, unsigned *col);
/* Free the strings conf_apply() stored in vals. */
void	conf_free_values(const struct conf_key *keys, void *vals);
/* Split a CONF_LIST value at commas and blanks into a NULL-terminated
 * vector (one allocation: free it with free()); an empty list gives a
 * vector holding only NULL. NULL on allocation failure. */
char	**conf_list_split(const char *s);

/* Print the effective values as an INI section (for -T). */
void	conf_print(FILE *fp, const char *section, const struct conf_key *keys,
	    const void *vals);
/* The same with a "# from: SOURCE" line (conf_source()) above each key. */
void	conf_print_src(FILE *fp, const char *section,
	    const struct conf_key *keys, const void *vals,
	    const struct conf_file *cf);

#endif
