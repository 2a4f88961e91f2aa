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
 * Space of removed files (knfsd's file cache does the same): when a name
 * goes (REMOVE, RMDIR, RENAME over it), ofcache_forget_unlinked() closes
 * every entry of the inode at once if it has no link left, so its space
 * is freed before the reply; ofcache_sweep() closes entries nobody used
 * for idle_ms (a file removed on the server itself, not through us, is
 * freed that way within seconds), and the sweeper thread runs it.
 *
 * Unstable writes: an fd that took UNSTABLE writes (ofile_unstable()) and
 * was not synced since (ofcache_sync(), COMMIT) is fdatasync()ed before it
 * is closed, unless its inode is gone. A COMMIT after the close opens the
 * file again and finds nothing left to write; a failed flush at close
 * calls the sync-error hook (nfsd: a new write verifier, so clients send
 * their unstable writes again). Data a client wrote is never dropped.
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
#include <stdatomic.h>
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
	bool			 gone;		/* no link left: close unsynced */
	unsigned		 refs;
	uint64_t		 used;		/* last put, ofcache_now() */
	_Atomic uint64_t	 wgen;		/* UNSTABLE writes done */
	_Atomic uint64_t	 sgen;		/* wgen the last sync covered */
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
	uint64_t		 idle_ms;	/* ofcache_sweep() */
	void			(*sync_err)(void *, int);
	void			*sync_arg;
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
	oc->idle_ms = OFCACHE_IDLE_MS;
	return oc;
}

void
ofcache_set_idle(struct ofcache *oc, unsigned ms)
{
	pthread_mutex_lock(&oc->lock);
	oc->idle_ms = ms;
	pthread_mutex_unlock(&oc->lock);
}

void
ofcache_set_sync_error(struct ofcache *oc, void (*fn)(void *, int), void *arg)
{
	oc->sync_err = fn;
	oc->sync_arg = arg;
}

uint64_t
ofcache_now(void)
{
	struct timespec ts;

	/* a few ms of resolution is plenty, and it costs no system call */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
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

static bool
dirty(struct ofile *of)
{
	return atomic_load(&of->wgen) != atomic_load(&of->sgen);
}

/*
 * Close the collected entries (no lock held): unstable writes are made
 * durable first, unless the inode is gone. A failed flush is reported to
 * the hook: the data may be lost, and clients must be told to resend.
 */
static void
close_list(struct ofcache *oc, struct ofile *of)
{
	struct ofile *next;
	int err;

	for (; of != NULL; of = next) {
		next = of->cnext;
		if (!of->gone && dirty(of) && fdatasync(of->fd) != 0) {
			err = -errno;
			if (oc->sync_err != NULL)
				oc->sync_err(oc->sync_arg, err);
		}
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
			of->gone = true;
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
	close_list(oc, closes);
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
			pthread_mutex_lock(&oc->lock);
			of->gone = true;
			pthread_mutex_unlock(&oc->lock);
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
	close_list(oc, closes);
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
ofile_unstable(struct ofile *of)
{
	/* after the write: a sync that began before it must not count it */
	atomic_fetch_add(&of->wgen, 1);
}

int
ofcache_sync(struct ofile *of)
{
	uint64_t g = atomic_load(&of->wgen), s;

	if (fdatasync(of->fd) != 0)
		return -errno;
	/* every write counted in g is durable now: raise sgen to g */
	s = atomic_load(&of->sgen);
	while (s < g && !atomic_compare_exchange_weak(&of->sgen, &s, g))
		;
	return 0;
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
			of->used = ofcache_now();
			lru_push(oc, of);
			trim(oc, &closes);
		}
	}
	pthread_mutex_unlock(&oc->lock);
	close_list(oc, closes);
}

/* Kill every entry of the inode (lock held). */
static void
forget_locked(struct ofcache *oc, dev_t dev, ino_t ino, bool gone,
    struct ofile **closes)
{
	struct ofile *of, *next;

	for (of = oc->byino[ino_hash(dev, ino) & oc->mask]; of != NULL;
	    of = next) {
		next = of->inext;
		if (of->dev == dev && of->ino == ino) {
			of->gone = of->gone || gone;
			kill_entry(oc, of, closes);
		}
	}
}

void
ofcache_forget(struct ofcache *oc, dev_t dev, ino_t ino)
{
	struct ofile *closes = NULL;

	if (oc == NULL)
		return;
	pthread_mutex_lock(&oc->lock);
	forget_locked(oc, dev, ino, false, &closes);
	pthread_mutex_unlock(&oc->lock);
	close_list(oc, closes);
}

bool
ofcache_forget_unlinked(struct ofcache *oc, dev_t dev, ino_t ino)
{
	struct ofile *of, *closes = NULL;
	struct stat st;
	bool gone;

	if (oc == NULL)
		return false;
	/* any one entry of the inode tells its link count */
	pthread_mutex_lock(&oc->lock);
	for (of = oc->byino[ino_hash(dev, ino) & oc->mask]; of != NULL;
	    of = of->inext)
		if (of->dev == dev && of->ino == ino)
			break;
	if (of == NULL) {
		pthread_mutex_unlock(&oc->lock);
		return false;
	}
	hold(oc, of);
	pthread_mutex_unlock(&oc->lock);
	/* outside the lock: fstat may wait (FUSE, a busy inode) */
	gone = fstat(of->fd, &st) != 0 || st.st_nlink == 0;
	if (gone) {
		pthread_mutex_lock(&oc->lock);
		forget_locked(oc, dev, ino, true, &closes);
		pthread_mutex_unlock(&oc->lock);
		close_list(oc, closes);
	}
	ofcache_put(oc, of);		/* the last reference closes it */
	return gone;
}

void
ofcache_sweep(struct ofcache *oc, uint64_t now)
{
	struct ofile *closes = NULL;

	if (oc == NULL)
		return;
	pthread_mutex_lock(&oc->lock);
	while (oc->lru_tail != NULL && now >= oc->lru_tail->used &&
	    now - oc->lru_tail->used >= oc->idle_ms)
		kill_entry(oc, oc->lru_tail, &closes);
	pthread_mutex_unlock(&oc->lock);
	close_list(oc, closes);
}

/* ---------------------------------------------------------------- sweeper */
struct ofcache_sweeper {
	pthread_t		 thr;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;		/* on CLOCK_MONOTONIC */
	bool			 stop;
	unsigned		 period_ms;
	unsigned		 n;
	struct ofcache		*oc[];
};

static void *
sweeper_main(void *arg)
{
	struct ofcache_sweeper *sw = arg;
	struct timespec ts;
	unsigned i;

	pthread_mutex_lock(&sw->lock);
	while (!sw->stop) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += sw->period_ms / 1000;
		ts.tv_nsec += (long)(sw->period_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		while (!sw->stop &&
		    pthread_cond_timedwait(&sw->cond, &sw->lock, &ts) != ETIMEDOUT)
			;
		if (sw->stop)
			break;
		pthread_mutex_unlock(&sw->lock);
		/* closes (and flushes) happen here, never in the RPC loop */
		for (i = 0; i < sw->n; i++)
			ofcache_sweep(sw->oc[i], ofcache_now());
		pthread_mutex_lock(&sw->lock);
	}
	pthread_mutex_unlock(&sw->lock);
	return NULL;
}

int
ofcache_sweeper_start(struct ofcache *const *caches, unsigned n,
    struct ofcache_sweeper **swp)
{
	struct ofcache_sweeper *sw;
	pthread_condattr_t ca;
	uint64_t idle = UINT64_MAX;
	unsigned i;
	int rc;

	*swp = NULL;
	if ((sw = calloc(1, sizeof(*sw) + n * sizeof(sw->oc[0]))) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		sw->oc[i] = caches[i];
		pthread_mutex_lock(&caches[i]->lock);
		if (caches[i]->idle_ms < idle)
			idle = caches[i]->idle_ms;
		pthread_mutex_unlock(&caches[i]->lock);
	}
	sw->n = n;
	/* an entry goes between idle and idle + period after its last use */
	sw->period_ms = idle / 2 > 1000 ? 1000 : idle / 2 < 20 ? 20 :
	    (unsigned)(idle / 2);
	if ((rc = pthread_condattr_init(&ca)) != 0) {
		free(sw);
		return -rc;
	}
	(void)pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	rc = pthread_cond_init(&sw->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0) {
		free(sw);
		return -rc;
	}
	if ((rc = pthread_mutex_init(&sw->lock, NULL)) != 0) {
		pthread_cond_destroy(&sw->cond);
		free(sw);
		return -rc;
	}
	if ((rc = pthread_create(&sw->thr, NULL, sweeper_main, sw)) != 0) {
		pthread_mutex_destroy(&sw->lock);
		pthread_cond_destroy(&sw->cond);
		free(sw);
		return -rc;
	}
	*swp = sw;
	return 0;
}

void
ofcache_sweeper_stop(struct ofcache_sweeper *sw)
{
	if (sw == NULL)
		return;
	pthread_mutex_lock(&sw->lock);
	sw->stop = true;
	pthread_cond_signal(&sw->cond);
	pthread_mutex_unlock(&sw->lock);
	pthread_join(sw->thr, NULL);
	pthread_mutex_destroy(&sw->lock);
	pthread_cond_destroy(&sw->cond);
	free(sw);
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
	close_list(oc, closes);
	pthread_mutex_destroy(&oc->lock);
	free(oc->byfh);
	free(oc->byino);
	free(oc);
}
