/*
 * ofcache.h: files kept open for READ, WRITE and COMMIT, so the I/O path
 * does not open and close per call. Entries are keyed by export and kernel
 * handle, opened by root (permission is checked per call as the caller,
 * see vfs_access()), bounded by an LRU, and reference counted so an entry
 * in use is never closed under a worker. Entries of an inode that lost its
 * last link are closed at once, idle ones after a few seconds, so the
 * space of removed files is given back promptly.
 */
#ifndef NFSD_OFCACHE_H
#define NFSD_OFCACHE_H

#include <sys/types.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct ofcache;
struct ofile;
struct vnode;

/* A cache holding at most max open files; NULL on allocation failure. */
struct ofcache *ofcache_new(unsigned max);
/* A cache of O_PATH fds of objects of any type (vfs_open_fh()). */
struct ofcache *ofcache_new_path(unsigned max);
void	ofcache_free(struct ofcache *oc);
/* Entries unused for ms milliseconds are closed by ofcache_sweep()
 * (default OFCACHE_IDLE_MS). */
#define OFCACHE_IDLE_MS		2000
void	ofcache_set_idle(struct ofcache *oc, unsigned ms);
/* fn(arg, -errno) when the flush of unstable writes before a close fails:
 * they may be lost (nfsd gives out a new write verifier). */
void	ofcache_set_sync_error(struct ofcache *oc, void (*fn)(void *, int),
	    void *arg);
/*
 * An open file for vn's object: O_RDWR when the object can be written
 * (else O_RDONLY; write then wants O_RDWR and fails with the open's
 * errno). Returns 0 and a held *ofp, or -errno (-ESTALE if the cached
 * file has been deleted since). vn must be a regular file (the caller checks
 * vn->st: devices are never opened here). Must be called as root
 * (vfs_as_root()), since it opens by handle.
 */
int	ofcache_get(struct ofcache *oc, const struct vnode *vn, bool write,
	    struct ofile **ofp);
/*
 * Path caches. ofcache_find_fh: a held O_PATH fd of the object kh names on
 * export ex, and its current stat, if it is cached: 0, -ENOENT (not
 * cached) or -ESTALE (deleted). *fresh is true when the entry is due for
 * revalidation: the caller checks it is still inside the export and drops
 * it if not. ofcache_open_fh: open it by handle (as root) and cache it;
 * a new entry always wants that check. 0 or -errno.
 */
struct exp_live_export;
struct fh_khandle;
struct stat;
#define OFCACHE_REVALIDATE	10	/* seconds */
int	ofcache_find_fh(struct ofcache *oc, const struct exp_live_export *ex,
	    const struct fh_khandle *kh, struct ofile **ofp, struct stat *st,
	    bool *fresh);
int	ofcache_open_fh(struct ofcache *oc, const struct exp_live_export *ex,
	    const struct fh_khandle *kh, struct ofile **ofp, struct stat *st);
/* Unhash an entry (no longer valid) and put the caller's reference. */
void	ofcache_drop(struct ofcache *oc, struct ofile *of);
int	ofile_fd(const struct ofile *of);
/* An UNSTABLE write went through of's fd (call it after the write): the fd
 * is flushed before it is ever closed, unless ofcache_sync() came after. */
void	ofile_unstable(struct ofile *of);
/* fdatasync() of's fd (COMMIT): 0 or -errno. */
int	ofcache_sync(struct ofile *of);
void	ofcache_put(struct ofcache *oc, struct ofile *of);
/* Close cached files of this inode (those in use at their last put). */
void	ofcache_forget(struct ofcache *oc, dev_t dev, ino_t ino);
/* The inode lost a name (REMOVE, RMDIR, RENAME over it): if a cached fd
 * of it shows no link left, close them all now (those in use at their
 * last put), unflushed, so its space is freed. Returns true if it did. */
bool	ofcache_forget_unlinked(struct ofcache *oc, dev_t dev, ino_t ino);
/* Monotonic milliseconds: the clock of ofcache_sweep(). */
uint64_t ofcache_now(void);
/* Close unused entries idle for the cache's idle time or more at now
 * (ofcache_now(); tests pass their own). */
void	ofcache_sweep(struct ofcache *oc, uint64_t now);
/* A thread that sweeps the n caches every min(idle) / 2 (20 ms to 1 s)
 * until stopped, so closes and flushes never hold up the RPC loop. Start
 * it once the process has detached (fork keeps no threads). 0 or -errno. */
struct ofcache_sweeper;
int	ofcache_sweeper_start(struct ofcache *const *caches, unsigned n,
	    struct ofcache_sweeper **swp);
void	ofcache_sweeper_stop(struct ofcache_sweeper *sw);
/* Files open now (hashed, in use or not): for tests and statistics. */
unsigned ofcache_count(struct ofcache *oc);

#endif
