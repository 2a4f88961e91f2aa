/*
 * metrics.h: the Prometheus text exposition format (version 0.0.4), both
 * ways. The daemons write their statistics in it (common/rpc/stats.c) on
 * their stats socket and their optional HTTP listener; nfs-suite-stat
 * reads it back. One format for both, so what an admin sees with
 * nfs-suite-stat is what Prometheus scrapes.
 *
 *	# HELP nfs_suite_rpc_calls_total Calls per procedure.
 *	# TYPE nfs_suite_rpc_calls_total counter
 *	nfs_suite_rpc_calls_total{program="nfs",version="3",procedure="read"} 42
 *
 * Writing: a growable text buffer (struct mbuf); an allocation failure is
 * remembered (mbuf.err) rather than reported per call. Reading: every
 * sample with its labels; comments and blank lines are skipped, and a
 * malformed line is an error with its line number.
 */
#ifndef NFS_METRICS_H
#define NFS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/parse.h"

struct mbuf {
	char	*p;
	size_t	 len, cap;
	bool	 err;		/* an allocation failed: the text is cut */
};

void	mbuf_init(struct mbuf *b);
void	mbuf_free(struct mbuf *b);
/* Append formatted text (NUL-terminated, not counted in len). */
void	mbuf_printf(struct mbuf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	mbuf_add(struct mbuf *b, const void *p, size_t len);

/* "# HELP name help" and "# TYPE name type" (counter, gauge, histogram). */
void	metrics_family(struct mbuf *b, const char *name, const char *type,
	    const char *help);
/* One sample: name{labels} value. labels is the text between the braces,
 * already escaped (see metrics_label_value()), or NULL / "" for none. */
void	metrics_u64(struct mbuf *b, const char *name, const char *labels,
	    uint64_t v);
void	metrics_double(struct mbuf *b, const char *name, const char *labels,
	    double v);
/* Escape a label value (backslash, double quote, newline) into buf;
 * returns buf (cut to fit). */
const char *metrics_label_value(const char *v, char *buf, size_t len);

/* ------------------------------------------------------------ reading */

struct metrics_label {
	char	*key, *value;		/* value unescaped */
};

struct metrics_sample {
	char			*name;
	struct metrics_label	*labels;
	unsigned		 nlabels;
	double			 value;
};

struct metrics_set {
	struct metrics_sample	*v;
	size_t			 n;
};

/* Parse text[0..len). Returns 0 and *out (free with metrics_set_free()),
 * -EINVAL with err naming the line, or -ENOMEM. */
int	metrics_parse(const char *text, size_t len, struct metrics_set **out,
	    struct parse_err *err);
void	metrics_set_free(struct metrics_set *s);
/* The value of label key in s, or NULL. */
const char *metrics_label(const struct metrics_sample *s, const char *key);
/*
 * Sum of the samples called name whose labels include every pair of kv
 * (key, value, key, value, ..., NULL; kv NULL: any labels). Returns how
 * many samples matched; *sum gets their sum (0 when none).
 */
size_t	metrics_sum(const struct metrics_set *s, const char *name,
	    const char *const *kv, double *sum);

#endif
