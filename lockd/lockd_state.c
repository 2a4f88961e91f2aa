/*
 * lockd_state.c: the tables: client hosts, lock owners, files and the
 * owners' open file descriptions; and lockd's host list file.
 *
 * The host list file (<state-dir>/lockd/hosts) names the hosts lockd
 * asked statd to monitor, so that after a restart the grace period knows
 * whom to wait for; it also keeps the statd state number lockd last saw
 * (see lockd_nsm.c). Written atomically when a host is added or
 * forgotten, never on the lock path otherwise:
 *
 *	# rpc.lockd: hosts that held locks (do not edit)
 *	statd-state 5
 *	host 198.51.100.11
 *	host 2001:db8::7
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/atomicio.h"
#include "common/log.h"
#include "lockd/lockd.h"

#define HOSTS_FILE_MAX	(1024 * 1024)

/* ------------------------------------------------------------ hosts */

struct lk_host *
lk_host_get(struct lockd *lk, const struct sockaddr *sa, bool create)
{
	struct sockaddr_storage ss;
	struct lk_host *h;
	char key[64];

	/* one host per address: a v4-mapped IPv6 caller is its IPv4 self */
	memset(&ss, 0, sizeof(ss));
	if (sa->sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(
	    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr)) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr.s6_addr[12], 4);
	} else
		memcpy(&ss, sa, addr_len(sa));
	addr_set_port((struct sockaddr *)&ss, 0);
	addr_ntop((struct sockaddr *)&ss, key, sizeof(key));
	for (h = lk->hosts; h != NULL; h = h->next)
		if (strcmp(h->key, key) == 0)
			return h;
	if (!create || lk->nhosts >= lk->lim.max_hosts)
		return NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->addr = ss;
	snprintf(h->key, sizeof(h->key), "%s", key);
	h->id = ++lk->next_id;
	h->last_used = time(NULL);
	h->next = lk->hosts;
	lk->hosts = h;
	lk->nhosts++;
	return h;
}

struct lk_host *
lk_host_by_id(struct lockd *lk, uint64_t id)
{
	struct lk_host *h;

	for (h = lk->hosts; h != NULL; h = h->next)
		if (h->id == id)
			return h;
	return NULL;
}

static void
host_free(struct lockd *lk, struct lk_host *h)
{
	struct lk_host **pp;

	for (pp = &lk->hosts; *pp != NULL; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			lk->nhosts--;
			break;
		}
	free(h);
}

/* ------------------------------------------------------------ owners */

struct lk_owner *
lk_owner_get(struct lockd *lk, struct lk_host *h, const char *caller,
    int32_t svid, const netobj *oh, bool create)
{
	struct lk_owner *o;

	for (o = h->owners; o != NULL; o = o->next)
		if (o->svid == svid && o->ohlen == oh->n_len &&
		    (oh->n_len == 0 || memcmp(o->oh, oh->n_bytes,
		    oh->n_len) == 0) && strcmp(o->caller, caller) == 0)
			return o;
	if (!create || h->nowners >= lk->lim.max_owners_per_host)
		return NULL;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	if ((o->caller = strdup(caller)) == NULL ||
	    (oh->n_len > 0 && (o->oh = malloc(oh->n_len)) == NULL)) {
		free(o->caller);
		free(o);
		return NULL;
	}
	if (oh->n_len > 0)
		memcpy(o->oh, oh->n_bytes, oh->n_len);
	o->ohlen = oh->n_len;
	o->svid = svid;
	o->host = h;
	o->next = h->owners;
	h->owners = o;
	h->nowners++;
	return o;
}

/* Free o once nothing refers to it. */
void
lk_owner_unref(struct lockd *lk, struct lk_owner *o)
{
	struct lk_owner **pp;
	struct lk_host *h = o->host;

	(void)lk;
	if (o->refs > 0)
		return;
	for (pp = &h->owners; *pp != NULL; pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			h->nowners--;
			break;
		}
	h->last_used = time(NULL);
	free(o->caller);
	free(o->oh);
	free(o);
}

/* ------------------------------------------------------------ files */

static unsigned
bucket(dev_t dev, ino_t ino)
{
	uint64_t k = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;

	return (unsigned)(k >> 56) % LK_FILE_BUCKETS;
}

struct lk_file *
lk_file_get(struct lockd *lk, dev_t dev, ino_t ino, bool create)
{
	unsigned b = bucket(dev, ino);
	struct lk_file *f;

	for (f = lk->files[b]; f != NULL; f = f->next)
		if (f->dev == dev && f->ino == ino)
			return f;
	if (!create || (f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->dev = dev;
	f->ino = ino;
	f->next = lk->files[b];
	lk->files[b] = f;
	lk->nfiles++;
	return f;
}

void
lk_file_maybe_free(struct lockd *lk, struct lk_file *f)
{
	struct lk_file **pp;

	if (f->ofds != NULL || f->wq != NULL || f->shares != NULL)
		return;
	for (pp = &lk->files[bucket(f->dev, f->ino)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			lk->nfiles--;
			break;
		}
	free(f);
}

struct lk_ofd *
lk_ofd_find(struct lk_file *f, const struct lk_owner *o)
{
	struct lk_ofd *d;

	for (d = f->ofds; d != NULL; d = d->next)
		if (d->owner == o)
			return d;
	return NULL;
}

struct lk_ofd *
lk_ofd_get(struct lockd *lk, struct lk_file *f, struct lk_owner *o,
    const struct lk_target *t, int *errp)
{
	struct lk_ofd *d;
	char path[32];
	int fd = -1;

	if ((d = lk_ofd_find(f, o)) != NULL)
		return d;
	if (lk->nofds >= lk->lim.max_files) {
		*errp = -ENOLCK;
		return NULL;
	}
	/* a description of our own: through /proc, as root */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", t->fd);
	if (!t->ro)
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*errp = -errno;
		return NULL;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		close(fd);
		*errp = -ENOMEM;
		return NULL;
	}
	d->fd = fd;
	d->rw = (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR;
	d->owner = o;
	d->file = f;
	lk_list_init(&d->locks);
	d->next = f->ofds;
	f->ofds = d;
	o->refs++;
	lk->nofds++;
	return d;
}

void
lk_ofd_maybe_close(struct lockd *lk, struct lk_ofd *d)
{
	struct lk_ofd **pp;
	struct lk_owner *o = d->owner;

	if (!lk_list_empty(&d->locks) || d->nwaiters > 0)
		return;
	for (pp = &d->file->ofds; *pp != NULL; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	close(d->fd);		/* releases whatever the kernel still had */
	lk_list_free(&d->locks);
	lk->nofds--;
	o->refs--;
	free(d);
	lk_owner_unref(lk, o);
}

/* Files touched while freeing a host, to wake their waiters after. */
struct touched {
	struct lk_file	**f;
	size_t		 n, cap;
};

static void
touch(struct touched *t, struct lk_file *f)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->f[i] == f)
			return;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct lk_file **nf = realloc(t->f, cap * sizeof(*nf));

		if (nf == NULL)
			return;		/* the timer wakes them within 1 s */
		t->f = nf;
		t->cap = cap;
	}
	t->f[t->n++] = f;
}

static void
free_owner(struct lockd *lk, struct lk_owner *o, struct touched *t)
{
	unsigned b;
	struct lk_file *f, *fn;
	struct lk_ofd *d, *dn;

	o->refs++;		/* keep o while we take it apart */
	while (o->waiters != NULL) {
		touch(t, o->waiters->ofd->file);
		lk_waiter_remove(lk, o->waiters, true);
	}
	for (b = 0; b < LK_FILE_BUCKETS; b++)
		for (f = lk->files[b]; f != NULL; f = fn) {
			fn = f->next;
			for (d = f->ofds; d != NULL; d = dn) {
				dn = d->next;
				if (d->owner != o)
					continue;
				lk_list_free(&d->locks);
				touch(t, f);
				lk_ofd_maybe_close(lk, d);
			}
		}
	o->refs--;
	lk_owner_unref(lk, o);
}

void
lk_host_free_all(struct lockd *lk, struct lk_host *h, const char *caller)
{
	struct touched t = { NULL, 0, 0 };
	struct lk_owner *o, *on;
	struct lk_share *s, **sp;
	unsigned b;
	size_t i;
	struct lk_file *f, *fn;

	h->busy++;
	for (o = h->owners; o != NULL; o = on) {
		on = o->next;
		if (caller == NULL || strcmp(o->caller, caller) == 0)
			free_owner(lk, o, &t);
	}
	for (b = 0; b < LK_FILE_BUCKETS; b++)
		for (f = lk->files[b]; f != NULL; f = fn) {
			fn = f->next;
			for (sp = &f->shares; (s = *sp) != NULL;) {
				if (s->host != h || (caller != NULL &&
				    strcmp(s->caller, caller) != 0)) {
					sp = &s->next;
					continue;
				}
				*sp = s->next;
				h->nshares--;
				free(s->caller);
				free(s->oh);
				free(s);
				touch(&t, f);
			}
		}
	for (i = 0; i < t.n; i++) {
		lk_file_wake(lk, t.f[i]);
		lk_file_maybe_free(lk, t.f[i]);
	}
	free(t.f);
	h->busy--;
	h->last_used = time(NULL);
}

void
lk_hosts_gc(struct lockd *lk, time_t now)
{
	struct lk_host *h, *hn;

	for (h = lk->hosts; h != NULL; h = hn) {
		hn = h->next;
		if (h->nowners > 0 || h->nwaiters > 0 || h->nshares > 0 ||
		    h->busy > 0 || h->mon == MON_BUSY ||
		    now - h->last_used < (time_t)lk->lim.host_idle)
			continue;
		log_debug(LOG_D_STATE, "forgetting idle host %s", h->key);
		if (h->mon == MON_YES)
			lk_unmonitor(lk, h->key);
		if (h->listed)
			lk->list_dirty = true;
		host_free(lk, h);
	}
	lk_hosts_save(lk);
}

void
lk_state_free(struct lockd *lk)
{
	while (lk->hosts != NULL) {
		struct lk_host *h = lk->hosts;

		lk_host_free_all(lk, h, NULL);
		host_free(lk, h);
	}
}

/* ------------------------------------------------------------ host list */

void
lk_keys_free(char **keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

int
lk_hosts_format(char *const *keys, size_t n, int statd_state, char **outp)
{
	size_t cap = 128, len, i;
	char *out;
	int w;

	for (i = 0; i < n; i++)
		cap += strlen(keys[i]) + 8;
	if ((out = malloc(cap)) == NULL)
		return -ENOMEM;
	w = snprintf(out, cap, "# rpc.lockd: hosts that held locks (do not "
	    "edit)\nstatd-state %d\n", statd_state);
	len = (size_t)w;
	for (i = 0; i < n; i++) {
		w = snprintf(out + len, cap - len, "host %s\n", keys[i]);
		len += (size_t)w;
	}
	*outp = out;
	return 0;
}

/* A key as we write them: a numeric address, nothing else. */
static bool
valid_key(const char *s)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	return strlen(s) < 64 && addr_pton(s, &ss, &sl) == 0;
}

int
lk_hosts_parse(const char *text, char ***keysp, size_t *np, int *statd_statep)
{
	char **keys = NULL, line[256], word[64], *nl;
	const char *p = text;
	size_t n = 0, cap = 0, l;
	int v;

	*keysp = NULL;
	*np = 0;
	*statd_statep = 0;
	while (*p != '\0') {
		nl = strchr(p, '\n');
		l = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (l < sizeof(line)) {
			memcpy(line, p, l);
			line[l] = '\0';
			if (sscanf(line, "statd-state %d", &v) == 1)
				*statd_statep = v;
			else if (sscanf(line, "host %63s", word) == 1 &&
			    valid_key(word)) {
				if (n == cap) {
					size_t nc = cap ? cap * 2 : 16;
					char **nk = realloc(keys,
					    nc * sizeof(*nk));

					if (nk == NULL)
						goto nomem;
					keys = nk;
					cap = nc;
				}
				if ((keys[n] = strdup(word)) == NULL)
					goto nomem;
				n++;
			}
		}
		p += l;
		if (*p == '\n')
			p++;
	}
	*keysp = keys;
	*np = n;
	return 0;
nomem:
	lk_keys_free(keys, n);
	return -ENOMEM;
}

int
lk_hosts_load(const char *path, char ***keysp, size_t *np, int *statd_statep)
{
	char *text = NULL;
	size_t len;
	int rc;

	*keysp = NULL;
	*np = 0;
	*statd_statep = 0;
	if ((rc = read_file(path, HOSTS_FILE_MAX, &text, &len)) != 0)
		return rc == -ENOENT ? 0 : rc;
	rc = lk_hosts_parse(text, keysp, np, statd_statep);
	free(text);
	return rc;
}

void
lk_hosts_save(struct lockd *lk)
{
	struct lk_host *h;
	char **keys, *text = NULL;
	size_t n = 0;
	int rc;

	if (!lk->list_dirty)
		return;
	if ((keys = calloc(lk->nhosts + 1, sizeof(*keys))) == NULL)
		return;
	for (h = lk->hosts; h != NULL; h = h->next)
		if (h->listed)
			keys[n++] = h->key;
	if ((rc = lk_hosts_format(keys, n, lk->statd_state, &text)) == 0)
		rc = atomic_write_file(lk->hosts_file, text, strlen(text), 0644);
	if (rc == 0)
		lk->list_dirty = false;
	else
		log_warnx("%s: %s", lk->hosts_file, strerror(-rc));
	free(text);
	free(keys);
}
