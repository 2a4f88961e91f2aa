/*
 * exportfs: maintain the table of exported directories, as nfs-utils'
 * exportfs does, for a userspace server: the table is the etab file
 * (<state-dir>/etab), which rpc.mountd, rpc.nfsd, rpc.lockd and
 * rpc.rquotad load on SIGHUP.
 *
 *	exportfs [-v]			list the exported table
 *	exportfs -r [-i]		re-export: etab = /etc/exports + exports.d
 *	exportfs -a [-i]		export all: etab += the exports files
 *	exportfs [-o opts] client:/path	add or replace one entry
 *	exportfs -u client:/path	remove one entry
 *	exportfs -ua			remove every entry
 *	exportfs -s			print the exported table as exports text
 *
 * Every change is made as text: the current table is serialized
 * (exp_serialize: one canonical "path\tclient(opts)" line per entry),
 * lines are dropped, replaced or added, and the result is parsed again to
 * validate it before it is written atomically. A broken exports file
 * changes nothing: the old etab keeps serving. After writing, exportfs
 * sends SIGHUP to the daemons that are running (their pidfiles are locked
 * while they run) and waits, bounded, until each one's ack file
 * (<state-dir>/rpc.mountd.exports-hash, rpc.nfsd.exports-hash,
 * rpc.lockd.exports-hash, rpc.rquotad.exports-hash) shows the hash of the
 * new table (the contract in common/exports_live.h).
 *
 * This is one file on purpose: the build links it alone into exportfs.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
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
};

struct ctx {
	bool		 all, reexport, unexport, ignore, verbose, show;
	const char	*opts;
	const char	*conf_path;
	bool		 explicit_conf;
	struct suite_overrides o;	/* -S -e -E */
	struct exportfs_conf xc;
	struct suite_conf sc;
	int		 status;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: exportfs [-adfhirsuvV] [-o options] [-f config] "
	    "[-S state-dir]\n"
	    "                [-e exports] [-E exports.d] "
	    "[client:/path ...]\n");
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
	ls->v = NULL;
	ls->n = ls->cap = 0;
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
	return 0;
nomem:
	free(path);
	free(client);
	free(text);
	return -ENOMEM;
}

static ssize_t
lines_find(const struct lines *ls, const char *path, const char *client)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (strcmp(ls->v[i].path, path) == 0 &&
		    strcasecmp(ls->v[i].client, client) == 0)
			return (ssize_t)i;
	return -1;
}

static void
lines_del(struct lines *ls, size_t i)
{
	free(ls->v[i].path);
	free(ls->v[i].client);
	free(ls->v[i].text);
	memmove(&ls->v[i], &ls->v[i + 1], (ls->n - i - 1) * sizeof(*ls->v));
	ls->n--;
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

/*
 * A table as lines: exp_serialize() writes one line per entry, export by
 * export and client by client, so line k is the k-th (export, client).
 */
static int
table_lines(const struct exp_table *t, struct lines *ls)
{
	const struct exp_export *e;
	char *text, *p, *nl;
	size_t i, j;
	int rc;

	if ((rc = exp_serialize(t, &text, NULL)) != 0)
		return rc;
	p = text;
	for (i = 0; i < exp_count(t) && rc == 0; i++) {
		e = exp_at(t, i);
		for (j = 0; j < e->nclients && rc == 0; j++) {
			if ((nl = strchr(p, '\n')) == NULL) {
				rc = -EINVAL;	/* cannot happen */
				break;
			}
			rc = lines_put(ls, strdup(e->path),
			    strdup(e->clients[j]->name),
			    strndup(p, (size_t)(nl - p) + 1));
			p = nl + 1;
		}
	}
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
	char buf[600];

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

/* The exports files (nothing with -i). NULL after printing an error. */
static struct exp_table *
load_files(struct ctx *c)
{
	struct exp_table *t;
	struct exp_err err;
	int rc;

	memset(&err, 0, sizeof(err));
	if (c->ignore)
		rc = exp_parse("", 0, "exports", &t, &err);
	else
		rc = exp_load(nz(c->sc.exports_file), nz(c->sc.exports_dir), &t, &err);
	if (rc != 0) {
		print_err(&err, rc);
		return NULL;
	}
	return t;
}

/* What the daemons serve: the etab, or the exports files without one. */
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
		rc = exp_load(nz(c->sc.exports_file), nz(c->sc.exports_dir), &t, &err);
	if (rc != 0) {
		print_err(&err, rc);
		return NULL;
	}
	return t;
}

/* ---------------------------------------------------------------- listing */

/* nfs-utils lists by client class in this order. */
static const enum exp_client_type list_order[] = {
	EXP_CL_ANY, EXP_CL_SUBNET, EXP_CL_WILDCARD, EXP_CL_NETGROUP,
	EXP_CL_HOST,
};

static int
list(struct ctx *c)
{
	const struct exp_export *e;
	const struct exp_client *cl;
	struct exp_table *t;
	char opts[4096];
	const char *name;
	size_t i, j, k;

	if ((t = load_current(c)) == NULL)
		return 1;
	for (k = 0; k < nitems(list_order); k++)
		for (i = 0; i < exp_count(t); i++) {
			e = exp_at(t, i);
			for (j = 0; j < e->nclients; j++) {
				cl = e->clients[j];
				if (cl->type != list_order[k])
					continue;
				name = cl->type == EXP_CL_ANY ? "<world>" :
				    cl->name;
				if (strlen(e->path) > 14)
					printf("%s\n\t\t%s", e->path, name);
				else
					printf("%-14s\t%s", e->path, name);
				if (c->verbose && exp_format(&cl->opts, opts,
				    sizeof(opts)) == 0)
					printf("%s", opts);
				printf("\n");
			}
		}
	exp_table_free(t);
	return 0;
}

static int
show(struct ctx *c)
{
	struct exp_table *t;
	char *text;
	int rc;

	if ((t = load_current(c)) == NULL)
		return 1;
	rc = exp_serialize(t, &text, NULL);
	exp_table_free(t);
	if (rc != 0) {
		fprintf(stderr, "exportfs: %s\n", strerror(-rc));
		return 1;
	}
	fputs(text, stdout);
	free(text);
	return 0;
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
operand_lines(struct ctx *c, const char *arg, const struct lines *files,
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
			d[i].done = true;
			continue;
		}
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

/* Warn about what the daemons will not be able to serve. */
static void
warn_table(const struct exp_table *t)
{
	const struct exp_err *w;
	struct stat st;
	char buf[600];
	size_t i, n;

	w = exp_warnings(t, &n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "exportfs: %s\n",
		    exp_err_fmt(&w[i], buf, sizeof(buf)));
	for (i = 0; i < exp_count(t); i++)
		if (stat(exp_at(t, i)->path, &st) != 0)
			fprintf(stderr, "exportfs: Failed to stat %s: %s\n",
			    exp_at(t, i)->path, strerror(errno));
		else if (!S_ISDIR(st.st_mode))
			fprintf(stderr, "exportfs: %s is not a directory\n",
			    exp_at(t, i)->path);
}

static const char etab_header[] =
    "# The exported table, written by exportfs: edit the exports files "
    "and run\n# `exportfs -r` instead of this file.\n";

static int
change(struct ctx *c, int argc, char **argv)
{
	struct lines cur = { NULL, 0, 0 }, files = { NULL, 0, 0 };
	struct exp_table *t = NULL, *ft = NULL;
	struct exp_err err;
	char *text = NULL, *out = NULL;
	size_t len, i;
	int rc = 1, r, bad = 0;

	/* The exports files, parsed first: broken ones change nothing. */
	if ((c->reexport || c->all || (argc > 0 && !c->unexport &&
	    c->opts == NULL)) && !c->ignore) {
		if ((ft = load_files(c)) == NULL)
			goto out;
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
		for (i = 0; i < (size_t)argc; i++)
			if (unexport_operand(&cur, argv[i]) != 0)
				bad = 1;
	} else {
		if (c->reexport || c->all)
			for (i = 0; i < files.n; i++) {
				r = lines_put(&cur, strdup(files.v[i].path),
				    strdup(files.v[i].client),
				    strdup(files.v[i].text));
				if (r != 0)
					goto nomem;
			}
		for (i = 0; i < (size_t)argc; i++) {
			struct lines one = { NULL, 0, 0 };
			size_t k;

			if (operand_lines(c, argv[i], c->ignore ? NULL : &files,
			    &one) != 0) {
				lines_free(&one);
				bad = 1;
				continue;
			}
			for (k = 0; k < one.n; k++) {
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
	if ((c->reexport || c->all || argc > 0) && !c->unexport)
		warn_table(t);
	if (c->verbose)
		for (i = 0; i < cur.n; i++)
			printf("exporting %s:%s\n", cur.v[i].client,
			    cur.v[i].path);
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
	rc = notify(c, exp_table_hash(t)) | bad;
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
	struct conf_file *cf = NULL;
	struct parse_err err;
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
 * -f FILE names the config. A lone "-f" followed by a word that is not an
 * option nor a client:/path operand is the config; otherwise it is the
 * flush flag, accepted and ignored (there is no kernel export cache).
 */
static int
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
	return 0;
}

int
main(int argc, char **argv)
{
	struct ctx c;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	c.conf_path = CONF_DEFAULT_PATH;
	take_conf_flag(&c, &argc, argv);
	opterr = 0;
	while ((ch = getopt(argc, argv, "+adfhio:rsuvVS:e:E:")) != -1) {
		switch (ch) {
		case 'a':
			c.all = true;
			break;
		case 'd':
		case 'f':
			break;	/* accepted: nothing to flush or debug */
		case 'h':
			usage(stdout);
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
			printf("exportfs nfs-suite %s\n", PACKAGE_VERSION);
			return 0;
		case 'S':
			c.o.state_dir = optarg;
			break;
		case 'e':
			c.o.exports_file = optarg;
			break;
		case 'E':
			c.o.exports_dir = optarg;
			break;
		default:
			fprintf(stderr, "exportfs: bad option -%c\n", optopt);
			usage(stderr);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (configure(&c) != 0)
		return 1;
	if (c.unexport && c.reexport) {
		fprintf(stderr, "exportfs: -r and -u cannot be combined\n");
		rc = 1;
	} else if (c.unexport && !c.all && argc == 0) {
		fprintf(stderr, "exportfs: -u needs client:/path or -a\n");
		rc = 1;
	} else if (c.opts != NULL && argc == 0) {
		fprintf(stderr, "exportfs: -o needs client:/path\n");
		rc = 1;
	} else if (c.show)
		rc = show(&c);
	else if (!c.all && !c.reexport && !c.unexport && argc == 0)
		rc = list(&c);
	else
		rc = change(&c, argc, argv);
	conf_free_values(exportfs_keys, &c.xc);
	suite_conf_free(&c.sc);
	return rc;
}
