/*
 * ofcache.h: files kept open for READ, WRITE and COMMIT, so the I/O path
 * does not open and close per call. Entries are keyed by export and kernel
 * handle, opened by root (permission is checked per call as the caller,
 * see vfs_access()), bounded by an LRU, and reference counted so an entry
 * in use is never closed under a worker.
 */
#ifndef NFSD_OFCACHE_H
#define NFSD_OFCACHE_H

#include <sys/types.h>
#include <stdbool.h>
#include <time.h>

struct ofcache;
struct ofile;
struct vnode;

/* A cache holding at most max open files; NULL on allocation failure. */
struct ofcache *ofcache_new(unsigned max);
/* A cache of O_PATH fds of objects of any type (vfs_open_fh()). */
struct ofcache *ofcache_new_path(unsigned max);
void	ofcache_free(struct ofcache *oc);
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
void	ofcache_put(struct ofcache *oc, struct ofile *of);
/* Close cached files of this inode once unused (REMOVE, RENAME over it,
 * so the space of a deleted file is freed). */
void	ofcache_forget(struct ofcache *oc, dev_t dev, ino_t ino);
/* Close unused files idle for OFCACHE_IDLE seconds or more; now is
 * time(NULL) (call it from a timer every few seconds). */
#define OFCACHE_IDLE	60
void	ofcache_sweep(struct ofcache *oc, time_t now);
/* Files open now (hashed, in use or not): for tests and statistics. */
unsigned ofcache_count(struct ofcache *oc);

#endif
