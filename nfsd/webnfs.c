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
#include <stddef.h>
#include <string.h>

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

int
webnfs_prefix(const char *export_path, const struct webnfs_path *p)
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
		if (n >= p->ncomp || strlen(p->comp[n]) != len ||
		    memcmp(p->comp[n], s, len) != 0)
			return -1;
		n++;
		s = e;
	}
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

int
webnfs_lookup(struct req *rq, const char *name, struct vnode *dir,
    struct vnode *obj)
{
	const struct exp_live *gen = nfsd_rq(rq)->gen;
	const struct exp_live_export *pub, *ex;
	struct vnode a = VNODE_INIT, b = VNODE_INIT, *at, *out;
	struct webnfs_path *p;
	size_t i = 0;
	int rc;

	dir->fd = obj->fd = -1;
	dir->of = obj->of = NULL;
	if ((pub = webnfs_public_export(gen)) == NULL)
		return -EBADMSG;	/* no public export: not a handle */
	if ((p = req_alloc(rq, sizeof(*p))) == NULL)
		return -ENOMEM;
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
	at = dir;
	for (; i < p->ncomp; i++) {
		out = i + 1 == p->ncomp ? obj : at == &a ? &b : &a;
		rc = vfs_lookup(rq, at, p->comp[i], O_PATH, out);
		if (at != dir)
			vfs_close(at);
		if (rc != 0)
			return rc;
		at = out;
	}
	return 0;
}
