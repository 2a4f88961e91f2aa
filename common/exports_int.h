/*
 * exports_int.h: what exports.c, exports_opts.c and exports_match.c share.
 * Not for use outside those files.
 */
#ifndef NFS_EXPORTS_INT_H
#define NFS_EXPORTS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/exports.h"

/* One character of a token after unquoting and \ooo decoding, with where
 * it was written. lit: it came from inside "..." or from an escape, so it
 * is never a separator ( ) , = for the option and client syntax. */
struct xchar {
	char		c;
	bool		lit;
	unsigned	line, col;
};

struct exp_table {
	struct exp_export	**exports;	/* first appearance order */
	size_t			nexports, capexports;
	char			**files;	/* names for exp_where.file */
	size_t			nfiles;
	struct exp_err		*warns;
	size_t			nwarns;
	struct exp_err		*skipped;	/* EXP_LOAD_PARTIAL */
	size_t			nskipped;
	unsigned		load_flags;	/* EXP_LOAD_*, while parsing */
	struct exp_mnt_export	*mnt;		/* exp_showmount() */
	size_t			nmnt;
	uint64_t		hash;
	/* exp_lookup()'s index (exp_table_finish): open addressing, export
	 * index + 1 by a hash of the path; NULL: scan */
	uint32_t		*pidx;
	size_t			pmask;
	size_t			pidx_n;		/* exports it holds: valid only
						   when it is nexports */
	/* exp_table_needs_names(), exp_table_any_sync() once finished */
	bool			finished, names, any_sync;
};

/* (Re)build the path index of every export; 0 or -ENOMEM. */
int	exp_path_index(struct exp_table *t);

/* Fill e (if not NULL): file, position and message; returns -EINVAL. */
int	exp_errf(struct exp_err *e, const char *file, unsigned line,
	    unsigned col, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/* Record a warning in the table; returns 0 or -ENOMEM. */
int	exp_warnf(struct exp_table *t, const char *file, unsigned line,
	    unsigned col, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/* The same, for what nfs-utils' exportfs reports as an error. */
int	exp_warnf_severe(struct exp_table *t, const char *file, unsigned line,
	    unsigned col, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* exports_opts.c */
void	exp_opts_init(struct exp_opts *o);
/* Deep copy (mountpoint); 0 or -ENOMEM. dst is overwritten. */
int	exp_opts_copy(struct exp_opts *dst, const struct exp_opts *src);
void	exp_opts_clear(struct exp_opts *o);
/* Apply the option list v[0..n) to o; 0 or -EINVAL (err filled). */
int	exp_opts_parse(struct exp_opts *o, const struct xchar *v, size_t n,
	    const char *file, struct exp_err *err);
/* Make o complete for a table: sec=sys when no sec= was given, and the
 * EXP_F_SECFLAGS bits of flags taken from sec[0]. */
void	exp_opts_finish(struct exp_opts *o);

/* exports_match.c: recompute the showmount list and the hash after the
 * table changed (parse, resolve). 0 or -ENOMEM. */
int	exp_table_finish(struct exp_table *t);
void	exp_showmount_free(struct exp_table *t);


#endif
