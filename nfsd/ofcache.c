/*
 * ofcache.c: the open-file cache behind READ, WRITE and COMMIT.
 *
 * An entry is one fd opened by handle as root, keyed by (export id, kernel
 * handle) and also chained by (st_dev, st_ino) for ofcache_forget(). Entries
 * nobody holds sit on an LRU list (most recent at the head); when more than
 * max are hashed the least recently used idle ones are closed. An entry in
 * use is never closed: it is unhashed ("dead") and closed by its last
 * ofcache_put(). So the memory and fds held are bounded by max plus one
 * per worker thread.
 *
 * One mutex guards the tables; it is never held across a system call that
 * may block on the disk (open, close, read, write, fsync). Closes of
 * evicted entries are collected and done after unlocking.
 *
 * A second kind of cache (ofcache_new_path) holds O_PATH fds of objects of
 * any type: vfs_open_fh() resolves handles through it, so a request on a
 * known object costs no open_by_handle_at(2) and no switch to root. Its
 * entries are handed out as "fresh" when just opened and again every
 * OFCACHE_REVALIDATE seconds, so the caller re-checks that a directory is
 * still inside its export.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fh_resolve.h"
#include "nfsd/nfsd.h"
#include "nfsd/ofcache.h"

struct ofile {
	struct ofile		*hnext;		/* key chain */
	struct ofile		*inext;		/* inode chain */
	struct ofile		*lprev, *lnext;	/* LRU, only when refs == 0 */
	struct ofile		*cnext;		/* to-close list */
	uint32_t		 export_id;
	uint32_t		 hash;
	struct fh_khandle	 kh;
	dev_t			 dev;
	ino_t			 ino;
	int			 fd;
	bool			 rw;		/* O_RDWR, else O_RDONLY */
	time_t			 checked;	/* path cache: last revalidation */
	bool			 dead;		/* unhashed: close at last put */
	unsigned		 refs;
	time_t			 used;		/* last put, time(NULL) */
};

struct ofcache {
	pthread_mutex_t		 lock;
	bool			 path;		/* O_PATH entries of any type */
	unsigned		 max;
	unsigned		 n;		/* hashed entries */
	unsigned		 mask;		/* buckets - 1 */
	struct ofile		**byfh;
	struct ofile		**byino;
	struct ofile		*lru_head, *lru_tail;
};

static uint32_t
fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n-- > 0) {
		h ^= *b++;
		h *= 16777619u;
	}
	return h;
}

static uint32_t
key_hash(uint32_t export_id, const struct fh_khandle *kh)
{
	uint32_t h = 2166136261u;
	uint8_t t[2] = { (uint8_t)kh->type, (uint8_t)kh->len };

	h = fnv(h, &export_id, sizeof(export_id));
	h = fnv(h, t, sizeof(t));
	return fnv(h, kh->bytes, kh->len);
}

static uint32_t
ino_hash(dev_t dev, ino_t ino)
{
	uint64_t v = (uint64_t)ino * 0x9e3779b97f4a7c15ull ^ (uint64_t)dev;

	return (uint32_t)(v >> 32 ^ v);
}

static bool
key_eq(const struct ofile *of, uint32_t export_id, const struct fh_khandle *kh)
{
	return of->export_id == export_id && of->kh.type == kh->type &&
	    of->kh.len == kh->len && memcmp(of->kh.bytes, kh->bytes, kh->len) == 0;
}

struct ofcache *
ofcache_new(unsigned max)
{
	struct ofcache *oc;
	unsigned nb = 16;

	if (max == 0)
		max = 1;
	while (nb < max && nb < (1u << 24))
		nb <<= 1;
	if ((oc = calloc(1, sizeof(*oc))) == NULL)
		return NULL;
	oc->byfh = calloc(nb, sizeof(*oc->byfh));
	oc->byino = calloc(nb, sizeof(*oc->byino));
	if (oc->byfh == NULL || oc->byino == NULL ||
	    pthread_mutex_init(&oc->lock, NULL) != 0) {
		free(oc->byfh);
		free(oc->byino);
		free(oc);
		return NULL;
	}
	oc->max = max;
	oc->mask = nb - 1;
	return oc;
}

struct ofcache *
ofcache_new_path(unsigned max)
{
	struct ofcache *oc = ofcache_new(max);

	if (oc != NULL)
		oc->path = true;
	return oc;
}

static void
lru_remove(struct ofcache *oc, struct ofile *of)
{
	if (of->lprev != NULL)
		of->lprev->lnext = of->lnext;
	else
		oc->lru_head = of->lnext;
	if (of->lnext != NULL)
		of->lnext->lprev = of->lprev;
	else
		oc->lru_tail = of->lprev;
	of->lprev = of->lnext = NULL;
}

static void
lru_push(struct ofcache *oc, struct ofile *of)
{
	of->lprev = NULL;
	of->lnext = oc->lru_head;
	if (oc->lru_head != NULL)
		oc->lru_head->lprev = of;
	else
		oc->lru_tail = of;
	oc->lru_head = of;
}

static void
hash_insert(struct ofcache *oc, struct ofile *of)
{
	struct ofile **b;

	b = &oc->byfh[of->hash & oc->mask];
	of->hnext = *b;
	*b = of;
	b = &oc->byino[ino_hash(of->dev, of->ino) & oc->mask];
	of->inext = *b;
	*b = of;
	oc->n++;
}

/* Take of out of both chains; it is dead from now on. */
static void
unhash(struct ofcache *oc, struct ofile *of)
{
	struct ofile **pp;

	if (of->dead)
		return;
	for (pp = &oc->byfh[of->hash & oc->mask]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == of) {
			*pp = of->hnext;
			break;
		}
	for (pp = &oc->byino[ino_hash(of->dev, of->ino) & oc->mask];
	    *pp != NULL; pp = &(*pp)->inext)
		if (*pp == of) {
			*pp = of->inext;
			break;
		}
	of->hnext = of->inext = NULL;
	of->dead = true;
	oc->n--;
}

/* Unhash of; if nobody holds it, move it to the close list. */
static void
kill_entry(struct ofcache *oc, struct ofile *of, struct ofile **closes)
{
	unhash(oc, of);
	if (of->refs == 0) {
		lru_remove(oc, of);
		of->cnext = *closes;
		*closes = of;
	}
}

/* Close idle entries, oldest first, while more than max are hashed. */
static void
trim(struct ofcache *oc, struct ofile **closes)
{
	while (oc->n > oc->max && oc->lru_tail != NULL)
		kill_entry(oc, oc->lru_tail, closes);
}

static void
close_list(struct ofile *of)
{
	struct ofile *next;

	for (; of != NULL; of = next) {
		next = of->cnext;
		close(of->fd);
		free(of);
	}
}

static struct ofile *
lookup(struct ofcache *oc, uint32_t hash, uint32_t export_id,
    const struct fh_khandle *kh)
{
	struct ofile *of;

	for (of = oc->byfh[hash & oc->mask]; of != NULL; of = of->hnext)
		if (of->hash == hash && key_eq(of, export_id, kh))
			return of;
	return NULL;
}

/* Take a reference (lock held). */
static void
hold(struct ofcache *oc, struct ofile *of)
{
	if (of->refs++ == 0)
		lru_remove(oc, of);
}

/* Open the object by handle: read-write if possible. */
static int
open_file(const struct vnode *vn, bool write, int *fdp, struct stat *st,
    bool *rw)
{
	int rc;

	rc = fh_open(vn->ex->root_fd, &vn->kh, O_RDWR | O_NOCTTY, fdp, st);
	*rw = rc == 0;
	if (rc != 0 && !write && (rc == -EROFS || rc == -EACCES ||
	    rc == -EPERM || rc == -ETXTBSY))
		rc = fh_open(vn->ex->root_fd, &vn->kh, O_RDONLY | O_NOCTTY,
		    fdp, st);
	if (rc != 0)
		return rc;
	if (!S_ISREG(st->st_mode)) {
		close(*fdp);
		*fdp = -1;
		return S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
	}
	return 0;
}

int
ofcache_get(struct ofcache *oc, const struct vnode *vn, bool write,
    struct ofile **ofp)
{
	struct ofile *of, *nof, *closes = NULL;
	struct stat st;
	uint32_t id = vn->ex->export_id, h = key_hash(id, &vn->kh);
	bool rw;
	int rc, fd;

	*ofp = NULL;
	pthread_mutex_lock(&oc->lock);
	of = lookup(oc, h, id, &vn->kh);
	if (of != NULL && (of->rw || !write)) {
		hold(oc, of);
		pthread_mutex_unlock(&oc->lock);
		/* a file deleted behind our back (not through REMOVE) */
		if (fstat(of->fd, &st) != 0 || st.st_nlink == 0) {
			pthread_mutex_lock(&oc->lock);
			unhash(oc, of);
			pthread_mutex_unlock(&oc->lock);
			ofcache_put(oc, of);
			return -ESTALE;
		}
		*ofp = of;
		return 0;
	}
	pthread_mutex_unlock(&oc->lock);

	if ((rc = open_file(vn, write, &fd, &st, &rw)) != 0)
		return rc;
	if ((nof = calloc(1, sizeof(*nof))) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	nof->export_id = id;
	nof->hash = h;
	nof->kh = vn->kh;
	nof->dev = st.st_dev;
	nof->ino = st.st_ino;
	nof->fd = fd;
	nof->rw = rw;
	nof->refs = 1;

	pthread_mutex_lock(&oc->lock);
	/* another thread may have opened it meanwhile */
	of = lookup(oc, h, id, &vn->kh);
	if (of != NULL && (of->rw || !nof->rw)) {
		hold(oc, of);
		nof->cnext = closes;
		closes = nof;
		nof = of;
	} else {
		if (of != NULL)		/* read-only entry: replaced */
			kill_entry(oc, of, &closes);
		hash_insert(oc, nof);
		trim(oc, &closes);
	}
	pthread_mutex_unlock(&oc->lock);
	close_list(closes);
	*ofp = nof;
	return 0;
}

int
ofcache_find_fh(struct ofcache *oc, const struct exp_live_export *ex,
    const struct fh_khandle *kh, struct ofile **ofp, struct stat *st,
    bool *fresh)
{
	struct ofile *of;
	uint32_t id = ex->export_id, h = key_hash(id, kh);
	time_t now = time(NULL);

	*ofp = NULL;
	*fresh = false;
	pthread_mutex_lock(&oc->lock);
	if ((of = lookup(oc, h, id, kh)) != NULL) {
		hold(oc, of);
		if (now - of->checked >= OFCACHE_REVALIDATE) {
			of->checked = now;
			*fresh = true;
		}
		pthread_mutex_unlock(&oc->lock);
		/* current attributes, and deleted objects are stale */
		if (fstat(of->fd, st) != 0 || st->st_nlink == 0) {
			ofcache_drop(oc, of);
			return -ESTALE;
		}
		*ofp = of;
		return 0;
	}
	pthread_mutex_unlock(&oc->lock);
	return -ENOENT;
}

int
ofcache_open_fh(struct ofcache *oc, const struct exp_live_export *ex,
    const struct fh_khandle *kh, struct ofile **ofp, struct stat *st)
{
	struct ofile *of, *nof, *closes = NULL;
	uint32_t id = ex->export_id, h = key_hash(id, kh);
	int rc, fd;

	*ofp = NULL;
	/* the caller is root here: open_by_handle_at needs it */
	if ((rc = fh_open(ex->root_fd, kh, O_PATH, &fd, st)) != 0)
		return rc;
	if ((nof = calloc(1, sizeof(*nof))) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	nof->export_id = id;
	nof->hash = h;
	nof->kh = *kh;
	nof->dev = st->st_dev;
	nof->ino = st->st_ino;
	nof->fd = fd;
	nof->refs = 1;
	nof->checked = time(NULL);

	pthread_mutex_lock(&oc->lock);
	if ((of = lookup(oc, h, id, kh)) != NULL) {
		/* another thread opened it meanwhile: use that one */
		hold(oc, of);
		nof->cnext = closes;
		closes = nof;
		nof = of;
	} else {
		hash_insert(oc, nof);
		trim(oc, &closes);
	}
	pthread_mutex_unlock(&oc->lock);
	close_list(closes);
	*ofp = nof;
	return 0;
}

void
ofcache_drop(struct ofcache *oc, struct ofile *of)
{
	pthread_mutex_lock(&oc->lock);
	unhash(oc, of);
	pthread_mutex_unlock(&oc->lock);
	ofcache_put(oc, of);
}

int
ofile_fd(const struct ofile *of)
{
	return of->fd;
}

void
ofcache_put(struct ofcache *oc, struct ofile *of)
{
	struct ofile *closes = NULL;

	if (of == NULL)
		return;
	pthread_mutex_lock(&oc->lock);
	if (--of->refs == 0) {
		if (of->dead) {
			of->cnext = closes;
			closes = of;
		} else {
			of->used = time(NULL);
			lru_push(oc, of);
			trim(oc, &closes);
		}
	}
	pthread_mutex_unlock(&oc->lock);
	close_list(closes);
}

void
ofcache_forget(struct ofcache *oc, dev_t dev, ino_t ino)
{
	struct ofile *of, *next, *closes = NULL;

	if (oc == NULL)
		return;
	pthread_mutex_lock(&oc->lock);
	for (of = oc->byino[ino_hash(dev, ino) & oc->mask]; of != NULL;
	    of = next) {
		next = of->inext;
		if (of->dev == dev && of->ino == ino)
			kill_entry(oc, of, &closes);
	}
	pthread_mutex_unlock(&oc->lock);
	close_list(closes);
}

void
ofcache_sweep(struct ofcache *oc, time_t now)
{
	struct ofile *closes = NULL;

	if (oc == NULL)
		return;
	pthread_mutex_lock(&oc->lock);
	while (oc->lru_tail != NULL && now - oc->lru_tail->used >= OFCACHE_IDLE)
		kill_entry(oc, oc->lru_tail, &closes);
	pthread_mutex_unlock(&oc->lock);
	close_list(closes);
}

unsigned
ofcache_count(struct ofcache *oc)
{
	unsigned n;

	pthread_mutex_lock(&oc->lock);
	n = oc->n;
	pthread_mutex_unlock(&oc->lock);
	return n;
}

void
ofcache_free(struct ofcache *oc)
{
	struct ofile *of, *closes = NULL;
	unsigned i;

	if (oc == NULL)
		return;
	/* every worker has stopped: nothing is held any more */
	for (i = 0; i <= oc->mask; i++)
		while ((of = oc->byfh[i]) != NULL)
			kill_entry(oc, of, &closes);
	close_list(closes);
	pthread_mutex_destroy(&oc->lock);
	free(oc->byfh);
	free(oc->byino);
	free(oc);
}
