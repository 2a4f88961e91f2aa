/*
 * exports.c: exports(5) text -> struct exp_table, as Linux nfs-utils reads
 * /etc/exports and /etc/exports.d/ *.exports.
 *
 *	# comment (also after an entry; not inside "...")
 *	/path [-defaultopts] client[(opts)] ... [-moreopts] client ...
 *	"/a path" 10.0.0.0/8(rw) \
 *	    *.example.org(ro)		backslash-newline continues a line
 *	/a\040path ...			\ooo (three octal digits) is a byte
 *
 * A line is a path and clients separated by blanks; "-opts" gives options
 * for the clients after it on that line; a client with no "(opts)" gets
 * them (or the defaults). A path with no client is exported to everyone,
 * "(opts)" with no name is "*(opts)"; both with a warning, as nfs-utils.
 * The same path on several lines is one export whose entries keep the
 * file order. Errors carry file, line and column (1-based, in bytes).
 *
 * The parser holds its state in a struct scanner on the stack: tables can
 * be built from any thread and every step is unit-tested.
 */
#include <sys/stat.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/exports.h"
#include "common/exports_int.h"
#include "common/util.h"

#define EXPORTS_D_SUFFIX	".exports"
#define EXP_FILE_MAX		(16 * 1024 * 1024)

struct scanner {
	const char	*text;
	size_t		len, off;
	unsigned	line, col;
	const char	*file;
};

/* A token: v[off..off+n) of the line's decoded characters. */
struct tok {
	size_t		off, n;
	unsigned	line, col;
};

struct linebuf {
	struct xchar	*raw, *dec;
	size_t		nraw, ndec, cap;
	struct tok	*toks;
	size_t		ntoks, captoks;
};

int
exp_errf(struct exp_err *e, const char *file, unsigned line, unsigned col,
    const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -EINVAL;
	e->severe = false;
	str_copy(e->file, file != NULL ? file : "exports", sizeof(e->file));
	e->pos.line = line;
	e->pos.col = col;
	va_start(ap, fmt);
	vsnprintf(e->pos.msg, sizeof(e->pos.msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
warn_va(struct exp_table *t, bool severe, const char *file, unsigned line,
    unsigned col, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));
static int
warn_va(struct exp_table *t, bool severe, const char *file, unsigned line,
    unsigned col, const char *fmt, va_list ap)
{
	struct exp_err *w;

	w = realloc(t->warns, (t->nwarns + 1) * sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	t->warns = w;
	w += t->nwarns++;
	memset(w, 0, sizeof(*w));
	str_copy(w->file, file != NULL ? file : "exports", sizeof(w->file));
	w->pos.line = line;
	w->pos.col = col;
	w->severe = severe;
	vsnprintf(w->pos.msg, sizeof(w->pos.msg), fmt, ap);
	return 0;
}

int
exp_warnf(struct exp_table *t, const char *file, unsigned line, unsigned col,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = warn_va(t, false, file, line, col, fmt, ap);
	va_end(ap);
	return rc;
}

int
exp_warnf_severe(struct exp_table *t, const char *file, unsigned line,
    unsigned col, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = warn_va(t, true, file, line, col, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
exp_err_fmt(const struct exp_err *e, char *buf, size_t len)
{
	if (e->pos.line == 0)
		snprintf(buf, len, "%s: %s", e->file, e->pos.msg);
	else
		snprintf(buf, len, "%s:%u:%u: %s", e->file, e->pos.line,
		    e->pos.col, e->pos.msg);
	return buf;
}

const struct exp_err *
exp_warnings(const struct exp_table *t, size_t *np)
{
	*np = t->nwarns;
	return t->warns;
}

const struct exp_err *
exp_skipped(const struct exp_table *t, size_t *np)
{
	*np = t->nskipped;
	return t->skipped;
}

size_t
exp_count(const struct exp_table *t)
{
	return t->nexports;
}

const struct exp_export *
exp_at(const struct exp_table *t, size_t i)
{
	return i < t->nexports ? t->exports[i] : NULL;
}

static void
client_free(struct exp_client *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->addrs);
	exp_opts_clear(&c->opts);
	free(c);
}

static void
export_free(struct exp_export *e)
{
	size_t j;

	for (j = 0; j < e->nclients; j++)
		client_free(e->clients[j]);
	free(e->clients);
	free(e->path);
	free(e);
}

void
exp_table_free(struct exp_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	free(t->pidx);
	for (i = 0; i < t->nexports; i++)
		export_free(t->exports[i]);
	free(t->exports);
	for (i = 0; i < t->nfiles; i++)
		free(t->files[i]);
	free(t->files);
	free(t->warns);
	free(t->skipped);
	exp_showmount_free(t);
	free(t);
}

/*
 * Normalize an absolute path: one '/' between components, no "." and no
 * trailing '/'. ".." is refused (nfs-utils would realpath() it; a table
 * is pure text). Returns 0 or -EINVAL; out has room for strlen(in) + 2.
 */
static int
path_normalize(const char *in, char *out)
{
	const char *p = in, *s;
	size_t o = 0, n;

	if (*p != '/')
		return -EINVAL;
	while (*p != '\0') {
		while (*p == '/')
			p++;
		for (s = p; *p != '\0' && *p != '/'; p++)
			;
		n = (size_t)(p - s);
		if (n == 0 || (n == 1 && *s == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return -EINVAL;
		out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

uint32_t
exp_path_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0') {
		h ^= (uint8_t)*s++;
		h *= 16777619u;
	}
	return h;
}

/* Put export i in the index (room for it: at most half full). */
static void
pidx_put(struct exp_table *t, size_t i)
{
	size_t k;

	for (k = exp_path_hash(t->exports[i]->path) & t->pmask;
	    t->pidx[k] != 0; k = (k + 1) & t->pmask)
		if (strcmp(t->exports[t->pidx[k] - 1]->path,
		    t->exports[i]->path) == 0)
			return;		/* the first of equal paths stays */
	t->pidx[k] = (uint32_t)i + 1;
}

int
exp_path_index(struct exp_table *t)
{
	size_t cap = 16, i;
	uint32_t *v;

	while (cap < 2 * t->nexports + 2)
		cap <<= 1;
	if ((v = calloc(cap, sizeof(*v))) == NULL)
		return -ENOMEM;
	free(t->pidx);
	t->pidx = v;
	t->pmask = cap - 1;
	for (i = 0; i < t->nexports; i++)
		pidx_put(t, i);
	t->pidx_n = t->nexports;
	return 0;
}

/* The export of normalized path, while the table is being built (kept up
 * to date as exports are added; a line taken back rebuilds it). */
static struct exp_export *
table_find(struct exp_table *t, const char *path)
{
	size_t i, k;

	if (t->pidx_n != t->nexports || t->pidx == NULL) {
		if (exp_path_index(t) != 0) {
			for (i = 0; i < t->nexports; i++)	/* no memory */
				if (strcmp(t->exports[i]->path, path) == 0)
					return t->exports[i];
			return NULL;
		}
	}
	for (k = exp_path_hash(path) & t->pmask; t->pidx[k] != 0;
	    k = (k + 1) & t->pmask) {
		i = t->pidx[k] - 1;
		if (strcmp(t->exports[i]->path, path) == 0)
			return t->exports[i];
	}
	return NULL;
}

/* Per call in mountd (MNT and each parent of a MNT path): never a scan of
 * the whole table once it is finished. */
const struct exp_export *
exp_lookup(const struct exp_table *t, const char *path)
{
	char buf[PATH_MAX + 2];
	size_t i, k;

	if (t == NULL || path == NULL || strlen(path) > PATH_MAX ||
	    path_normalize(path, buf) != 0)
		return NULL;
	if (t->pidx != NULL && t->pidx_n == t->nexports) {
		for (k = exp_path_hash(buf) & t->pmask; t->pidx[k] != 0;
		    k = (k + 1) & t->pmask) {
			i = t->pidx[k] - 1;
			if (strcmp(t->exports[i]->path, buf) == 0)
				return t->exports[i];
		}
		return NULL;
	}
	for (i = 0; i < t->nexports; i++)
		if (strcmp(t->exports[i]->path, buf) == 0)
			return t->exports[i];
	return NULL;
}

/* ------------------------------------------------------------ scanning */

static int
lb_push(struct linebuf *lb, struct xchar **vp, size_t *np, char c, bool lit,
    unsigned line, unsigned col)
{
	struct xchar *nv;

	if (*np == lb->cap) {
		size_t cap = lb->cap != 0 ? lb->cap * 2 : 256;

		if ((nv = realloc(lb->raw, cap * sizeof(*nv))) == NULL)
			return -ENOMEM;
		lb->raw = nv;
		if ((nv = realloc(lb->dec, cap * sizeof(*nv))) == NULL)
			return -ENOMEM;
		lb->dec = nv;
		lb->cap = cap;
	}
	(*vp)[*np].c = c;
	(*vp)[*np].lit = lit;
	(*vp)[*np].line = line;
	(*vp)[*np].col = col;
	(*np)++;
	return 0;
}

/*
 * Collect one logical line into lb->raw: comments (outside quotes) gone,
 * backslash-newline turned into a blank. Returns 1 with a line, 0 at the
 * end of the text, or -errno.
 */
static int
scan_line(struct scanner *s, struct linebuf *lb, struct exp_err *err)
{
	bool inq = false;
	unsigned qline = 0, qcol = 0;
	size_t skip;
	char c;
	int rc;

	lb->nraw = 0;
	if (s->off >= s->len)
		return 0;
	while (s->off < s->len) {
		c = s->text[s->off];
		if (c == '\n') {
			s->off++;
			s->line++;
			s->col = 1;
			if (inq)
				break;
			return 1;
		}
		if (c == '\0')
			return exp_errf(err, s->file, s->line, s->col,
			    "NUL byte in exports text");
		skip = 0;
		if (c == '\\' && s->off + 1 < s->len && s->text[s->off + 1] == '\n')
			skip = 2;
		else if (c == '\\' && s->off + 2 < s->len &&
		    s->text[s->off + 1] == '\r' && s->text[s->off + 2] == '\n')
			skip = 3;
		if (skip != 0) {
			if ((rc = lb_push(lb, &lb->raw, &lb->nraw, ' ', false,
			    s->line, s->col)) != 0)
				return rc;
			s->off += skip;
			s->line++;
			s->col = 1;
			while (s->off < s->len && (s->text[s->off] == ' ' ||
			    s->text[s->off] == '\t')) {
				s->off++;
				s->col++;
			}
			continue;
		}
		if (c == '#' && !inq) {
			while (s->off < s->len && s->text[s->off] != '\n')
				s->off++;
			continue;
		}
		if (c == '"') {
			inq = !inq;
			qline = s->line;
			qcol = s->col;
		}
		if ((rc = lb_push(lb, &lb->raw, &lb->nraw, c, false, s->line,
		    s->col)) != 0)
			return rc;
		s->off++;
		s->col++;
	}
	if (inq)
		return exp_errf(err, s->file, qline, qcol, "unterminated quote");
	return 1;
}

static bool
isoctal(char c)
{
	return c >= '0' && c <= '7';
}

static bool
isblank_raw(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Split lb->raw into tokens in lb->dec: quotes removed (toggling, as in
 * nfs-utils, so a"b c"d is one token), \ooo decoded. */
static int
tokenize(struct linebuf *lb)
{
	struct tok *nt;
	size_t i = 0, n = lb->nraw;
	const struct xchar *r = lb->raw;
	bool inq;
	int rc, v;

	lb->ndec = 0;
	lb->ntoks = 0;
	for (;;) {
		while (i < n && isblank_raw(r[i].c))
			i++;
		if (i == n)
			return 0;
		if (lb->ntoks == lb->captoks) {
			size_t cap = lb->captoks != 0 ? lb->captoks * 2 : 16;

			if ((nt = realloc(lb->toks, cap * sizeof(*nt))) == NULL)
				return -ENOMEM;
			lb->toks = nt;
			lb->captoks = cap;
		}
		nt = &lb->toks[lb->ntoks++];
		nt->off = lb->ndec;
		nt->line = r[i].line;
		nt->col = r[i].col;
		inq = false;
		while (i < n && (inq || !isblank_raw(r[i].c))) {
			if (r[i].c == '"') {
				inq = !inq;
				i++;
				continue;
			}
			if (r[i].c == '\\' && i + 3 < n &&
			    isoctal(r[i + 1].c) && isoctal(r[i + 2].c) &&
			    isoctal(r[i + 3].c) &&
			    (v = (r[i + 1].c - '0') * 64 + (r[i + 2].c - '0') * 8 +
			    (r[i + 3].c - '0')) < 256) {
				rc = lb_push(lb, &lb->dec, &lb->ndec, (char)v, true,
				    r[i].line, r[i].col);
				i += 4;
			} else {
				rc = lb_push(lb, &lb->dec, &lb->ndec, r[i].c, inq,
				    r[i].line, r[i].col);
				i++;
			}
			if (rc != 0)
				return rc;
			r = lb->raw;
		}
		nt = &lb->toks[lb->ntoks - 1];
		nt->n = lb->ndec - nt->off;
	}
}

/* ------------------------------------------------------------- clients */

/* Copy v[0..n) to a string; -EINVAL if it holds a NUL. */
static int
xstr(const struct xchar *v, size_t n, char **outp)
{
	char *s;
	size_t i;

	*outp = NULL;
	for (i = 0; i < n; i++)
		if (v[i].c == '\0')
			return -EINVAL;
	if ((s = malloc(n + 1)) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		s[i] = v[i].c;
	s[n] = '\0';
	*outp = s;
	return 0;
}

static bool
valid_hostname(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.' &&
		    *s != '_')
			return false;
	return true;
}

/* Prefix length of a contiguous netmask, or -1. */
static int
mask_prefix(const struct sockaddr_storage *ss)
{
	const uint8_t *b;
	size_t n, i;
	int prefix = 0;
	bool zero = false;
	uint8_t x;

	if (ss->ss_family == AF_INET) {
		b = (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr;
		n = 4;
	} else {
		b = ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
		n = 16;
	}
	for (i = 0; i < n; i++) {
		for (x = 0x80; x != 0; x >>= 1) {
			if (b[i] & x) {
				if (zero)
					return -1;
				prefix++;
			} else
				zero = true;
		}
	}
	return prefix;
}

/* Clear the host bits of a network address. */
static void
mask_net(struct sockaddr_storage *ss, unsigned prefix)
{
	uint8_t *b;
	size_t n, i;

	if (ss->ss_family == AF_INET) {
		b = (uint8_t *)&((struct sockaddr_in *)ss)->sin_addr;
		n = 4;
	} else {
		b = ((struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
		n = 16;
	}
	for (i = 0; i < n; i++, prefix = prefix > 8 ? prefix - 8 : 0)
		if (prefix < 8)
			b[i] &= (uint8_t)(0xff00 >> prefix);
}

static int
parse_subnet(struct exp_client *c, const struct xchar *v, const char *file,
    struct exp_err *err)
{
	char *slash = strchr(c->name, '/'), *end;
	/* the mask starts right after the '/' (v[] maps the name 1:1) */
	unsigned mline = v[slash - c->name].line;
	unsigned mcol = v[slash - c->name].col + 1;
	struct sockaddr_storage m;
	unsigned long pl;
	unsigned max;
	int p;

	*slash = '\0';
	p = addr_pton(c->name, &c->net, NULL);
	*slash = '/';
	if (p != 0)
		return exp_errf(err, file, v[0].line, v[0].col,
		    "bad network address in \"%s\"", c->name);
	max = c->net.ss_family == AF_INET ? 32 : 128;
	if (slash[1] != '\0' && strspn(slash + 1, "0123456789") ==
	    strlen(slash + 1)) {
		errno = 0;
		pl = strtoul(slash + 1, &end, 10);
		if (errno != 0 || pl > max)
			return exp_errf(err, file, mline, mcol,
			    "bad prefix length \"%s\" (0-%u)", slash + 1, max);
		c->prefix = (unsigned)pl;
	} else {
		if (addr_pton(slash + 1, &m, NULL) != 0 ||
		    m.ss_family != c->net.ss_family ||
		    (p = mask_prefix(&m)) < 0)
			return exp_errf(err, file, mline, mcol,
			    "bad netmask \"%s\"", slash + 1);
		c->prefix = (unsigned)p;
	}
	mask_net(&c->net, c->prefix);
	return 0;
}

/* Classify a client name and fill what the class needs. v[0] is where the
 * name starts (for error positions); the name is c->name. */
static int
classify(struct exp_client *c, const struct xchar *v, const char *file,
    struct exp_err *err)
{
	struct sockaddr_storage ss;
	const char *n = c->name, *rb;
	char inner[INET6_ADDRSTRLEN + 1];

	if (strcmp(n, "*") == 0) {
		c->type = EXP_CL_ANY;
		return 0;
	}
	if (strncasecmp(n, "gss/", 4) == 0)
		return exp_errf(err, file, v[0].line, v[0].col,
		    "obsolete client \"%s\": write the host and add "
		    "sec=%s to its options", n, n + 4);
	if (n[0] == '@') {
		if (n[1] == '\0')
			return exp_errf(err, file, v[0].line, v[0].col,
			    "empty netgroup name");
		c->type = EXP_CL_NETGROUP;
		return 0;
	}
	if (n[0] == '[' && (rb = strchr(n, ']')) != NULL &&
	    (size_t)(rb - n - 1) < sizeof(inner)) {
		memcpy(inner, n + 1, (size_t)(rb - n - 1));
		inner[rb - n - 1] = '\0';
		if (addr_pton(inner, &ss, NULL) == 0)
			return exp_errf(err, file, v[0].line, v[0].col,
			    "IPv6 address in brackets: write %s (brackets "
			    "are a wildcard character class)", inner);
	}
	if (strpbrk(n, "*?[") != NULL) {
		c->type = EXP_CL_WILDCARD;
		return 0;
	}
	if (strchr(n, '/') != NULL) {
		c->type = EXP_CL_SUBNET;
		return parse_subnet(c, v, file, err);
	}
	c->type = EXP_CL_HOST;
	if (addr_pton(n, &ss, NULL) == 0) {
		if ((c->addrs = malloc(sizeof(*c->addrs))) == NULL)
			return -ENOMEM;
		c->addrs[0] = ss;
		c->naddrs = 1;
		c->numeric = true;
		return 0;
	}
	if (!valid_hostname(n))
		return exp_errf(err, file, v[0].line, v[0].col,
		    "bad client name \"%s\"", n);
	return 0;
}

static struct exp_export *
export_get(struct exp_table *t, const char *path)
{
	struct exp_export *e, **ne;

	if ((e = table_find(t, path)) != NULL)
		return e;
	if (t->nexports == t->capexports) {
		size_t cap = t->capexports != 0 ? t->capexports * 2 : 16;

		if ((ne = realloc(t->exports, cap * sizeof(*ne))) == NULL)
			return NULL;
		t->exports = ne;
		t->capexports = cap;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	if ((e->path = strdup(path)) == NULL) {
		free(e);
		return NULL;
	}
	t->exports[t->nexports++] = e;
	/* keep the index whole while it is at most half full */
	if (t->pidx != NULL && t->pidx_n == t->nexports - 1 &&
	    2 * t->nexports + 2 <= t->pmask + 1) {
		pidx_put(t, t->nexports - 1);
		t->pidx_n = t->nexports;
	}
	return e;
}

/* Add c (ownership taken) to the export of path; a second entry for the
 * same client is dropped with a warning, as nfs-utils does (its words;
 * "incompatible" when the options differ). */
static int
add_client(struct exp_table *t, const char *path, struct exp_client *c)
{
	struct exp_export *e;
	struct exp_client **nc, *o;
	char a[512], b[512];
	size_t i;
	int rc;

	if ((e = export_get(t, path)) == NULL) {
		client_free(c);
		return -ENOMEM;
	}
	for (i = 0; i < e->nclients; i++) {
		o = e->clients[i];
		if (o->type != c->type || strcasecmp(o->name, c->name) != 0)
			continue;
		if (exp_format(&o->opts, a, sizeof(a)) != 0 ||
		    exp_format(&c->opts, b, sizeof(b)) != 0)
			a[0] = b[0] = '\0';
		if (o->where.file == c->where.file)
			rc = exp_warnf_severe(t, c->where.file, c->where.line,
			    c->where.col, "%sduplicated export entries: "
			    "%s:%s ignored (first at line %u)",
			    strcmp(a, b) != 0 ? "incompatible " : "", c->name,
			    path, o->where.line);
		else
			rc = exp_warnf_severe(t, c->where.file, c->where.line,
			    c->where.col, "%sduplicated export entries: "
			    "%s:%s ignored (first at %s:%u)",
			    strcmp(a, b) != 0 ? "incompatible " : "", c->name,
			    path, o->where.file, o->where.line);
		client_free(c);
		return rc;
	}
	nc = realloc(e->clients, (e->nclients + 1) * sizeof(*nc));
	if (nc == NULL) {
		client_free(c);
		return -ENOMEM;
	}
	e->clients = nc;
	c->export = e;
	e->clients[e->nclients++] = c;
	return 0;
}

/*
 * WebNFS has one public handle, so at most one export may be `public`
 * (Solaris share_nfs: one per server). A public entry for path when
 * another export already has one is an error at the entry's position.
 */
static int
check_public(const struct exp_table *t, const char *path,
    const struct exp_client *c, struct exp_err *err)
{
	const struct exp_client *o;
	size_t i, j;

	for (i = 0; i < t->nexports; i++) {
		if (strcmp(t->exports[i]->path, path) == 0)
			continue;
		for (j = 0; j < t->exports[i]->nclients; j++) {
			o = t->exports[i]->clients[j];
			if (!(o->opts.flags & EXP_F_PUBLIC))
				continue;
			return exp_errf(err, c->where.file, c->where.line,
			    c->where.col, "%s: only one export may be public, "
			    "and %s already is (%s:%u)", path,
			    t->exports[i]->path, o->where.file, o->where.line);
		}
	}
	return 0;
}

/* Does the option list v[0..n) name subtree_check or no_subtree_check? */
static bool
mentions_subtree(const struct xchar *v, size_t n)
{
	static const char *const words[] = { "subtree_check",
	    "no_subtree_check" };
	size_t i, j, start = 0, k, len;

	for (i = 0; i <= n; i++) {
		if (i < n && (v[i].c != ',' || v[i].lit))
			continue;
		len = i - start;
		for (k = 0; k < nitems(words); k++) {
			if (strlen(words[k]) != len)
				continue;
			if (len > 0 && v[start].lit)
				continue;
			for (j = 0; j < len && v[start + j].c == words[k][j]; j++)
				;
			if (j == len)
				return true;
		}
		start = i + 1;
	}
	return false;
}

/* v[0..n) as text for a message (NULs shown as '?'). */
static void
xtext(const struct xchar *v, size_t n, char *buf, size_t len)
{
	size_t i;

	if (len == 0)
		return;
	for (i = 0; i < n && i + 1 < len; i++)
		buf[i] = v[i].c != '\0' ? v[i].c : '?';
	buf[i] = '\0';
}

/* nfs-utils' exportfs warning for an entry that leaves the subtree check
 * to the default (its words, on one line). */
static int
warn_subtree(struct exp_table *t, const char *file, const struct tok *tk,
    const char *client, const char *path)
{
	return exp_warnf(t, file, tk->line, tk->col, "Neither 'subtree_check' "
	    "or 'no_subtree_check' specified for export \"%s:%s\"; assuming "
	    "'no_subtree_check'", client, path);
}

/* "name", "name(opts)" or "(opts)" for path, with the line's defaults.
 * prev: the token before this one when it was a client without options
 * (NULL otherwise), for the warning about "host (opts)". */
static int
parse_client(struct exp_table *t, const char *path, const struct exp_opts *defs,
    bool have_defs, bool defs_subtree, const struct xchar *v, size_t n,
    const struct tok *tk, const struct tok *prev, const struct xchar *pv,
    const char *file, struct exp_err *err)
{
	struct exp_client *c;
	char otext[100], ptext[100];
	size_t po, pc, i;
	int rc;

	for (po = 0; po < n && (v[po].c != '(' || v[po].lit); po++)
		if (v[po].c == ')' && !v[po].lit)
			return exp_errf(err, file, v[po].line, v[po].col,
			    "unexpected ')'");
	pc = n;
	if (po < n) {
		for (i = po + 1; i < n; i++) {
			if (v[i].lit)
				continue;
			if (v[i].c == '(')
				return exp_errf(err, file, v[i].line, v[i].col,
				    "unexpected '(' in option list");
			if (v[i].c == ')') {
				pc = i;
				break;
			}
		}
		if (pc == n)
			return exp_errf(err, file, v[po].line, v[po].col,
			    "option list has no ')' (no blanks are allowed "
			    "inside it)");
		if (pc != n - 1)
			return exp_errf(err, file, v[pc + 1].line,
			    v[pc + 1].col, "text after option list");
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	c->where.file = file;
	c->where.line = tk->line;
	c->where.col = tk->col;
	if ((rc = exp_opts_copy(&c->opts, defs)) != 0)
		goto fail;
	if (po == 0) {
		if ((c->name = strdup("*")) == NULL) {
			rc = -ENOMEM;
			goto fail;
		}
		xtext(v, n, otext, sizeof(otext));
		if ((rc = exp_warnf(t, file, tk->line, tk->col,
		    "No host name given with %s %s, suggest *%s to avoid "
		    "warning", path, otext, otext)) != 0)
			goto fail;
		if (prev != NULL) {
			/* "10.0.0.1 (rw)": two entries, not one */
			xtext(pv, prev->n, ptext, sizeof(ptext));
			if ((rc = exp_warnf(t, file, tk->line, tk->col,
			    "blank between %s and %s: %s gets the default "
			    "options and everyone gets %s (write %s%s)",
			    ptext, otext, ptext, otext, ptext, otext)) != 0)
				goto fail;
		}
	} else if ((rc = xstr(v, po, &c->name)) != 0) {
		if (rc == -EINVAL)
			rc = exp_errf(err, file, tk->line, tk->col,
			    "NUL in client name");
		goto fail;
	}
	if ((rc = classify(c, v, file, err)) != 0)
		goto fail;
	if (po < n) {
		if ((rc = exp_opts_parse(&c->opts, v + po + 1, pc - po - 1, file,
		    err)) != 0)
			goto fail;
	} else if (!have_defs) {
		if ((rc = exp_warnf(t, file, tk->line, tk->col,
		    "No options for %s %s: suggest %s(sync) to avoid warning",
		    path, c->name, c->name)) != 0)
			goto fail;
	}
	if ((t->load_flags & EXP_LOAD_WARN_SUBTREE) && !defs_subtree &&
	    (po == n || !mentions_subtree(v + po + 1, pc - po - 1)) &&
	    (rc = warn_subtree(t, file, tk, c->name, path)) != 0)
		goto fail;
	exp_opts_finish(&c->opts);
	if ((c->opts.flags & EXP_F_PUBLIC) &&
	    (rc = check_public(t, path, c, err)) != 0)
		goto fail;
	return add_client(t, path, c);
fail:
	client_free(c);
	return rc;
}

/* What a line changed, to take it back (EXP_LOAD_PARTIAL). */
struct line_undo {
	size_t			nexports, nwarns;
	struct exp_export	*e;		/* the line's export if it */
	size_t			nclients;	/* existed, and its clients */
};

static void
line_undo(struct exp_table *t, const struct line_undo *u)
{
	size_t j;

	while (t->nexports > u->nexports)
		export_free(t->exports[--t->nexports]);
	if (u->e != NULL) {
		for (j = u->nclients; j < u->e->nclients; j++)
			client_free(u->e->clients[j]);
		u->e->nclients = u->nclients;
	}
	t->nwarns = u->nwarns;
}

static int
parse_line(struct exp_table *t, struct linebuf *lb, const char *file,
    struct line_undo *undo, struct exp_err *err)
{
	const struct tok *tk = &lb->toks[0], *prev = NULL;
	const struct xchar *v = lb->dec + tk->off, *pv = NULL;
	struct exp_opts defs;
	struct exp_client *c;
	char *raw = NULL, *path = NULL;
	size_t i, nclients = 0;
	bool have_defs = false, defs_subtree = false;
	int rc;

	exp_opts_init(&defs);
	if (tk->n == 0 || v[0].c != '/') {
		rc = exp_errf(err, file, tk->line, tk->col,
		    "export path must be absolute");
		goto out;
	}
	if (tk->n > PATH_MAX) {
		rc = exp_errf(err, file, tk->line, tk->col, "path too long");
		goto out;
	}
	if ((rc = xstr(v, tk->n, &raw)) != 0) {
		if (rc == -EINVAL)
			rc = exp_errf(err, file, tk->line, tk->col,
			    "NUL in path");
		goto out;
	}
	if ((path = malloc(tk->n + 2)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (path_normalize(raw, path) != 0) {
		rc = exp_errf(err, file, tk->line, tk->col,
		    "path must not contain \"..\"");
		goto out;
	}
	if ((undo->e = table_find(t, path)) != NULL)
		undo->nclients = undo->e->nclients;
	for (i = 1; i < lb->ntoks; i++) {
		tk = &lb->toks[i];
		v = lb->dec + tk->off;
		if (tk->n > 0 && v[0].c == '-' && !v[0].lit) {
			if ((rc = exp_opts_parse(&defs, v + 1, tk->n - 1, file,
			    err)) != 0)
				goto out;
			have_defs = true;
			defs_subtree = defs_subtree ||
			    mentions_subtree(v + 1, tk->n - 1);
			prev = NULL;
			continue;
		}
		if ((rc = parse_client(t, path, &defs, have_defs, defs_subtree,
		    v, tk->n, tk, prev, pv, file, err)) != 0)
			goto out;
		nclients++;
		/* a client without "(opts)" may be followed by "(opts)" */
		prev = NULL;
		if (tk->n > 0 && !(v[tk->n - 1].c == ')' && !v[tk->n - 1].lit)) {
			prev = tk;
			pv = v;
		}
	}
	if (nclients == 0) {
		/* A path alone: everyone, with the defaults (nfs-utils). */
		tk = &lb->toks[0];
		if ((c = calloc(1, sizeof(*c))) == NULL ||
		    (c->name = strdup("*")) == NULL) {
			free(c);
			rc = -ENOMEM;
			goto out;
		}
		c->type = EXP_CL_ANY;
		c->where.file = file;
		c->where.line = tk->line;
		c->where.col = tk->col;
		if ((rc = exp_opts_copy(&c->opts, &defs)) != 0) {
			client_free(c);
			goto out;
		}
		exp_opts_finish(&c->opts);
		if ((rc = exp_warnf(t, file, tk->line, tk->col,
		    "no client given for %s: exported to everyone (*)",
		    path)) != 0 ||
		    ((t->load_flags & EXP_LOAD_WARN_SUBTREE) && !defs_subtree &&
		    (rc = warn_subtree(t, file, tk, "*", path)) != 0) ||
		    ((c->opts.flags & EXP_F_PUBLIC) &&
		    (rc = check_public(t, path, c, err)) != 0)) {
			client_free(c);
			goto out;
		}
		rc = add_client(t, path, c);
	}
out:
	exp_opts_clear(&defs);
	free(raw);
	free(path);
	return rc;
}

/* Note a line left out by a partial load; 0 or -ENOMEM. */
static int
skip_line(struct exp_table *t, const struct exp_err *e)
{
	struct exp_err *n;

	n = realloc(t->skipped, (t->nskipped + 1) * sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	t->skipped = n;
	t->skipped[t->nskipped++] = *e;
	return 0;
}

/*
 * Parse text into t; file must live as long as t (it is in t->files).
 * With EXP_LOAD_PARTIAL a line with an error is taken back (what it added
 * and warned about), noted in t->skipped, and parsing goes on.
 */
static int
parse_into(struct exp_table *t, const char *text, size_t len, const char *file,
    struct exp_err *err)
{
	struct scanner s = { text, len, 0, 1, 1, file };
	bool partial = (t->load_flags & EXP_LOAD_PARTIAL) != 0;
	struct line_undo undo;
	struct linebuf lb;
	struct exp_err e;
	int rc;

	memset(&lb, 0, sizeof(lb));
	for (;;) {
		memset(&undo, 0, sizeof(undo));
		undo.nexports = t->nexports;
		undo.nwarns = t->nwarns;
		memset(&e, 0, sizeof(e));
		if ((rc = scan_line(&s, &lb, &e)) == 0)
			break;			/* the end */
		if (rc == 1) {
			if ((rc = tokenize(&lb)) != 0)
				break;
			if (lb.ntoks == 0 ||
			    (rc = parse_line(t, &lb, file, &undo, &e)) == 0)
				continue;
		}
		if (rc != -EINVAL || !partial)
			break;
		line_undo(t, &undo);
		if ((rc = skip_line(t, &e)) != 0)
			break;
		/* a NUL stops the scanner where it is: go on after its line */
		if (s.off < s.len && text[s.off] == '\0') {
			while (s.off < s.len && text[s.off] != '\n')
				s.off++;
			if (s.off < s.len) {
				s.off++;
				s.line++;
				s.col = 1;
			}
		}
	}
	if (rc != 0 && err != NULL)
		*err = e;
	free(lb.raw);
	free(lb.dec);
	free(lb.toks);
	return rc;
}

/* Keep a copy of a file name in t; returns it or NULL. */
static const char *
add_file(struct exp_table *t, const char *name)
{
	char **nf, *s;

	if ((nf = realloc(t->files, (t->nfiles + 1) * sizeof(*nf))) == NULL)
		return NULL;
	t->files = nf;
	if ((s = strdup(name)) == NULL)
		return NULL;
	t->files[t->nfiles++] = s;
	return s;
}

int
exp_parse(const char *text, size_t len, const char *fname,
    struct exp_table **tp, struct exp_err *err)
{
	struct exp_table *t;
	const char *f;
	int rc;

	*tp = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -ENOMEM;
	if ((f = add_file(t, fname != NULL ? fname : "exports")) == NULL)
		rc = -ENOMEM;
	else if ((rc = parse_into(t, text, len, f, err)) == 0)
		rc = exp_table_finish(t);
	if (rc != 0) {
		exp_table_free(t);
		return rc;
	}
	*tp = t;
	return 0;
}

/* Read a whole file; -ENOENT passes through for the caller to ignore. */
static int
read_file(const char *path, char **bufp, size_t *lenp)
{
	struct stat st;
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t r;
	int fd, rc = 0;

	*bufp = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		goto out;
	}
	for (;;) {
		if (len + 1 >= cap) {
			cap = cap != 0 ? cap * 2 : 8192;
			if (cap > EXP_FILE_MAX) {
				rc = -EFBIG;
				goto out;
			}
			if ((nb = realloc(buf, cap)) == NULL) {
				rc = -ENOMEM;
				goto out;
			}
			buf = nb;
		}
		if ((r = read(fd, buf + len, cap - len - 1)) < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
out:
	close(fd);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

static int
load_one(struct exp_table *t, const char *path, struct exp_err *err)
{
	const char *f;
	char *buf;
	size_t len = 0;
	int rc;

	if ((rc = read_file(path, &buf, &len)) != 0) {
		if (rc == -ENOENT)
			return 0;
		exp_errf(err, path, 0, 0, "%s", strerror(-rc));
		return rc;
	}
	if ((f = add_file(t, path)) == NULL)
		rc = -ENOMEM;
	else
		rc = parse_into(t, buf, len, f, err);
	free(buf);
	return rc;
}

static bool
is_exports_name(const char *n)
{
	size_t l = strlen(n), sl = strlen(EXPORTS_D_SUFFIX);

	return n[0] != '.' && l > sl && strcmp(n + l - sl, EXPORTS_D_SUFFIX) == 0;
}

int
exp_load(const char *file, const char *dir, struct exp_table **tp,
    struct exp_err *err)
{
	return exp_load_flags(file, dir, 0, tp, err);
}

int
exp_load_flags(const char *file, const char *dir, unsigned flags,
    struct exp_table **tp, struct exp_err *err)
{
	struct exp_table *t;
	struct dirent **names = NULL;
	struct stat st;
	char path[PATH_MAX];
	int i, n = 0, rc = 0;

	*tp = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -ENOMEM;
	t->load_flags = flags;
	if (file != NULL && (rc = load_one(t, file, err)) != 0)
		goto out;
	if (dir != NULL &&
	    (n = scandir(dir, &names, NULL, versionsort)) < 0) {
		n = 0;
		if (errno != ENOENT) {
			rc = -errno;
			exp_errf(err, dir, 0, 0, "%s", strerror(errno));
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		if (!is_exports_name(names[i]->d_name))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]->d_name) >= sizeof(path)) {
			rc = -ENAMETOOLONG;
			exp_errf(err, dir, 0, 0, "file name too long");
			goto out;
		}
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if ((rc = load_one(t, path, err)) != 0)
			goto out;
	}
	rc = exp_table_finish(t);
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc != 0) {
		exp_table_free(t);
		return rc;
	}
	*tp = t;
	return 0;
}
