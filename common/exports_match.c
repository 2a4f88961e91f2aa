/*
 * exports_match.c: name resolution (through the caller's resolver), the
 * client matcher with nfs-utils' precedence, the showmount -e list, and the
 * canonical text of a table with its hash.
 *
 * The matcher does no lookups: host entries match on the addresses
 * exp_resolve() stored, subnets on the client's numeric address, wildcards
 * on the host name the caller passes (fnmatch(3), case-insensitive; '*'
 * also matches dots, as nfs-utils' wildmat), netgroups through the
 * caller's callback.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/exports.h"
#include "common/exports_int.h"
#include "common/util.h"

/* ------------------------------------------------------------ resolving */

int
exp_resolver_getaddrinfo(void *arg, const char *name,
    struct sockaddr_storage *addrs, size_t max, size_t *np)
{
	struct addrinfo hints, *res, *ai;
	size_t n = 0, i;
	int rc;

	(void)arg;
	*np = 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		switch (rc) {
		case EAI_NONAME:
#ifdef EAI_NODATA
		case EAI_NODATA:
#endif
			return -ENOENT;
		case EAI_AGAIN:
			return -EAGAIN;
		case EAI_MEMORY:
			return -ENOMEM;
		case EAI_SYSTEM:
			return errno != 0 ? -errno : -EIO;
		default:
			return -EINVAL;
		}
	}
	for (ai = res; ai != NULL && n < max; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(*addrs))
			continue;
		for (i = 0; i < n; i++)
			if (addr_host_eq((struct sockaddr *)&addrs[i],
			    ai->ai_addr))
				break;
		if (i < n)
			continue;
		memset(&addrs[n], 0, sizeof(addrs[n]));
		memcpy(&addrs[n], ai->ai_addr, ai->ai_addrlen);
		n++;
	}
	freeaddrinfo(res);
	*np = n;
	return n != 0 ? 0 : -ENOENT;
}

int
exp_resolve(struct exp_table *t,
    int (*fn)(void *arg, const char *name, struct sockaddr_storage *addrs,
	size_t max, size_t *np),
    void *arg)
{
	struct exp_export *e;
	struct exp_client *c;
	struct sockaddr_storage *a;
	size_t i, j, n;
	int rc;

	for (i = 0; i < t->nexports; i++) {
		e = t->exports[i];
		for (j = 0; j < e->nclients; j++) {
			c = e->clients[j];
			if (c->type != EXP_CL_HOST || c->numeric)
				continue;
			free(c->addrs);
			c->addrs = NULL;
			c->naddrs = 0;
			if ((a = calloc(EXP_MAXADDRS, sizeof(*a))) == NULL)
				return -ENOMEM;
			n = 0;
			rc = fn(arg, c->name, a, EXP_MAXADDRS, &n);
			if (rc == -ENOMEM) {
				free(a);
				return rc;
			}
			if (rc != 0 || n == 0) {
				free(a);
				if (exp_warnf(t, c->where.file, c->where.line,
				    c->where.col, "cannot resolve %s (%s): "
				    "entry for %s ignored", c->name,
				    strerror(rc != 0 ? -rc : ENOENT),
				    e->path) != 0)
					return -ENOMEM;
				continue;
			}
			c->addrs = a;
			c->naddrs = n > EXP_MAXADDRS ? EXP_MAXADDRS : n;
		}
	}
	return exp_table_finish(t);
}

/* ------------------------------------------------------------- matching */

static bool
host_matches(const struct exp_client *c, const struct sockaddr *sa)
{
	size_t i;

	for (i = 0; i < c->naddrs; i++)
		if (addr_host_eq(sa, (const struct sockaddr *)&c->addrs[i]))
			return true;
	return false;
}

static bool
netgroup_matches(const struct exp_client *c, const struct exp_peer *p)
{
	char buf[ADDR_STRLEN];

	if (p->in_netgroup == NULL)
		return false;
	if (p->name != NULL && p->in_netgroup(p->ng_arg, c->name + 1, p->name))
		return true;
	/* nfs-utils also tries the address itself as a member */
	addr_ntop(p->addr, buf, sizeof(buf));
	return p->in_netgroup(p->ng_arg, c->name + 1, buf) != 0;
}

bool
exp_export_needs_names(const struct exp_export *e)
{
	size_t i;

	for (i = 0; i < e->nclients; i++)
		if (e->clients[i]->type == EXP_CL_WILDCARD ||
		    e->clients[i]->type == EXP_CL_NETGROUP)
			return true;
	return false;
}

static bool
scan_needs_names(const struct exp_table *t)
{
	size_t i;

	for (i = 0; i < exp_count(t); i++)
		if (exp_export_needs_names(exp_at(t, i)))
			return true;
	return false;
}

/* Asked per call (a MNT refused by address, a gate): never a scan once the
 * table is finished. */
bool
exp_table_needs_names(const struct exp_table *t)
{
	return t->finished ? t->names : scan_needs_names(t);
}

static bool
scan_any_sync(const struct exp_table *t)
{
	const struct exp_export *e;
	size_t i, j;

	for (i = 0; i < exp_count(t); i++) {
		e = exp_at(t, i);
		for (j = 0; j < e->nclients; j++)
			if (!(e->clients[j]->opts.flags & EXP_F_ASYNC))
				return true;
	}
	return false;
}

static bool
client_matches(const struct exp_client *c, const struct exp_peer *p)
{
	switch (c->type) {
	case EXP_CL_HOST:
		return host_matches(c, p->addr);
	case EXP_CL_SUBNET:
		return addr_in_net(p->addr, (const struct sockaddr *)&c->net,
		    c->prefix);
	case EXP_CL_WILDCARD:
		return p->name != NULL &&
		    fnmatch(c->name, p->name, FNM_CASEFOLD) == 0;
	case EXP_CL_NETGROUP:
		return netgroup_matches(c, p);
	case EXP_CL_ANY:
		return true;
	default:
		return false;
	}
}

const struct exp_client *
exp_match_export(const struct exp_export *e, const struct exp_peer *peer)
{
	const struct exp_client *best = NULL, *c;
	size_t i;

	if (e == NULL || peer == NULL || peer->addr == NULL)
		return NULL;
	/* lowest class wins; inside a class the first in file order */
	for (i = 0; i < e->nclients; i++) {
		c = e->clients[i];
		if (best != NULL && c->type >= best->type)
			continue;
		if (client_matches(c, peer))
			best = c;
	}
	return best;
}

const struct exp_client *
exp_match(const struct exp_table *t, const char *path,
    const struct sockaddr *addr, const char *name)
{
	struct exp_peer p = { addr, name, NULL, NULL };

	return exp_match_export(exp_lookup(t, path), &p);
}

const struct exp_client *
exp_match_under(const struct exp_table *t, const char *path,
    const struct exp_peer *peer)
{
	const struct exp_client *c;
	char buf[PATH_MAX + 1];
	char *slash;

	if (path == NULL || *path != '/' || strlen(path) >= sizeof(buf))
		return NULL;
	str_copy(buf, path, sizeof(buf));
	for (;;) {
		if ((c = exp_match_export(exp_lookup(t, buf), peer)) != NULL)
			return c;
		/* drop trailing slashes, then the last component */
		while ((slash = strrchr(buf, '/')) != NULL && slash[1] == '\0' &&
		    slash != buf)
			*slash = '\0';
		if (strcmp(buf, "/") == 0 || (slash = strrchr(buf, '/')) == NULL)
			return NULL;
		if (slash == buf)
			buf[1] = '\0';
		else
			*slash = '\0';
	}
}

/* ------------------------------------------------------------ showmount */

struct mnt_tmp {
	const char		*path;
	const struct exp_client	**g;
	size_t			n, cap;
};

void
exp_showmount_free(struct exp_table *t)
{
	size_t i;

	for (i = 0; i < t->nmnt; i++)
		free(t->mnt[i].groups);
	free(t->mnt);
	t->mnt = NULL;
	t->nmnt = 0;
}

const struct exp_mnt_export *
exp_showmount(const struct exp_table *t, size_t *np)
{
	*np = t->nmnt;
	return t->mnt;
}

/* Does the subnet or wildcard entry c cover host entry h? (nfs-utils
 * drops such hosts from the list: the wider entry says it.) */
static bool
covers(const struct exp_client *c, const struct exp_client *h)
{
	size_t i;

	if (h->type != EXP_CL_HOST)
		return false;
	if (c->type == EXP_CL_SUBNET) {
		for (i = 0; i < h->naddrs; i++)
			if (addr_in_net((const struct sockaddr *)&h->addrs[i],
			    (const struct sockaddr *)&c->net, c->prefix))
				return true;
		return false;
	}
	if (c->type == EXP_CL_WILDCARD && !h->numeric)
		return fnmatch(c->name, h->name, FNM_CASEFOLD) == 0;
	return false;
}

static int
mnt_add(struct mnt_tmp *m, const struct exp_client *c)
{
	const struct exp_client **ng;
	size_t i, k;

	if (c->type == EXP_CL_ANY && m->n > 0) {
		m->n = 0;		/* everyone: no list */
		return 0;
	}
	if (c->type != EXP_CL_HOST) {
		for (i = k = 0; i < m->n; i++)
			if (!covers(c, m->g[i]))
				m->g[k++] = m->g[i];
		m->n = k;
	}
	for (i = 0; i < m->n; i++)
		if (strcmp(m->g[i]->name, c->name) == 0)
			return 0;
	if (m->n == m->cap) {
		m->cap = m->cap != 0 ? m->cap * 2 : 4;
		if ((ng = realloc(m->g, m->cap * sizeof(*ng))) == NULL)
			return -ENOMEM;
		m->g = ng;
	}
	m->g[m->n++] = c;
	return 0;
}

/* Build t->mnt. Lists are built by appending and reversed at the end,
 * which gives the order of nfs-utils' prepending. */
static int
build_showmount(struct exp_table *t)
{
	struct mnt_tmp *m = NULL;
	const struct exp_client *c;
	size_t nm = 0, ty, i, j, k, *slot;
	int rc = 0;

	exp_showmount_free(t);
	if (t->nexports == 0)
		return 0;
	if ((m = calloc(t->nexports, sizeof(*m))) == NULL)
		return -ENOMEM;
	/* export i's place in m, SIZE_MAX before its first client */
	if ((slot = malloc(t->nexports * sizeof(*slot))) == NULL) {
		free(m);
		return -ENOMEM;
	}
	for (i = 0; i < t->nexports; i++)
		slot[i] = SIZE_MAX;
	for (ty = 0; ty < EXP_CL_NTYPES && rc == 0; ty++) {
		for (i = 0; i < t->nexports && rc == 0; i++) {
			for (j = 0; j < t->exports[i]->nclients; j++) {
				c = t->exports[i]->clients[j];
				if (c->type != ty)
					continue;
				if ((k = slot[i]) == SIZE_MAX) {
					k = slot[i] = nm;
					m[nm++].path = t->exports[i]->path;
				}
				if ((rc = mnt_add(&m[k], c)) != 0)
					break;
			}
		}
	}
	if (rc == 0 && (t->mnt = calloc(nm, sizeof(*t->mnt))) == NULL)
		rc = -ENOMEM;
	for (i = 0; i < nm && rc == 0; i++) {
		struct exp_mnt_export *x = &t->mnt[nm - 1 - i];

		x->path = m[i].path;
		if (m[i].n > 0 &&
		    (x->groups = calloc(m[i].n, sizeof(*x->groups))) == NULL) {
			rc = -ENOMEM;
			break;
		}
		x->ngroups = m[i].n;
		for (j = 0; j < m[i].n; j++)
			x->groups[m[i].n - 1 - j] = m[i].g[j]->name;
		t->nmnt++;
	}
	for (i = 0; i < nm; i++)
		free(m[i].g);
	free(m);
	free(slot);
	if (rc != 0) {
		/* t->mnt is filled from the end: free what was built */
		for (i = 0; i < nm && t->mnt != NULL; i++)
			free(t->mnt[i].groups);
		free(t->mnt);
		t->mnt = NULL;
		t->nmnt = 0;
	}
	return rc;
}

/* ---------------------------------------------------------- canonical text */

struct sbuf {
	char	*s;
	size_t	len, cap;
	bool	nomem;
};

static void
sb_reserve(struct sbuf *b, size_t more)
{
	char *ns;
	size_t cap;

	if (b->nomem || b->len + more + 1 <= b->cap)
		return;
	for (cap = b->cap != 0 ? b->cap : 1024; cap < b->len + more + 1;)
		cap *= 2;
	if ((ns = realloc(b->s, cap)) == NULL) {
		b->nomem = true;
		return;
	}
	b->s = ns;
	b->cap = cap;
}

static void
sb_escaped(struct sbuf *b, const char *s)
{
	size_t n = exp_escape(NULL, 0, s);

	sb_reserve(b, n);
	if (b->nomem)
		return;
	exp_escape(b->s + b->len, n + 1, s);
	b->len += n;
}

static void
sb_str(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	sb_reserve(b, n);
	if (b->nomem)
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

int
exp_serialize(const struct exp_table *t, char **outp, size_t *lenp)
{
	struct sbuf b = { NULL, 0, 0, false };
	const struct exp_export *e;
	const struct exp_client *c;
	char *opts;
	size_t i, j;
	int rc = 0;

	*outp = NULL;
	if ((opts = malloc(65536)) == NULL)
		return -ENOMEM;
	sb_reserve(&b, 0);
	if (!b.nomem)
		b.s[0] = '\0';
	for (i = 0; i < t->nexports && rc == 0; i++) {
		e = t->exports[i];
		for (j = 0; j < e->nclients; j++) {
			c = e->clients[j];
			if ((rc = exp_format(&c->opts, opts, 65536)) != 0)
				break;
			sb_escaped(&b, e->path);
			sb_str(&b, "\t");
			sb_escaped(&b, c->name);
			sb_str(&b, opts);
			sb_str(&b, "\n");
		}
	}
	free(opts);
	if (rc == 0 && b.nomem)
		rc = -ENOMEM;
	if (rc != 0) {
		free(b.s);
		return rc;
	}
	*outp = b.s;
	if (lenp != NULL)
		*lenp = b.len;
	return 0;
}

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

static uint64_t
fnv1a(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n-- > 0) {
		h ^= *b++;
		h *= FNV_PRIME;
	}
	return h;
}

uint64_t
exp_table_hash(const struct exp_table *t)
{
	return t->hash;
}

bool
exp_table_any_sync(const struct exp_table *t)
{
	return t->finished ? t->any_sync : scan_any_sync(t);
}

int
exp_table_finish(struct exp_table *t)
{
	const struct exp_client *c;
	char *text, buf[ADDR_STRLEN];
	size_t len, i, j, k;
	uint64_t h;
	int rc;

	if ((rc = build_showmount(t)) != 0)
		return rc;
	if ((rc = exp_path_index(t)) != 0)
		return rc;
	t->names = scan_needs_names(t);
	t->any_sync = scan_any_sync(t);
	t->finished = true;
	if ((rc = exp_serialize(t, &text, &len)) != 0)
		return rc;
	h = fnv1a(FNV_OFFSET, text, len);
	free(text);
	/* what names resolved to is part of what the table means */
	for (i = 0; i < t->nexports; i++) {
		for (j = 0; j < t->exports[i]->nclients; j++) {
			c = t->exports[i]->clients[j];
			if (c->type != EXP_CL_HOST || c->numeric)
				continue;
			for (k = 0; k < c->naddrs; k++) {
				addr_ntop((const struct sockaddr *)&c->addrs[k],
				    buf, sizeof(buf));
				h = fnv1a(h, buf, strlen(buf) + 1);
			}
		}
	}
	t->hash = h;
	return 0;
}
