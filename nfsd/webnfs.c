/*
 * webnfs.c: the public file handle and multi-component LOOKUP (RFC 2054,
 * RFC 2055); what each piece does is in webnfs.h.
 *
 * The path parsing and export matching are pure (tests/unit/test_webnfs.c);
 * webnfs_lookup() walks the path with vfs_lookup(), one component at a
 * time, so a path through the public handle can reach nothing that a
 * series of ordinary LOOKUPs from the same root could not.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "nfsd/nfsd.h"
#include "nfsd/webnfs.h"

bool
webnfs_is_public_fh(uint32_t prog, uint32_t vers, const void *fh, size_t len)
{
	const unsigned char *b = fh;
	size_t i;

	if (prog != NFS3_PROGRAM)
		return false;
	if (vers == NFS_V3)
		return len == 0;
	if (vers != 2 || len != FH_V2_SIZE || fh == NULL)
		return false;
	for (i = 0; i < len; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
webnfs_unescape(const char *in, size_t n, char *out)
{
	size_t i, o = 0;
	int hi, lo, c;

	for (i = 0; i < n; i++) {
		if (in[i] != '%') {
			out[o++] = in[i];
			continue;
		}
		if (n - i < 3 || (hi = hexval(in[i + 1])) < 0 ||
		    (lo = hexval(in[i + 2])) < 0)
			return -EINVAL;
		c = hi << 4 | lo;
		if (c == 0)
			return -EINVAL;
		if (c == '/')
			return -EACCES;
		out[o++] = (char)c;
		i += 2;
	}
	out[o] = '\0';
	return 0;
}

int
webnfs_parse(const char *name, struct webnfs_path *p)
{
	const char *s = name, *e;
	char *o;
	size_t len;
	int rc;

	memset(p, 0, offsetof(struct webnfs_path, comp));
	if (strlen(name) > WEBNFS_PATH_MAX)
		return -ENAMETOOLONG;
	if ((unsigned char)*s == WEBNFS_NATIVE) {
		p->native = true;
		s++;
	}
	p->absolute = *s == '/';
	o = p->buf;
	while (*s != '\0') {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		for (e = s; *e != '\0' && *e != '/'; e++)
			;
		len = (size_t)(e - s);
		if (p->native) {
			memcpy(o, s, len);
			o[len] = '\0';
		} else if ((rc = webnfs_unescape(s, len, o)) != 0)
			return rc;
		p->comp[p->ncomp++] = o;
		o += strlen(o) + 1;
		s = e;
	}
	return 0;
}

/* The prefix test of webnfs_prefix() on any array of components. */
static int
prefix_of(const char *export_path, char *const *comp, size_t ncomp)
{
	const char *s = export_path, *e;
	size_t n = 0, len;

	for (;;) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			return (int)n;
		for (e = s; *e != '\0' && *e != '/'; e++)
			;
		len = (size_t)(e - s);
		if (n >= ncomp || strlen(comp[n]) != len ||
		    memcmp(comp[n], s, len) != 0)
			return -1;
		n++;
		s = e;
	}
}

int
webnfs_prefix(const char *export_path, const struct webnfs_path *p)
{
	return prefix_of(export_path, p->comp, p->ncomp);
}

static bool
usable(const struct exp_live_export *x)
{
	return x->err == 0 && x->root_fd >= 0 && x->parent == NULL;
}

const struct exp_live_export *
webnfs_public_export(const struct exp_live *l)
{
	const struct exp_live_export *x;
	size_t i, j;

	for (i = 0; l != NULL && i < l->n; i++) {
		x = &l->ex[i];
		if (!usable(x))
			continue;
		for (j = 0; j < x->e->nclients; j++)
			if (x->e->clients[j]->opts.flags & EXP_F_PUBLIC)
				return x;
	}
	return NULL;
}

const struct exp_live_export *
webnfs_export_of(const struct exp_live *l, const struct webnfs_path *p,
    size_t *usedp)
{
	const struct exp_live_export *best = NULL;
	size_t i;
	int k, bestk = -1;

	*usedp = 0;
	for (i = 0; l != NULL && i < l->n; i++) {
		if (!usable(&l->ex[i]))
			continue;
		if ((k = webnfs_prefix(l->ex[i].e->path, p)) > bestk) {
			bestk = k;
			best = &l->ex[i];
		}
	}
	if (best != NULL)
		*usedp = (size_t)bestk;
	return best;
}

/* A component still to look up; linked: it came from a symlink's text. */
struct step {
	const char	*name;
	bool		 linked;
};

struct walk {
	struct step	*st;		/* a stack: the next component on top */
	size_t		 n;
	unsigned	 links;		/* symlinks followed so far */
	unsigned	 steps;		/* components looked up so far */
	char		**comp;		/* a link's components, while split */
};

/* Push comp[0..n) so that comp[0] comes next; -ENAMETOOLONG when full. */
static int
push(struct walk *w, char *const *comp, size_t n, bool linked)
{
	if (n > WEBNFS_MAXSTEPS - w->n)
		return -ENAMETOOLONG;
	while (n > 0) {
		w->st[w->n].name = comp[--n];
		w->st[w->n].linked = linked;
		w->n++;
	}
	return 0;
}

static bool
at_export_root(const struct vnode *vn)
{
	return vn->st.st_dev == vn->ex->dev && vn->st.st_ino == vn->ex->ino;
}

/*
 * RFC 2055 6.2: a symlink in the middle of a path is evaluated by the
 * server. link (closed here) was found in directory *atp; spare is a free
 * vnode. The link's text is a native path: a relative one goes on from
 * *atp; an absolute one must name a place inside the export the walk is
 * in, and goes on from that export's root (opened into spare, which
 * becomes *atp). Whatever would leave the export is ACCES: an absolute
 * target outside it here, a ".." of the text at an export root in
 * webnfs_lookup().
 */
static int
follow(struct req *rq, struct walk *w, struct vnode *link,
    struct vnode **atp, struct vnode *spare, const struct vnode *dir)
{
	const struct exp_live_export *ex = (*atp)->ex;
	char *buf, *s, **comp;
	size_t ncomp = 0;
	ssize_t len;
	bool absolute;
	int k = 0, rc;

	if (++w->links > WEBNFS_MAXLINKS) {
		vfs_close(link);
		return -ELOOP;
	}
	/* the text stays until its components are looked up: one buffer per
	 * link; the array of pointers is copied by push() and reused */
	if (w->comp == NULL)
		w->comp = req_alloc(rq, (PATH_MAX / 2 + 1) * sizeof(*w->comp));
	buf = req_alloc(rq, PATH_MAX + 1);
	comp = w->comp;
	if (buf == NULL || comp == NULL) {
		vfs_close(link);
		return -ENOMEM;
	}
	len = readlinkat(link->fd, "", buf, PATH_MAX);
	rc = len < 0 ? -errno : len >= PATH_MAX ? -ENAMETOOLONG : 0;
	vfs_close(link);
	if (rc != 0)
		return rc;
	buf[len] = '\0';
	absolute = buf[0] == '/';
	for (s = buf; *s != '\0';) {
		if (*s == '/') {
			*s++ = '\0';
			continue;
		}
		comp[ncomp++] = s;
		while (*s != '\0' && *s != '/')
			s++;
	}
	if (absolute) {
		if (ex->parent != NULL ||
		    (k = prefix_of(ex->e->path, comp, ncomp)) < 0)
			return -EACCES;		/* out of the export */
		if ((rc = vfs_open_root(rq, ex, O_PATH, spare)) != 0)
			return rc == -ESTALE ? -EACCES : rc;
		if (*atp != dir)
			vfs_close(*atp);
		*atp = spare;
	}
	return push(w, comp + k, ncomp - (size_t)k, true);
}

int
webnfs_lookup(struct req *rq, const char *name, struct vnode *dir,
    struct vnode *obj)
{
	const struct exp_live *gen = nfsd_rq(rq)->gen;
	const struct exp_live_export *pub, *ex;
	struct vnode a = VNODE_INIT, b = VNODE_INIT, *at, *out;
	struct webnfs_path *p;
	struct walk w;
	struct step s;
	size_t i = 0;
	int rc = 0;

	dir->fd = obj->fd = -1;
	dir->of = obj->of = NULL;
	if ((pub = webnfs_public_export(gen)) == NULL)
		return -EBADMSG;	/* no public export: not a handle */
	p = req_alloc(rq, sizeof(*p));
	w.st = req_alloc(rq, WEBNFS_MAXSTEPS * sizeof(*w.st));
	if (p == NULL || w.st == NULL)
		return -ENOMEM;
	w.n = 0;
	w.links = 0;
	w.steps = 0;
	w.comp = NULL;
	if ((rc = webnfs_parse(name, p)) != 0)
		return rc;
	ex = pub;
	if (p->absolute && (ex = webnfs_export_of(gen, p, &i)) == NULL)
		return -EACCES;		/* not below any export */
	if (!p->absolute && p->ncomp == 0)
		return -EACCES;		/* as an empty name */
	/* the export's own client, port and flavour checks */
	if ((rc = vfs_open_root(rq, ex, O_PATH, dir)) != 0)
		return rc == -ESTALE ? -EACCES : rc;
	if (i == p->ncomp)		/* the path is the export's root */
		return vfs_lookup(rq, dir, ".", O_PATH, obj);
	(void)push(&w, p->comp + i, p->ncomp - i, false);  /* < MAXSTEPS */
	at = dir;
	while (w.n > 0) {
		s = w.st[--w.n];
		if (s.linked && strcmp(s.name, "..") == 0 && at_export_root(at)) {
			rc = -EACCES;		/* the link leads out */
			break;
		}
		if (++w.steps > WEBNFS_MAXSTEPS) {
			rc = -ENAMETOOLONG;	/* links made it that long */
			break;
		}
		out = w.n == 0 ? obj : at == &a ? &b : &a;
		if ((rc = vfs_lookup(rq, at, s.name, O_PATH, out)) != 0)
			break;
		if (w.n > 0 && S_ISLNK(out->st.st_mode)) {
			/* the last component is never followed (RFC 2055 6.2) */
			if ((rc = follow(rq, &w, out, &at, out, dir)) != 0)
				break;
			continue;
		}
		if (at != dir)
			vfs_close(at);
		at = out;
	}
	if (at != dir && at != obj)
		vfs_close(at);
	return rc;
}
