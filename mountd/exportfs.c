/*
 * exportfs: maintain the table of exported directories, as nfs-utils'
 * exportfs does, for a userspace server: the table is the etab file
 * (<state-dir>/etab), which rpc.mountd, rpc.nfsd, rpc.lockd and
 * rpc.rquotad load on SIGHUP.
 *
 *	exportfs [-v]			list the exported table
 *	exportfs -s			the same as exports(5) lines
 *	exportfs -r			re-export: etab = /etc/exports + exports.d
 *	exportfs -a			export all: etab += the exports files
 *	exportfs [-i] [-o opts] client:/path	add or replace one entry
 *	exportfs -u client:/path	remove one entry
 *	exportfs -ua			remove every entry
 *	exportfs -f			have the daemons reload the table
 *
 * The flags mean what they mean in nfs-utils' exportfs(8) (-d KIND is
 * accepted, -f flushes); the suite's own switches are --config FILE (also
 * "-f FILE", as the units write it), -S/--state-dir, -e/--exports,
 * -E/--exports-dir. Listings are byte for byte those of nfs-utils 2.6
 * (Debian 12) on a host whose kernel has nfsd: same order (nfs-utils' hash
 * lists, see nu_order()), same options, -s escaping.
 *
 * Every change is made as text: the current table is serialized
 * (exp_serialize: one canonical "path\tclient(opts)" line per entry),
 * lines are dropped, replaced or added, and the result is parsed again to
 * validate it before it is written atomically. The exports files are read
 * whole: each line that does not parse is reported (file:line:col) and,
 * when a table is already published, nothing changes (the old etab keeps
 * serving); with no etab yet (a fresh server) the lines that parse are
 * published, as nfs-utils would, and exportfs exits 1. After writing,
 * exportfs sends SIGHUP to the daemons that are running (their pidfiles
 * are locked while they run) and waits, bounded, until each one's ack file
 * (<state-dir>/rpc.mountd.exports-hash, rpc.nfsd.exports-hash,
 * rpc.lockd.exports-hash, rpc.rquotad.exports-hash) shows the hash of the
 * new table (the contract in common/exports_live.h).
 *
 * Exit status, as nfs-utils: 0; 1 when something was reported as an error
 * (a line that does not parse, a duplicated entry, a path that cannot be
 * exported, a daemon that did not confirm); 2 for a bad command line.
 *
 * This is one file on purpose: the build links it alone into exportfs.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common/atomicio.h"
#include "common/conf.h"
#include "common/exports.h"
#include "common/nfsconf.h"
#include "common/suite_conf.h"
#include "common/util.h"

#define ETAB_MAX	(64 * 1024 * 1024)
#define POLL_MS		50

struct exportfs_conf {
	char	*mountd_pidfile;
	char	*nfsd_pidfile;
	char	*lockd_pidfile;
	char	*rquotad_pidfile;
	long	 wait;
	char	*debug;
};
#define K(s, n, t, f, d, lo, hi, h) \
	{ n, t, offsetof(struct s, f), d, lo, hi, h }
static const struct conf_key exportfs_keys[] = {
	K(exportfs_conf, "mountd-pidfile", CONF_STR, mountd_pidfile,
	    RUNSTATEDIR "/rpc.mountd.pid", 0, 0,
	    "rpc.mountd's pidfile (SIGHUP after a change)"),
	K(exportfs_conf, "nfsd-pidfile", CONF_STR, nfsd_pidfile,
	    RUNSTATEDIR "/rpc.nfsd.pid", 0, 0,
	    "rpc.nfsd's pidfile (SIGHUP after a change)"),
	K(exportfs_conf, "lockd-pidfile", CONF_STR, lockd_pidfile,
	    RUNSTATEDIR "/rpc.lockd.pid", 0, 0,
	    "rpc.lockd's pidfile (SIGHUP after a change)"),
	K(exportfs_conf, "rquotad-pidfile", CONF_STR, rquotad_pidfile,
	    RUNSTATEDIR "/rpc.rquotad.pid", 0, 0,
	    "rpc.rquotad's pidfile (SIGHUP after a change)"),
	K(exportfs_conf, "wait", CONF_INT, wait, "5", 0, 600,
	    "seconds to wait for the daemons to confirm a new table"),
	K(exportfs_conf, "debug", CONF_STR, debug, "", 0, 0,
	    "nfs-utils' debug kinds (all, auth, call, general, parse; empty "
	    "or 0: none): which daemons are signalled and when each confirms, "
	    "on stderr"),
	CONF_KEY_END
};
#undef K

/* One entry of a table, as text. */
struct line {
	char	*path;		/* normalized, unescaped */
	char	*client;	/* as written */
	char	*text;		/* canonical line, with its '\n' */
};

struct lines {
	struct line	*v;
	size_t		 n, cap;
	/* lines_find's index (index + 1 by path and client, at most half
	 * full), valid while hn == n; made on demand */
	size_t		*h, hmask, hn;
};

struct ctx {
	bool		 all, reexport, unexport, ignore, verbose, show, flush;
	const char	*opts;
	const char	*conf_path;
	const char	*debug;		/* -d KIND */
	bool		 explicit_conf;
	struct suite_overrides o;	/* -S -e -E */
	struct exportfs_conf xc;
	struct suite_conf sc;
};

/* The exit status of a bad command line (nfs-utils' tools say 1; the
 * suite's tools all say 2, as getopt-style tools usually do). */
#define EXIT_USAGE	2

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: exportfs [-adfhioruvs] [-d kind] [-o options] "
	    "[client:/path ...]\n"
	    "       exportfs [--config FILE] [-S state-dir] [-e exports] "
	    "[-E exports.d] ...\n"
	    "       exportfs --help | --version\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\n"
	    "  (none)        list the exported table (-v: with options)\n"
	    "  -s            list it as exports(5) lines\n"
	    "  -r            re-export: the table becomes the exports files\n"
	    "  -a            export every entry of the exports files\n"
	    "  -u            unexport client:/path (-ua: everything)\n"
	    "  -o OPTIONS    options for the client:/path operands\n"
	    "  -i            ignore the exports files for the operands\n"
	    "  -f            have the daemons reload the exported table\n"
	    "  -v            verbose\n"
	    "  -d KIND       say which daemons are signalled and when each\n"
	    "                confirms ([exportfs] debug; nfs-utils' kinds)\n"
	    "  --config FILE the suite's configuration (also -f FILE)\n"
	    "  -S, --state-dir DIR, -e, --exports FILE, -E, --exports-dir DIR\n"
	    "                override the configured paths\n"
	    "  -h, --help    this help;  -V, --version  the version\n");
}

static void
lines_free(struct lines *ls)
{
	size_t i;

	for (i = 0; i < ls->n; i++) {
		free(ls->v[i].path);
		free(ls->v[i].client);
		free(ls->v[i].text);
	}
	free(ls->v);
	free(ls->h);
	ls->v = NULL;
	ls->h = NULL;
	ls->n = ls->cap = ls->hn = ls->hmask = 0;
}

/* FNV-1a of path, NUL, and client without case (as lines_find compares). */
static size_t
line_hash(const char *path, const char *client)
{
	uint32_t h = 2166136261u;

	for (; *path != '\0'; path++)
		h = (h ^ (unsigned char)*path) * 16777619u;
	h *= 16777619u;
	for (; *client != '\0'; client++)
		h = (h ^ (unsigned char)tolower((unsigned char)*client)) *
		    16777619u;
	return h;
}

static void
lines_hput(struct lines *ls, size_t i)
{
	size_t k;

	for (k = line_hash(ls->v[i].path, ls->v[i].client) & ls->hmask;
	    ls->h[k] != 0; k = (k + 1) & ls->hmask)
		;
	ls->h[k] = i + 1;
}

/* (Re)make the index; false without memory (lines_find scans then). */
static bool
lines_index(struct lines *ls)
{
	size_t cap = 64, i;

	while (cap < 2 * ls->n + 2)
		cap <<= 1;
	free(ls->h);
	ls->hn = 0;
	if ((ls->h = calloc(cap, sizeof(*ls->h))) == NULL)
		return false;
	ls->hmask = cap - 1;
	for (i = 0; i < ls->n; i++)
		lines_hput(ls, i);
	ls->hn = ls->n;
	return true;
}

/* Append (takes the three strings; frees them on failure). */
static int
lines_add(struct lines *ls, char *path, char *client, char *text)
{
	struct line *nv;

	if (path == NULL || client == NULL || text == NULL)
		goto nomem;
	if (ls->n == ls->cap) {
		size_t cap = ls->cap != 0 ? ls->cap * 2 : 32;

		if ((nv = realloc(ls->v, cap * sizeof(*nv))) == NULL)
			goto nomem;
		ls->v = nv;
		ls->cap = cap;
	}
	ls->v[ls->n].path = path;
	ls->v[ls->n].client = client;
	ls->v[ls->n].text = text;
	ls->n++;
	if (ls->h != NULL && ls->hn == ls->n - 1 &&
	    2 * ls->n + 2 <= ls->hmask + 1) {
		lines_hput(ls, ls->n - 1);
		ls->hn = ls->n;
	}
	return 0;
nomem:
	free(path);
	free(client);
	free(text);
	return -ENOMEM;
}

/* The first entry of path and client: a probe of the index, not a scan
 * (exportfs -r of a 10,000-line table looks every line up). */
static ssize_t
lines_find(struct lines *ls, const char *path, const char *client)
{
	size_t i, k, best = SIZE_MAX;

	if (ls->hn != ls->n || ls->h == NULL) {
		if (!lines_index(ls)) {
			for (i = 0; i < ls->n; i++)
				if (strcmp(ls->v[i].path, path) == 0 &&
				    strcasecmp(ls->v[i].client, client) == 0)
					return (ssize_t)i;
			return -1;
		}
	}
	for (k = line_hash(path, client) & ls->hmask; ls->h[k] != 0;
	    k = (k + 1) & ls->hmask) {
		i = ls->h[k] - 1;
		if (i < best && strcmp(ls->v[i].path, path) == 0 &&
		    strcasecmp(ls->v[i].client, client) == 0)
			best = i;
	}
	return best == SIZE_MAX ? -1 : (ssize_t)best;
}

static void
lines_del(struct lines *ls, size_t i)
{
	free(ls->v[i].path);
	free(ls->v[i].client);
	free(ls->v[i].text);
	memmove(&ls->v[i], &ls->v[i + 1], (ls->n - i - 1) * sizeof(*ls->v));
	ls->n--;
	ls->hn = SIZE_MAX;	/* indices moved: made again when needed */
}

/* Add, or replace in place an entry of the same path and client. */
static int
lines_put(struct lines *ls, char *path, char *client, char *text)
{
	ssize_t i;

	if (path != NULL && client != NULL &&
	    (i = lines_find(ls, path, client)) >= 0) {
		free(ls->v[i].text);
		ls->v[i].text = text;
		free(path);
		free(client);
		return text != NULL ? 0 : -ENOMEM;
	}
	return lines_add(ls, path, client, text);
}

/* One entry of a table, and its index in table order. */
struct ent {
	const struct exp_export	*e;
	const struct exp_client	*c;
	size_t			 k;
	unsigned		 file;	/* rank of c->where.file */
};

static int
ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->c->where.line != y->c->where.line)
		return x->c->where.line < y->c->where.line ? -1 : 1;
	if (x->c->where.col != y->c->where.col)
		return x->c->where.col < y->c->where.col ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/*
 * The entries of t in the order they were written: file by file, line by
 * line (a table groups the entries of a path; an etab written in file
 * order gives the file order back). Files are ranked as first met in table
 * order. *vp is malloc'd (NULL with *np 0 if empty).
 */
static int
table_ents(const struct exp_table *t, struct ent **vp, size_t *np)
{
	const struct exp_export *e;
	const char **files = NULL;
	struct ent *v;
	size_t i, j, f, nf = 0, n = 0;

	*vp = NULL;
	*np = 0;
	for (i = 0; i < exp_count(t); i++)
		n += exp_at(t, i)->nclients;
	if (n == 0)
		return 0;
	if ((v = malloc(n * sizeof(*v))) == NULL ||
	    (files = malloc(n * sizeof(*files))) == NULL) {
		free(v);
		return -ENOMEM;
	}
	n = 0;
	for (i = 0; i < exp_count(t); i++) {
		e = exp_at(t, i);
		for (j = 0; j < e->nclients; j++) {
			for (f = 0; f < nf; f++)
				if (files[f] == e->clients[j]->where.file)
					break;
			if (f == nf)
				files[nf++] = e->clients[j]->where.file;
			v[n].e = e;
			v[n].c = e->clients[j];
			v[n].k = n;
			v[n++].file = (unsigned)f;
		}
	}
	free(files);
	qsort(v, n, sizeof(*v), ent_cmp);
	*vp = v;
	*np = n;
	return 0;
}

/*
 * A table as lines, in the order they were written (table_ents()):
 * exp_serialize() writes one line per entry, export by export and client
 * by client, so its line k is the k-th (export, client) in table order.
 */
static int
table_lines(const struct exp_table *t, struct lines *ls)
{
	char *text = NULL, *p, *nl, **at = NULL;
	struct ent *v = NULL;
	size_t i, n;
	int rc;

	if ((rc = table_ents(t, &v, &n)) != 0 || n == 0 ||
	    (rc = exp_serialize(t, &text, NULL)) != 0)
		goto out;
	if ((at = malloc(n * sizeof(*at))) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (p = text, i = 0; i < n; i++, p = nl + 1) {
		at[i] = p;
		if ((nl = strchr(p, '\n')) == NULL) {
			rc = -EINVAL;	/* cannot happen */
			goto out;
		}
	}
	for (i = 0; i < n && rc == 0; i++) {
		p = at[v[i].k];
		rc = lines_put(ls, strdup(v[i].e->path), strdup(v[i].c->name),
		    strndup(p, (size_t)(strchr(p, '\n') - p) + 1));
	}
out:
	free(at);
	free(v);
	free(text);
	return rc;
}

static char *
lines_text(const struct lines *ls, size_t *lenp)
{
	size_t i, len = 0, off = 0;
	char *s;

	for (i = 0; i < ls->n; i++)
		len += strlen(ls->v[i].text);
	if ((s = malloc(len + 1)) == NULL)
		return NULL;
	for (i = 0; i < ls->n; i++) {
		memcpy(s + off, ls->v[i].text, strlen(ls->v[i].text));
		off += strlen(ls->v[i].text);
	}
	s[off] = '\0';
	*lenp = off;
	return s;
}

static void
print_err(const struct exp_err *err, int rc)
{
	struct exp_err e = *err;
	char buf[1024];

	if (e.pos.msg[0] == '\0')
		snprintf(e.pos.msg, sizeof(e.pos.msg), "%s", strerror(-rc));
	if (e.file[0] == '\0')
		fprintf(stderr, "exportfs: %s\n", e.pos.msg);
	else
		fprintf(stderr, "exportfs: %s\n",
		    exp_err_fmt(&e, buf, sizeof(buf)));
}

static bool
etab_exists(const struct ctx *c)
{
	struct stat st;

	return stat(c->sc.etab, &st) == 0;
}

/* A configured path, NULL when empty (not used). */
static const char *
nz(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

/* The exports files (nothing with -i), loaded with EXP_LOAD_* flags.
 * NULL after printing an error. */
static struct exp_table *
load_files(struct ctx *c, unsigned flags)
{
	struct exp_table *t;
	struct exp_err err;
	int rc;

	memset(&err, 0, sizeof(err));
	if (c->ignore)
		rc = exp_parse("", 0, "exports", &t, &err);
	else
		rc = exp_load_flags(nz(c->sc.exports_file),
		    nz(c->sc.exports_dir), flags, &t, &err);
	if (rc != 0) {
		print_err(&err, rc);
		return NULL;
	}
	return t;
}

/* Print the lines a partial load left out; returns how many. */
static size_t
print_skipped(const struct exp_table *t)
{
	const struct exp_err *e;
	char buf[1024];
	size_t i, n;

	e = exp_skipped(t, &n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "exportfs: %s\n",
		    exp_err_fmt(&e[i], buf, sizeof(buf)));
	return n;
}

/* Print a table's warnings; returns 1 if nfs-utils would call one of them
 * an error (exit 1), else 0. */
static int
print_warnings(const struct exp_table *t)
{
	const struct exp_err *w;
	char buf[1024];
	size_t i, n;
	int rc = 0;

	w = exp_warnings(t, &n);
	for (i = 0; i < n; i++) {
		fprintf(stderr, "exportfs: %s\n",
		    exp_err_fmt(&w[i], buf, sizeof(buf)));
		if (w[i].severe)
			rc = 1;
	}
	return rc;
}

/* What the daemons serve: the etab, or without one the exports files
 * (their lines that parse: what exportfs -r would publish). */
static struct exp_table *
load_current(struct ctx *c)
{
	struct exp_table *t;
	struct exp_err err;
	int rc;

	memset(&err, 0, sizeof(err));
	if (etab_exists(c))
		rc = exp_load(c->sc.etab, NULL, &t, &err);
	else
		rc = exp_load_flags(nz(c->sc.exports_file),
		    nz(c->sc.exports_dir), EXP_LOAD_PARTIAL, &t, &err);
	if (rc != 0) {
		print_err(&err, rc);
		return NULL;
	}
	return t;
}

/* ---------------------------------------------------------------- listing */

/*
 * nfs-utils keeps its table in one list per client type (host, subnet,
 * wildcard, netgroup, anyone: MCL_FQDN .. MCL_ANONYMOUS), each threaded
 * through a 1021-bucket hash of the path: an entry whose bucket is empty
 * goes to the front of its type's list, else right after the last entry of
 * its bucket. exportfs -r inserts the exports files' entries in file order
 * and writes the etab in list order; exportfs (listing) reads that etab,
 * inserting again, and prints in list order. nu_order() is one such pass.
 */
#define NU_HASH_SIZE	1021
#define NU_NTYPES	5
#define NIL		SIZE_MAX

static unsigned
nu_type(const struct exp_client *c)
{
	switch (c->type) {
	case EXP_CL_HOST:	return 0;
	case EXP_CL_SUBNET:	return 1;
	case EXP_CL_WILDCARD:	return 2;
	case EXP_CL_NETGROUP:	return 3;
	default:		return 4;
	}
}

/* nfs-utils' strtoint() % HASH_TABLE_SIZE (char is signed there). */
static size_t
nu_hash(const char *path)
{
	unsigned n = 0;
	int i;

	for (i = 0; path[i] != '\0'; i++)
		n += (unsigned)((int)(signed char)path[i] * i);
	return n % NU_HASH_SIZE;
}

/* Insert v[0..n) in order and replace v by the lists' order. */
static int
nu_order(struct ent *v, size_t n)
{
	size_t *next = NULL, *first = NULL, *last = NULL, head[NU_NTYPES];
	struct ent *out = NULL;
	size_t i, k, b, o = 0;
	unsigned ty;
	int rc = -ENOMEM;

	if (n == 0)
		return 0;
	if ((next = malloc(n * sizeof(*next))) == NULL ||
	    (first = malloc(NU_NTYPES * NU_HASH_SIZE * sizeof(*first))) ==
	    NULL ||
	    (last = malloc(NU_NTYPES * NU_HASH_SIZE * sizeof(*last))) == NULL ||
	    (out = malloc(n * sizeof(*out))) == NULL)
		goto out;
	for (i = 0; i < NU_NTYPES * NU_HASH_SIZE; i++)
		first[i] = last[i] = NIL;
	for (ty = 0; ty < NU_NTYPES; ty++)
		head[ty] = NIL;
	for (i = 0; i < n; i++) {
		ty = nu_type(v[i].c);
		b = ty * NU_HASH_SIZE + nu_hash(v[i].e->path);
		if (first[b] == NIL) {
			first[b] = last[b] = i;
			next[i] = head[ty];
			head[ty] = i;
		} else {
			next[i] = next[last[b]];
			next[last[b]] = i;
			last[b] = i;
		}
	}
	for (ty = 0; ty < NU_NTYPES; ty++)
		for (k = head[ty]; k != NIL; k = next[k])
			out[o++] = v[k];
	memcpy(v, out, n * sizeof(*v));
	rc = 0;
out:
	free(next);
	free(first);
	free(last);
	free(out);
	return rc;
}

/* Append to buf at *off, nfs-utils' dumpopt(): c then the text. */
static void
nu_opt(char *buf, size_t len, size_t *off, char *c, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void
nu_opt(char *buf, size_t len, size_t *off, char *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*off + 1 < len)
		buf[(*off)++] = *c;
	va_start(ap, fmt);
	r = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (r > 0)
		*off = *off + (size_t)r < len ? *off + (size_t)r : len - 1;
	*c = ',';
}

/*
 * The options as nfs-utils' exportfs -v and -s print them (dump(), and
 * secinfo_show() with the kernel's secinfo flags ro, insecure,
 * root_squash, all_squash): "(sync,wdelay,hide,no_subtree_check,sec=sys,
 * rw,secure,root_squash,no_all_squash)". Unlike exp_format() it says
 * nothing for subtree_check, as nfs-utils.
 */
static void
nu_opts(const struct exp_opts *o, char *buf, size_t len)
{
	uint32_t fl = o->flags, f;
	size_t off = 0;
	unsigned i, j;
	char c = '(';

	buf[0] = '\0';
	nu_opt(buf, len, &off, &c, "%s", fl & EXP_F_ASYNC ? "async" : "sync");
	nu_opt(buf, len, &off, &c, "%s", fl & EXP_F_WDELAY ? "wdelay" :
	    "no_wdelay");
	nu_opt(buf, len, &off, &c, "%s", fl & EXP_F_NOHIDE ? "nohide" : "hide");
	if (fl & EXP_F_CROSSMNT)
		nu_opt(buf, len, &off, &c, "crossmnt");
	if (!(fl & EXP_F_SUBTREE_CHECK))
		nu_opt(buf, len, &off, &c, "no_subtree_check");
	if (fl & EXP_F_INSECURE_LOCKS)
		nu_opt(buf, len, &off, &c, "insecure_locks");
	if (fl & EXP_F_NORDIRPLUS)
		nu_opt(buf, len, &off, &c, "nordirplus");
	if (fl & EXP_F_SECURITY_LABEL)
		nu_opt(buf, len, &off, &c, "security_label");
	if (fl & EXP_F_NO_ACL)
		nu_opt(buf, len, &off, &c, "no_acl");
	if (fl & EXP_F_PNFS)
		nu_opt(buf, len, &off, &c, "pnfs");
	if (o->fsid_type == EXP_FSID_NUM)
		nu_opt(buf, len, &off, &c, "fsid=%d", (int)(int32_t)o->fsid);
	else if (o->fsid_type == EXP_FSID_UUID)
		nu_opt(buf, len, &off, &c, "fsid=%s", o->uuid_text);
	if (o->mountpoint != NULL)
		nu_opt(buf, len, &off, &c, "mountpoint%s%s",
		    o->mountpoint[0] != '\0' ? "=" : "", o->mountpoint);
	if (o->anonuid != EXP_ANON_DEFAULT)
		nu_opt(buf, len, &off, &c, "anonuid=%d", (int)(int32_t)o->anonuid);
	if (o->anongid != EXP_ANON_DEFAULT)
		nu_opt(buf, len, &off, &c, "anongid=%d", (int)(int32_t)o->anongid);
	for (i = 0; i < o->nsec; i = j) {
		f = o->sec[i].flags;
		nu_opt(buf, len, &off, &c, "sec=%s",
		    exp_sec_name(o->sec[i].flavor));
		for (j = i + 1; j < o->nsec && o->sec[j].flags == f; j++) {
			c = ':';
			nu_opt(buf, len, &off, &c, "%s",
			    exp_sec_name(o->sec[j].flavor));
		}
		nu_opt(buf, len, &off, &c, "%s", f & EXP_F_RO ? "ro" : "rw");
		nu_opt(buf, len, &off, &c, "%s", f & EXP_F_INSECURE ?
		    "insecure" : "secure");
		nu_opt(buf, len, &off, &c, "%s", f & EXP_F_ROOT_SQUASH ?
		    "root_squash" : "no_root_squash");
		nu_opt(buf, len, &off, &c, "%s", f & EXP_F_ALL_SQUASH ?
		    "all_squash" : "no_all_squash");
	}
	if (off + 1 < len) {
		buf[off++] = ')';
		buf[off] = '\0';
	}
}

/* nfs-utils' qword_add() of a path: blank, tab, newline and backslash as
 * \ooo, then a blank. */
static void
put_qword(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			printf("\\%03o", (unsigned char)*s);
		else
			putchar(*s);
	putchar(' ');
}

/* exportfs, -v, -s: nfs-utils' dump(). */
static int
list(struct ctx *c)
{
	struct exp_table *t;
	struct ent *v = NULL;
	char opts[4096];
	const char *name, *path;
	size_t i, n;
	int rc = 1;

	if ((t = load_current(c)) == NULL)
		return 1;
	/* as if the table was just published: two passes */
	if (table_ents(t, &v, &n) != 0 || nu_order(v, n) != 0 ||
	    nu_order(v, n) != 0) {
		fprintf(stderr, "exportfs: out of memory\n");
		goto out;
	}
	for (i = 0; i < n; i++) {
		path = v[i].e->path;
		name = v[i].c->type != EXP_CL_ANY ? v[i].c->name :
		    c->show ? "*" : "<world>";
		if (c->show) {
			put_qword(path);
			printf(" %s", name);
		} else if (strlen(path) > 14)
			printf("%-14s\n\t\t%s", path, name);
		else
			printf("%-14s\t%s", path, name);
		if (c->verbose || c->show) {
			nu_opts(&v[i].c->opts, opts, sizeof(opts));
			fputs(opts, stdout);
		}
		putchar('\n');
	}
	rc = fflush(stdout) != 0 || ferror(stdout) ? 1 : 0;
out:
	free(v);
	exp_table_free(t);
	return rc;
}

/* ------------------------------------------------------------ operands */

/* "client:/path": split at the first ':' before a '/' (an IPv6 client may
 * be written in brackets). Returns 0, or -EINVAL. */
static int
split_operand(const char *arg, char **clientp, char **pathp)
{
	const char *colon;
	size_t clen;
	const char *cstart = arg;

	*clientp = *pathp = NULL;
	if (arg[0] == '[') {
		if ((colon = strstr(arg, "]:/")) == NULL)
			return -EINVAL;
		cstart = arg + 1;
		clen = (size_t)(colon - cstart);
		colon++;
	} else {
		if ((colon = strchr(arg, ':')) == NULL)
			return -EINVAL;
		if (colon[1] != '/' && (colon = strstr(arg, ":/")) == NULL)
			return -EINVAL;
		clen = (size_t)(colon - arg);
	}
	if (clen == 0)
		cstart = "*", clen = 1;
	if ((*clientp = strndup(cstart, clen)) == NULL ||
	    (*pathp = strdup(colon + 1)) == NULL) {
		free(*clientp);
		*clientp = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* The path in exports syntax (malloc'd). */
static char *
escape_path(const char *s)
{
	size_t n = exp_escape(NULL, 0, s) + 1;
	char *out;

	if ((out = malloc(n)) != NULL)
		exp_escape(out, n, s);
	return out;
}

/*
 * The canonical line(s) of one operand: "path client(opts)" parsed and
 * serialized again, so the etab only ever holds canonical text. opts NULL:
 * the options of that entry in the exports files, else the defaults.
 */
static int
operand_lines(struct ctx *c, const char *arg, struct lines *files,
    struct lines *out)
{
	struct exp_table *t = NULL;
	struct exp_err err;
	char *client = NULL, *path = NULL, *epath = NULL, *text = NULL;
	const char *ftext = NULL;
	ssize_t fi;
	size_t len;
	int rc;

	if ((rc = split_operand(arg, &client, &path)) != 0) {
		if (rc == -EINVAL)
			fprintf(stderr, "exportfs: %s: not client:/path\n",
			    arg);
		goto out;
	}
	if (c->opts == NULL && files != NULL &&
	    (fi = lines_find(files, path, client)) >= 0)
		ftext = files->v[fi].text;
	if (ftext != NULL)
		text = strdup(ftext);
	else {
		if ((epath = escape_path(path)) == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		len = strlen(epath) + strlen(client) + (c->opts != NULL ?
		    strlen(c->opts) : 0) + 8;
		if ((text = malloc(len)) != NULL)
			snprintf(text, len, "%s\t%s(%s)\n", epath, client,
			    c->opts != NULL ? c->opts : "");
	}
	if (text == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	memset(&err, 0, sizeof(err));
	if ((rc = exp_parse(text, strlen(text), "command line", &t,
	    &err)) != 0) {
		if (err.pos.line > 0)
			fprintf(stderr, "exportfs: %s: %s\n", arg,
			    err.pos.msg);
		else
			print_err(&err, rc);
		goto out;
	}
	rc = table_lines(t, out);
out:
	exp_table_free(t);
	free(client);
	free(path);
	free(epath);
	free(text);
	return rc;
}

static int
unexport_operand(struct lines *ls, const char *arg)
{
	char *client, *path;
	char norm[PATH_MAX];
	ssize_t i;
	int rc;

	if ((rc = split_operand(arg, &client, &path)) != 0) {
		fprintf(stderr, "exportfs: %s: not client:/path\n", arg);
		return rc;
	}
	/* the table holds normalized paths */
	str_copy(norm, path, sizeof(norm));
	while (strlen(norm) > 1 && norm[strlen(norm) - 1] == '/')
		norm[strlen(norm) - 1] = '\0';
	if ((i = lines_find(ls, norm, client)) < 0) {
		fprintf(stderr, "exportfs: Could not find '%s:%s' to "
		    "unexport.\n", client, path);
		rc = -ENOENT;
	} else
		lines_del(ls, (size_t)i);
	free(client);
	free(path);
	return rc;
}

/* ------------------------------------------------------------ daemons */

/* The pid of a daemon that is running: its pidfile exists and is locked.
 * 0 if not running. */
static pid_t
running_pid(const char *pidfile)
{
	char buf[32];
	ssize_t n;
	long pid;
	int fd;

	if (pidfile == NULL || *pidfile == '\0' ||
	    (fd = open(pidfile, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		/* nobody holds it: a stale file */
		close(fd);
		return 0;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	return pid > 1 && pid <= INT_MAX ? (pid_t)pid : 0;
}

static uint64_t
read_ack(const char *path, bool *okp)
{
	char buf[64];
	ssize_t n;
	int fd;

	*okp = false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	*okp = true;
	return strtoull(buf, NULL, 16);
}

struct daemon_ref {
	const char	*name;
	const char	*pidfile;
	char		 ack[PATH_MAX];
	pid_t		 pid;
	bool		 done;
};

/* Is [exportfs] debug (or -d KIND, or nfs.conf's [exportfs] debug) on? */
static bool
debugging(const struct ctx *c)
{
	const char *d = c->debug != NULL ? c->debug : c->xc.debug;

	return d != NULL && *d != '\0' && strcmp(d, "0") != 0 &&
	    strcasecmp(d, "none") != 0 && strcasecmp(d, "no") != 0 &&
	    strcasecmp(d, "n") != 0;
}

/* SIGHUP the running daemons and wait for their acks. 0, or 1 if one did
 * not confirm. */
static int
notify(struct ctx *c, uint64_t hash)
{
	struct daemon_ref d[4] = {
		{ "rpc.mountd", c->xc.mountd_pidfile, "", 0, false },
		{ "rpc.nfsd", c->xc.nfsd_pidfile, "", 0, false },
		{ "rpc.lockd", c->xc.lockd_pidfile, "", 0, false },
		{ "rpc.rquotad", c->xc.rquotad_pidfile, "", 0, false },
	};
	struct timespec ts = { 0, POLL_MS * 1000000L };
	long waited = 0;
	uint64_t h;
	size_t i, pending = 0;
	bool ok;
	int rc = 0;

	for (i = 0; i < nitems(d); i++) {
		snprintf(d[i].ack, sizeof(d[i].ack), "%s/%s.exports-hash",
		    c->sc.state_dir, d[i].name);
		if ((d[i].pid = running_pid(d[i].pidfile)) == 0) {
			if (debugging(c))
				fprintf(stderr, "exportfs: debug: %s is not "
				    "running (%s)\n", d[i].name, d[i].pidfile);
			d[i].done = true;
			continue;
		}
		if (debugging(c))
			fprintf(stderr, "exportfs: debug: SIGHUP to %s (pid %ld), "
			    "waiting for %016llx in %s\n", d[i].name,
			    (long)d[i].pid, (unsigned long long)hash, d[i].ack);
		if (kill(d[i].pid, SIGHUP) != 0) {
			fprintf(stderr, "exportfs: cannot signal %s (pid %ld): "
			    "%s\n", d[i].name, (long)d[i].pid,
			    strerror(errno));
			d[i].done = true;
			rc = 1;
			continue;
		}
		pending++;
	}
	while (pending > 0) {
		for (i = 0; i < nitems(d); i++) {
			if (d[i].done)
				continue;
			h = read_ack(d[i].ack, &ok);
			if (ok && h == hash) {
				d[i].done = true;
				pending--;
				if (debugging(c))
					fprintf(stderr, "exportfs: debug: %s "
					    "confirmed the table after %ld ms\n",
					    d[i].name, waited);
			}
		}
		if (pending == 0 || waited >= c->xc.wait * 1000)
			break;
		nanosleep(&ts, NULL);
		waited += POLL_MS;
	}
	for (i = 0; i < nitems(d); i++)
		if (!d[i].done) {
			fprintf(stderr, "exportfs: %s (pid %ld) did not confirm "
			    "the new exports within %ld s; see its log\n",
			    d[i].name, (long)d[i].pid, c->xc.wait);
			rc = 1;
		}
	return rc;
}

/* ------------------------------------------------------------ changes */

/* What the daemons will not be able to serve, in nfs-utils' words (once a
 * path). Returns 1 if something was reported (nfs-utils exits 1), else 0. */
static int
validate(const struct exp_table *t)
{
	struct stat st;
	const char *p;
	size_t i;
	int rc = 0;

	for (i = 0; i < exp_count(t); i++) {
		p = exp_at(t, i)->path;
		if (stat(p, &st) != 0) {
			fprintf(stderr, "exportfs: Failed to stat %s: %s\n", p,
			    strerror(errno));
			rc = 1;
		} else if (!S_ISDIR(st.st_mode)) {
			fprintf(stderr, "exportfs: %s is not a directory. "
			    "Remote access will fail\n", p);
			rc = 1;
		}
	}
	return rc;
}

/* -v: "exporting client:/path" for what -r or -a takes from the files, in
 * the order nfs-utils' export_all() goes. */
static int
print_exporting(const struct exp_table *ft)
{
	struct ent *v = NULL;
	size_t i, n;
	int rc;

	if ((rc = table_ents(ft, &v, &n)) == 0 && (rc = nu_order(v, n)) == 0)
		for (i = 0; i < n; i++)
			printf("exporting %s:%s\n", v[i].c->name, v[i].e->path);
	free(v);
	return rc;
}

static const char etab_header[] =
    "# The exported table, written by exportfs: edit the exports files "
    "and run\n# `exportfs -r` instead of this file.\n";

static int
change(struct ctx *c, int argc, char **argv)
{
	struct lines cur = { 0 }, files = { 0 };
	struct exp_table *t = NULL, *ft = NULL;
	struct exp_err err;
	char *text = NULL, *out = NULL;
	size_t len, i, nskipped = 0;
	unsigned flags;
	int rc = 1, r, bad = 0;
	bool from_files = c->reexport || (c->all && !c->unexport);

	/*
	 * The exports files, read whole: every bad line is reported. With a
	 * table published, a bad line changes nothing; without one (a fresh
	 * server) the good lines are published and the exit status says 1.
	 */
	if ((from_files || (argc > 0 && !c->unexport && c->opts == NULL)) &&
	    !c->ignore) {
		flags = EXP_LOAD_PARTIAL;
		if (from_files)
			flags |= EXP_LOAD_WARN_SUBTREE;
		if ((ft = load_files(c, flags)) == NULL)
			goto out;
		if (from_files) {
			nskipped = print_skipped(ft);
			if (nskipped > 0 && etab_exists(c)) {
				fprintf(stderr, "exportfs: %s not changed: the "
				    "exports files have %zu bad line%s\n",
				    c->sc.etab, nskipped,
				    nskipped == 1 ? "" : "s");
				goto out;
			}
			bad |= print_warnings(ft);
		}
		if (table_lines(ft, &files) != 0)
			goto nomem;
	}
	/* The starting point. */
	if (c->reexport || (c->unexport && c->all)) {
		/* nothing kept */
	} else {
		if ((t = load_current(c)) == NULL)
			goto out;
		if (table_lines(t, &cur) != 0)
			goto nomem;
		exp_table_free(t);
		t = NULL;
	}
	if (c->unexport) {
		for (i = 0; i < (size_t)argc; i++) {
			if (unexport_operand(&cur, argv[i]) != 0)
				bad = 1;
			else if (c->verbose)
				printf("unexporting %s\n", argv[i]);
		}
	} else {
		if (from_files) {
			if (c->verbose && print_exporting(ft) != 0)
				goto nomem;
			for (i = 0; i < files.n; i++) {
				r = lines_put(&cur, strdup(files.v[i].path),
				    strdup(files.v[i].client),
				    strdup(files.v[i].text));
				if (r != 0)
					goto nomem;
			}
		}
		for (i = 0; i < (size_t)argc; i++) {
			struct lines one = { 0 };
			size_t k;

			if (operand_lines(c, argv[i], c->ignore ? NULL : &files,
			    &one) != 0) {
				lines_free(&one);
				bad = 1;
				continue;
			}
			for (k = 0; k < one.n; k++) {
				if (c->verbose)
					printf("exporting %s:%s\n",
					    one.v[k].client, one.v[k].path);
				r = lines_put(&cur, one.v[k].path,
				    one.v[k].client, one.v[k].text);
				one.v[k].path = one.v[k].client =
				    one.v[k].text = NULL;
				if (r != 0) {
					lines_free(&one);
					goto nomem;
				}
			}
			one.n = 0;
			lines_free(&one);
		}
	}
	if (bad && argc > 0 && !c->unexport) {
		/* a bad operand: write nothing */
		goto out;
	}

	/* Validate the result exactly as the daemons will read it. */
	if ((text = lines_text(&cur, &len)) == NULL)
		goto nomem;
	memset(&err, 0, sizeof(err));
	if ((r = exp_parse(text, len, c->sc.etab, &t, &err)) != 0) {
		print_err(&err, r);
		goto out;
	}
	if ((from_files || argc > 0) && !c->unexport)
		bad |= validate(t);
	if ((out = malloc(sizeof(etab_header) + len)) == NULL)
		goto nomem;
	memcpy(out, etab_header, sizeof(etab_header) - 1);
	memcpy(out + sizeof(etab_header) - 1, text, len);
	if ((r = mkdir_p(c->sc.state_dir, 0755)) != 0 ||
	    (r = atomic_write_file(c->sc.etab, out,
	    sizeof(etab_header) - 1 + len, 0644)) != 0) {
		fprintf(stderr, "exportfs: %s: %s\n", c->sc.etab, strerror(-r));
		goto out;
	}
	if (nskipped > 0)
		fprintf(stderr, "exportfs: no exported table yet: published "
		    "the entries that parse, without the %zu bad line%s\n",
		    nskipped, nskipped == 1 ? "" : "s");
	fflush(stdout);
	rc = notify(c, exp_table_hash(t)) | bad | (nskipped > 0);
	goto out;
nomem:
	fprintf(stderr, "exportfs: out of memory\n");
	rc = 1;
out:
	exp_table_free(t);
	exp_table_free(ft);
	lines_free(&cur);
	lines_free(&files);
	free(text);
	free(out);
	return rc;
}

/* -f: nfs-utils flushes the kernel's export cache; here the daemons load
 * the published table again (and resolve its host names again). */
static int
flush(struct ctx *c)
{
	struct exp_table *t;
	int rc;

	if (!etab_exists(c))
		return 0;
	if ((t = load_current(c)) == NULL)
		return 1;
	rc = notify(c, exp_table_hash(t));
	exp_table_free(t);
	return rc;
}

/* ------------------------------------------------------------ set-up */

static int
configure(struct ctx *c)
{
	struct {
		const char		*section;
		const struct conf_key	*keys;
		void			*vals;
	} secs[] = {
		{ "exportfs", exportfs_keys, &c->xc },
	};
	struct conf_file *cf = NULL, *nfs = NULL;
	struct parse_err err;
	const char *nfs_path;
	size_t i;
	int rc;

	memset(&err, 0, sizeof(err));
	if ((rc = conf_load(c->conf_path, !c->explicit_conf, &cf, &err)) != 0) {
		if (err.line > 0)
			fprintf(stderr, "exportfs: %s:%u:%u: %s\n", c->conf_path,
			    err.line, err.col, err.msg);
		else
			fprintf(stderr, "exportfs: %s: %s\n", c->conf_path,
			    strerror(-rc));
		return -EINVAL;
	}
	/* nfs-utils' /etc/nfs.conf: its [exportfs] debug, under ours */
	nfs_path = conf_get(cf, "global", "nfs-conf", NULL);
	if (nfs_path == NULL)
		nfs_path = NFSCONF_DEFAULT_PATH;
	if (*nfs_path != '\0') {
		memset(&err, 0, sizeof(err));
		if ((rc = conf_load_foreign(nfs_path, &nfs, &err)) == 0) {
			rc = nfsconf_import(cf, nfs, "exportfs");
			conf_file_free(nfs);
		}
		if (rc < 0) {
			if (err.line > 0)
				fprintf(stderr, "exportfs: %s:%u:%u: %s\n",
				    nfs_path, err.line, err.col, err.msg);
			else
				fprintf(stderr, "exportfs: %s: %s\n", nfs_path,
				    strerror(-rc));
			conf_file_free(cf);
			return -EINVAL;
		}
	}
	for (i = 0; i < nitems(secs); i++) {
		memset(&err, 0, sizeof(err));
		if (conf_apply(cf, secs[i].section, secs[i].keys, secs[i].vals,
		    &err) != 0) {
			fprintf(stderr, "exportfs: %s:%u:%u: %s\n",
			    c->conf_path, err.line, err.col, err.msg);
			conf_file_free(cf);
			return -EINVAL;
		}
	}
	memset(&err, 0, sizeof(err));
	if ((rc = suite_conf_apply(cf, &c->o, &c->sc, &err)) != 0) {
		if (err.line > 0)
			fprintf(stderr, "exportfs: %s:%u:%u: %s\n",
			    c->conf_path, err.line, err.col, err.msg);
		else
			fprintf(stderr, "exportfs: %s: %s\n", c->conf_path,
			    rc == -EINVAL ? err.msg : strerror(-rc));
		conf_file_free(cf);
		return -EINVAL;
	}
	conf_file_free(cf);
	return 0;
}

/*
 * nfs-utils' -f (flush the kernel's cache) takes no argument; the suite's
 * -f FILE names the config (the units write it so). A "-f" followed by a
 * word that is not an option nor a client:/path operand is the config;
 * otherwise it is the flush flag. --config FILE says it unambiguously.
 */
static void
take_conf_flag(struct ctx *c, int *argcp, char **argv)
{
	int i, j, argc = *argcp;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-f") != 0)
			continue;
		if (i + 1 < argc && argv[i + 1][0] != '-' &&
		    strchr(argv[i + 1], ':') == NULL) {
			c->conf_path = argv[i + 1];
			c->explicit_conf = true;
			for (j = i; j + 2 <= argc; j++)
				argv[j] = argv[j + 2];
			argc -= 2;
			i--;
		}
	}
	*argcp = argc;
}

/* A command-line mistake: the message, the usage, exit status 2. */
static int
bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int
bad_usage(const char *fmt, ...)
{
	va_list ap;

	if (fmt != NULL) {
		fputs("exportfs: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	usage(stderr);
	return EXIT_USAGE;
}

enum { OPT_CONFIG = 256 };

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help",	 no_argument,	    NULL, 'h' },
		{ "version",	 no_argument,	    NULL, 'V' },
		{ "config",	 required_argument, NULL, OPT_CONFIG },
		{ "state-dir",	 required_argument, NULL, 'S' },
		{ "exports",	 required_argument, NULL, 'e' },
		{ "exports-dir", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctx c;
	int ch, i, rc;

	memset(&c, 0, sizeof(c));
	c.conf_path = CONF_DEFAULT_PATH;
	take_conf_flag(&c, &argc, argv);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":ad:fhio:rsuvVS:e:E:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			c.all = true;
			break;
		case 'd':
			c.debug = optarg;	/* over [exportfs] debug */
			break;
		case 'f':
			c.flush = true;
			break;
		case 'h':
			help();
			return 0;
		case 'i':
			c.ignore = true;
			break;
		case 'o':
			c.opts = optarg;
			break;
		case 'r':
			c.reexport = true;
			break;
		case 's':
			c.show = true;
			break;
		case 'u':
			c.unexport = true;
			break;
		case 'v':
			c.verbose = true;
			break;
		case 'V':
			printf("exportfs (nfs-suite) %s\n", PACKAGE_VERSION);
			return 0;
		case OPT_CONFIG:
			c.conf_path = optarg;
			c.explicit_conf = true;
			break;
		case 'S':
			c.o.state_dir = optarg;
			break;
		case 'e':
			c.o.exports_file = optarg;
			break;
		case 'E':
			c.o.exports_dir = optarg;
			break;
		case ':':
			return bad_usage("option %s needs an argument",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				return bad_usage("unknown option -%c", optopt);
			return bad_usage("unknown option %s", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	/* the combinations nfs-utils refuses, and operands that are not
	 * client:/path (nfs-utils: "Invalid export syntax") */
	if (argc > 0 && (c.all || c.reexport))
		return bad_usage("extra arguments are not permitted with -a "
		    "or -r");
	if (c.ignore && (c.all || c.reexport || c.unexport))
		return bad_usage("-i not meaningful with -a, -r or -u");
	if (c.reexport && c.unexport)
		return bad_usage("-r and -u are incompatible");
	for (i = 0; i < argc; i++)
		if (strstr(argv[i], ":/") == NULL)
			return bad_usage("Invalid export syntax: %s", argv[i]);
	if (c.unexport && !c.all && argc == 0)
		return bad_usage("-u needs client:/path or -a");
	if (c.opts != NULL && argc == 0)
		return bad_usage("-o needs client:/path");
	if (c.opts != NULL && c.unexport)
		return bad_usage("-o not meaningful with -u");
	if (configure(&c) != 0)
		return 1;
	if (!c.all && !c.reexport && !c.unexport && argc == 0)
		rc = c.flush ? flush(&c) : list(&c);
	else
		rc = change(&c, argc, argv);
	conf_free_values(exportfs_keys, &c.xc);
	suite_conf_free(&c.sc);
	return rc;
}
