/*
 * test_ofcache.c: the open-file cache (nfsd/ofcache.c) with real files in
 * a temporary directory under /var/tmp: hits, the LRU bound, entries in
 * use never closed, forget, files deleted behind the cache, the idle sweep
 * (with the test's clock) and its thread, dropping an inode at its last
 * unlink (files and, in the O_PATH cache, directories), unstable writes
 * flushed before a close (fdatasync is the test's own, see below),
 * read-write reopening, and many threads at once. Opening by handle needs
 * CAP_DAC_READ_SEARCH; without it the tests are skipped.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fh_resolve.h"
#include "nfsd/nfsd.h"
#include "nfsd/ofcache.h"

#define NFILES	8

/*
 * fdatasync() as ofcache.o sees it: this definition in the executable
 * wins over libc's. It counts calls, remembers the last fd, and fails
 * with sync_fail when that is set; otherwise the real system call.
 */
static unsigned	sync_calls;
static int	sync_last_fd = -1;
static int	sync_fail;

int
fdatasync(int fd)
{
	sync_calls++;
	sync_last_fd = fd;
	if (sync_fail != 0) {
		errno = sync_fail;
		return -1;
	}
	return (int)syscall(SYS_fdatasync, fd);
}

/* The sync-error hook: what it was told. */
static unsigned	hook_calls;
static int	hook_err;

static void
on_sync_error(void *arg, int err)
{
	(void)arg;
	hook_calls++;
	hook_err = err;
}

static void
sync_reset(void)
{
	sync_calls = 0;
	sync_last_fd = -1;
	sync_fail = 0;
	hook_calls = 0;
	hook_err = 0;
}

/* Is fd a descriptor of this process? (nothing else opens meanwhile) */
static bool
fd_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

struct fixture {
	char			 dir[64];
	struct exp_live_export	 ex;
	struct vnode		 vn[NFILES];
	struct stat		 st[NFILES];
};

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char name[32];
	unsigned i;
	int fd;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/var/tmp/test_ofcache.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->ex.root_fd = open(f->dir, O_RDONLY | O_DIRECTORY);
	f->ex.export_id = 42;
	if (f->ex.root_fd < 0)
		return -1;
	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "f%u", i);
		fd = openat(f->ex.root_fd, name, O_CREAT | O_RDWR, 0644);
		if (fd < 0 || write(fd, name, strlen(name)) < 0 ||
		    fstat(fd, &f->st[i]) != 0)
			return -1;
		close(fd);
		f->vn[i].fd = -1;
		f->vn[i].ex = &f->ex;
		f->vn[i].st = f->st[i];
		if (fh_from_path(f->ex.root_fd, name, &f->vn[i].kh, NULL) != 0)
			return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	close(f->ex.root_fd);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static bool
can_open_by_handle(struct fixture *f)
{
	int fd, rc;

	rc = fh_open(f->ex.root_fd, &f->vn[0].kh, O_RDONLY, &fd, NULL);
	if (rc == 0)
		close(fd);
	return rc == 0;
}

#define NEED_HANDLES(f)	do { if (!can_open_by_handle(f)) skip(); } while (0)

static bool
same_file(int fd, const struct stat *st)
{
	struct stat s;

	return fstat(fd, &s) == 0 && s.st_dev == st->st_dev &&
	    s.st_ino == st->st_ino;
}

static void
test_hit(void **state)
{
	struct fixture *f = *state;
	struct ofcache *oc;
	struct ofile *a, *b;
	int fl;

	NEED_HANDLES(f);
	assert_non_null(oc = ofcache_new(4));
	assert_int_equal(ofcache_get(oc, &f->vn[0], false, &a), 0);
	assert_true(same_file(ofile_fd(a), &f->st[0]));
	fl = fcntl(ofile_fd(a), F_GETFL);
	assert_int_equal(fl & O_ACCMODE, O_RDWR);	/* writable for later */
	assert_int_equal(ofcache_get(oc, &f->vn[0], true, &b), 0);
	assert_ptr_equal(a, b);				/* the same entry */
	ofcache_put(oc, a);
	ofcache_put(oc, b);
	assert_int_equal(ofcache_get(oc, &f->vn[0], false, &b), 0);
	assert_ptr_equal(a, b);				/* still cached */
	ofcache_put(oc, b);
	assert_int_equal(ofcache_count(oc), 1);
	/* the same inode through another export is another entry */
	{
		struct exp_live_export ex2 = f->ex;
		struct vnode v2 = f->vn[0];

		ex2.export_id = 43;
		v2.ex = &ex2;
		assert_int_equal(ofcache_get(oc, &v2, false, &b), 0);
		assert_ptr_not_equal(a, b);
		ofcache_put(oc, b);
		assert_int_equal(ofcache_count(oc), 2);
	}
	ofcache_put(oc, NULL);				/* harmless */
	ofcache_free(oc);
}

static void
test_lru_bound(void **state)
{
	struct fixture *f = *state;
	struct ofcache *oc;
	struct ofile *of, *keep[NFILES];
	unsigned i;

	NEED_HANDLES(f);
	assert_non_null(oc = ofcache_new(3));
	for (i = 0; i < NFILES; i++) {
		assert_int_equal(ofcache_get(oc, &f->vn[i], false, &keep[i]), 0);
		ofcache_put(oc, keep[i]);
		assert_true(ofcache_count(oc) <= 3);
	}
	/* the three most recent are hits, the oldest are gone */
	for (i = NFILES - 3; i < NFILES; i++) {
		assert_int_equal(ofcache_get(oc, &f->vn[i], false, &of), 0);
		assert_ptr_equal(of, keep[i]);
		ofcache_put(oc, of);
	}
	/* touching f5 makes f6 the least recently used */
	assert_int_equal(ofcache_get(oc, &f->vn[NFILES - 3], false, &of), 0);
	ofcache_put(oc, of);
	assert_int_equal(ofcache_get(oc, &f->vn[0], false, &of), 0);
	ofcache_put(oc, of);
	assert_int_equal(ofcache_count(oc), 3);
	assert_int_equal(ofcache_get(oc, &f->vn[NFILES - 3], false, &of), 0);
	assert_ptr_equal(of, keep[NFILES - 3]);
	ofcache_put(oc, of);
	ofcache_free(oc);
}

static void
test_in_use_never_closed(void **state)
{
	struct fixture *f = *state;
	struct ofcache *oc;
	struct ofile *of[NFILES];
	unsigned i;

	NEED_HANDLES(f);
	assert_non_null(oc = ofcache_new(2));
	for (i = 0; i < NFILES; i++)
		assert_int_equal(ofcache_get(oc, &f->vn[i], false, &of[i]), 0);
	/* all held: over the bound for now, every fd still good */
	assert_int_equal(ofcache_count(oc), NFILES);
	for (i = 0; i < NFILES; i++)
		assert_true(same_file(ofile_fd(of[i]), &f->st[i]));
	for (i = 0; i < NFILES; i++)
		ofcache_put(oc, of[i]);
	assert_int_equal(ofcache_count(oc), 2);
	ofcache_free(oc);
}

static void
test_forget(void **state)
{
	struct fixture *f = *state;
	struct ofcache *oc;
	struct ofile *a, *b;
	int fd;

	NEED_HANDLES(f);
	assert_non_null(oc = ofcache_new(8));
	assert_int_equal(ofcache_get(oc, &f->vn[1], false, &a), 0);
	ofcache_put(oc, a);
	assert_int_equal(ofcache_get(oc, &f->vn[2], false, &a), 0);
	ofcache_put(oc, a);
	ofcache_forget(oc, f->st[1].st_dev, f->st[1].st_ino);
	assert_int_equal(ofcache_count(oc), 1);
	ofcache_forget(oc, f->st[1].st_dev, f->st[1].st_ino + 1000000);
	assert_int_equal(ofcache_count(oc), 1);
	/* held while forgotten: the fd stays usable until the last put */
	assert_int_equal(ofcache_get(oc, &f->vn[3], false, &a), 0);
	fd = ofile_fd(a);
	ofcache_forget(oc, f->st[3].st_dev, f->st[3].st_ino);
	assert_int_equal(ofcache_count(oc), 1);
	assert_true(same_file(fd, &f->st[3]));
	/* a new get opens a fresh entry */
	assert_int_equal(ofcache_get(oc, &f->vn[3], false, &b), 0);
	assert_ptr_not_equal(a, b);
	ofcache_put(oc, a);
	ofcache_put(oc, b);
	assert_int_equal(ofcache_count(oc), 2);
	ofcache_free(oc);
}

static void
test_deleted_behind(void **state)
{
	struct fixture *f = *state;
	struct ofcache *oc;
	struct ofile *a;

	NEED_HANDLES(f);
	assert_non_null(oc = ofcache_new(8));
	assert_int_equal(ofcache_get(oc, &f->vn[4], false, &a), 0);
	ofcache_put(oc, a);
	assert_int_equal(unlinkat(f->ex.root_fd, "f4", 0), 0);
	/* the cached fd keeps the inode: the cache must see it is gone */
	assert_int_equal(ofcache_get(oc, &f->vn[4], false, &a), -ESTALE);
	assert_int_equal(ofcache_count(oc), 0);
	assert_int_equal(ofcache_get(oc, &f->vn[4], false, &a), -ESTALE);
	assert_int_equal(ofcache_count(oc), 0);
	ofcache_free(oc);
}

static void
test_sweep(void **state)
{
	struct fixture *f = *state;
	struct ofcache *oc;
	struct ofile *a, *b, *held;
	uint64_t t0, t1;
	int fd;

	NEED_HANDLES(f);
	assert_non_null(oc = ofcache_new(8));
	ofcache_set_idle(oc, 3000);
	t0 = ofcache_now();
	assert_int_equal(ofcache_get(oc, &f->vn[5], false, &a), 0);
	fd = ofile_fd(a);
	ofcache_put(oc, a);
	t1 = ofcache_now();
	assert_int_equal(ofcache_get(oc, &f->vn[6], false, &held), 0);
	ofcache_sweep(oc, t0);
	ofcache_sweep(oc, t0 + 2999);		/* not idle long enough */
	assert_int_equal(ofcache_count(oc), 2);
	assert_true(fd_open(fd));
	ofcache_sweep(oc, t1 + 3000);
	/* the idle one went (closed), the one in use stays */
	assert_int_equal(ofcache_count(oc), 1);
	assert_false(fd_open(fd));
	/* a use restarts the clock: entries idle from their last put */
	ofcache_put(oc, held);
	t0 = ofcache_now();
	ofcache_sweep(oc, t0 + 1000);
	assert_int_equal(ofcache_get(oc, &f->vn[6], false, &b), 0);
	assert_ptr_equal(b, held);
	ofcache_put(oc, b);
	ofcache_sweep(oc, ofcache_now() + 2000);
	assert_int_equal(ofcache_count(oc), 1);
	ofcache_sweep(oc, ofcache_now() + 3000);
	assert_int_equal(ofcache_count(oc), 0);
	/* a clock before the last use closes nothing */
	assert_int_equal(ofcache_get(oc, &f->vn[5], false, &a), 0);
	ofcache_put(oc, a);
	ofcache_sweep(oc, 0);
	assert_int_equal(ofcache_count(oc), 1);
	ofcache_sweep(NULL, t0);
	ofcache_free(oc);
}

/* The sweeper thread closes idle entries by itself, and stops. */
static void
test_sweeper(void **state)
{
	struct fixture *f = *state;
	struct ofcache *oc[2];
	struct ofcache_sweeper *sw;
	struct ofile *a, *held;
	unsigned i;

	NEED_HANDLES(f);
	assert_non_null(oc[0] = ofcache_new(8));
	assert_non_null(oc[1] = ofcache_new(8));
	ofcache_set_idle(oc[0], 100);
	ofcache_set_idle(oc[1], 100);
	assert_int_equal(ofcache_sweeper_start(oc, 2, &sw), 0);
	assert_int_equal(ofcache_get(oc[0], &f->vn[1], false, &a), 0);
	ofcache_put(oc[0], a);
	assert_int_equal(ofcache_get(oc[1], &f->vn[2], false, &a), 0);
	ofcache_put(oc[1], a);
	assert_int_equal(ofcache_get(oc[1], &f->vn[3], false, &held), 0);
	for (i = 0; i < 500 && (ofcache_count(oc[0]) != 0 ||
	    ofcache_count(oc[1]) != 1); i++)
		usleep(10000);
	assert_int_equal(ofcache_count(oc[0]), 0);
	assert_int_equal(ofcache_count(oc[1]), 1);	/* held: stays */
	ofcache_put(oc[1], held);
	for (i = 0; i < 500 && ofcache_count(oc[1]) != 0; i++)
		usleep(10000);
	assert_int_equal(ofcache_count(oc[1]), 0);
	ofcache_sweeper_stop(sw);
	ofcache_sweeper_stop(NULL);
	ofcache_free(oc[0]);
	ofcache_free(oc[1]);
}

/*
 * REMOVE of a name: entries go only once the inode has no link left, in
 * use or not, and without a flush (the data has nowhere to go).
 */
static void
test_forget_unlinked(void **state)
{
	struct fixture *f = *state;
	struct ofcache *oc;
	struct ofile *a, *held;
	struct stat st;
	struct vnode vn;
	int fd, hfd;

	NEED_HANDLES(f);
	sync_reset();
	fd = openat(f->ex.root_fd, "u1", O_CREAT | O_RDWR, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	assert_int_equal(linkat(f->ex.root_fd, "u1", f->ex.root_fd, "u2", 0), 0);
	vn = f->vn[0];
	vn.st = st;
	assert_int_equal(fh_from_path(f->ex.root_fd, "u1", &vn.kh, NULL), 0);

	assert_non_null(oc = ofcache_new(8));
	ofcache_set_sync_error(oc, on_sync_error, NULL);
	assert_int_equal(ofcache_get(oc, &vn, true, &a), 0);
	fd = ofile_fd(a);
	ofile_unstable(a);			/* dirty, but it will be gone */
	ofcache_put(oc, a);
	assert_int_equal(ofcache_get(oc, &f->vn[1], false, &a), 0);
	ofcache_put(oc, a);
	/* not cached: nothing to do */
	assert_false(ofcache_forget_unlinked(oc, st.st_dev, st.st_ino + 1000000));
	/* one of two links removed: the entry stays */
	assert_int_equal(unlinkat(f->ex.root_fd, "u1", 0), 0);
	assert_false(ofcache_forget_unlinked(oc, st.st_dev, st.st_ino));
	assert_int_equal(ofcache_count(oc), 2);
	assert_true(fd_open(fd));
	/* held by a worker while its last link goes */
	assert_int_equal(ofcache_get(oc, &vn, false, &held), 0);
	hfd = ofile_fd(held);
	assert_int_equal(hfd, fd);
	assert_int_equal(unlinkat(f->ex.root_fd, "u2", 0), 0);
	assert_true(ofcache_forget_unlinked(oc, st.st_dev, st.st_ino));
	assert_int_equal(ofcache_count(oc), 1);		/* f1 only */
	assert_true(fd_open(hfd));		/* still the worker's */
	ofcache_put(oc, held);
	assert_false(fd_open(hfd));		/* closed at the last put */
	assert_int_equal(sync_calls, 0);	/* no flush of a dead file */
	assert_int_equal(hook_calls, 0);
	ofcache_free(oc);
}

/* The O_PATH cache: a removed directory is let go too. */
static void
test_forget_unlinked_dir(void **state)
{
	struct fixture *f = *state;
	struct ofcache *oc;
	struct ofile *a;
	struct fh_khandle kh;
	struct stat st;
	int fd;

	NEED_HANDLES(f);
	assert_int_equal(mkdirat(f->ex.root_fd, "d1", 0755), 0);
	assert_int_equal(fh_from_path(f->ex.root_fd, "d1", &kh, NULL), 0);
	assert_non_null(oc = ofcache_new_path(8));
	assert_int_equal(ofcache_open_fh(oc, &f->ex, &kh, &a, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	fd = ofile_fd(a);
	ofcache_put(oc, a);
	assert_false(ofcache_forget_unlinked(oc, st.st_dev, st.st_ino));
	assert_int_equal(unlinkat(f->ex.root_fd, "d1", AT_REMOVEDIR), 0);
	assert_true(ofcache_forget_unlinked(oc, st.st_dev, st.st_ino));
	assert_int_equal(ofcache_count(oc), 0);
	assert_false(fd_open(fd));
	ofcache_free(oc);
}

/*
 * Unstable writes are flushed before their fd closes (idle, evicted,
 * forgotten while linked, freed at exit), not after a COMMIT covered them,
 * and a failed flush reaches the hook.
 */
static void
test_unstable_flushed(void **state)
{
	struct fixture *f = *state;
	struct ofcache *oc;
	struct ofile *a;
	int fd;

	NEED_HANDLES(f);
	sync_reset();
	assert_non_null(oc = ofcache_new(2));
	ofcache_set_idle(oc, 1000);
	ofcache_set_sync_error(oc, on_sync_error, NULL);

	/* read only: closed without a flush */
	assert_int_equal(ofcache_get(oc, &f->vn[1], false, &a), 0);
	ofcache_put(oc, a);
	ofcache_sweep(oc, ofcache_now() + 1000);
	assert_int_equal(ofcache_count(oc), 0);
	assert_int_equal(sync_calls, 0);

	/* unstable write, idle close: flushed on that fd first */
	assert_int_equal(ofcache_get(oc, &f->vn[1], true, &a), 0);
	fd = ofile_fd(a);
	assert_int_equal(pwrite(fd, "unstable", 8, 0), 8);
	ofile_unstable(a);
	ofcache_put(oc, a);
	ofcache_sweep(oc, ofcache_now() + 1000);
	assert_int_equal(ofcache_count(oc), 0);
	assert_int_equal(sync_calls, 1);
	assert_int_equal(sync_last_fd, fd);
	assert_int_equal(hook_calls, 0);

	/* COMMIT (ofcache_sync) covered it: no second flush at close */
	sync_reset();
	assert_int_equal(ofcache_get(oc, &f->vn[1], true, &a), 0);
	ofile_unstable(a);
	assert_int_equal(ofcache_sync(a), 0);
	assert_int_equal(sync_calls, 1);
	ofcache_put(oc, a);
	ofcache_sweep(oc, ofcache_now() + 1000);
	assert_int_equal(sync_calls, 1);

	/* a write after the COMMIT: dirty again */
	sync_reset();
	assert_int_equal(ofcache_get(oc, &f->vn[1], true, &a), 0);
	assert_int_equal(ofcache_sync(a), 0);
	ofile_unstable(a);
	ofcache_put(oc, a);
	ofcache_forget(oc, f->st[1].st_dev, f->st[1].st_ino);	/* linked */
	assert_int_equal(sync_calls, 2);

	/* evicted by the LRU bound (2): the dirty one is flushed */
	sync_reset();
	assert_int_equal(ofcache_get(oc, &f->vn[1], true, &a), 0);
	fd = ofile_fd(a);
	ofile_unstable(a);
	ofcache_put(oc, a);
	assert_int_equal(ofcache_get(oc, &f->vn[2], false, &a), 0);
	ofcache_put(oc, a);
	assert_int_equal(ofcache_get(oc, &f->vn[3], false, &a), 0);
	ofcache_put(oc, a);
	assert_int_equal(sync_calls, 1);
	assert_int_equal(sync_last_fd, fd);

	/* the flush fails: the hook hears of it, the fd is closed anyway */
	sync_reset();
	assert_int_equal(ofcache_get(oc, &f->vn[1], true, &a), 0);
	fd = ofile_fd(a);
	ofile_unstable(a);
	ofcache_put(oc, a);
	sync_fail = EIO;
	ofcache_sweep(oc, ofcache_now() + 1000);
	assert_int_equal(ofcache_count(oc), 0);
	assert_int_equal(hook_calls, 1);
	assert_int_equal(hook_err, -EIO);
	assert_false(fd_open(fd));
	/* and COMMIT's own flush reports its error */
	assert_int_equal(ofcache_get(oc, &f->vn[1], true, &a), 0);
	assert_int_equal(ofcache_sync(a), -EIO);
	ofcache_put(oc, a);

	/* dirty at exit: flushed by ofcache_free */
	sync_reset();
	assert_int_equal(ofcache_get(oc, &f->vn[2], true, &a), 0);
	ofile_unstable(a);
	ofcache_put(oc, a);
	ofcache_free(oc);
	assert_int_equal(sync_calls, 1);
	sync_reset();
}

static void
test_not_regular(void **state)
{
	struct fixture *f = *state;
	struct ofcache *oc;
	struct ofile *a = NULL;
	struct vnode dir;

	NEED_HANDLES(f);
	assert_non_null(oc = ofcache_new(8));
	dir = f->vn[0];
	assert_int_equal(fh_from_fd(f->ex.root_fd, &dir.kh, NULL), 0);
	assert_int_equal(ofcache_get(oc, &dir, false, &a), -EISDIR);
	assert_null(a);
	assert_int_equal(ofcache_count(oc), 0);
	ofcache_free(oc);
}

struct hammer {
	struct fixture	*f;
	struct ofcache	*oc;
	unsigned	 seed;
	unsigned	 errors;
};

static void *
hammer(void *p)
{
	struct hammer *h = p;
	struct ofile *of;
	unsigned i, k;

	for (i = 0; i < 20000; i++) {
		k = (unsigned)rand_r(&h->seed) % NFILES;
		if (k == 4)	/* deleted by test_deleted_behind */
			continue;
		if (ofcache_get(h->oc, &h->f->vn[k], (i & 1) != 0, &of) != 0) {
			h->errors++;
			continue;
		}
		if (!same_file(ofile_fd(of), &h->f->st[k]))
			h->errors++;
		if (i % 97 == 0)
			ofcache_forget(h->oc, h->f->st[k].st_dev,
			    h->f->st[k].st_ino);
		ofcache_put(h->oc, of);
	}
	return NULL;
}

static void
test_threads(void **state)
{
	struct fixture *f = *state;
	struct hammer h[6];
	pthread_t t[6];
	struct ofcache *oc;
	unsigned i;

	NEED_HANDLES(f);
	assert_non_null(oc = ofcache_new(3));
	for (i = 0; i < 6; i++) {
		h[i] = (struct hammer){ f, oc, i + 1, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, hammer, &h[i]), 0);
	}
	for (i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(h[i].errors, 0);
	}
	assert_true(ofcache_count(oc) <= 3);
	ofcache_free(oc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit),
		cmocka_unit_test(test_lru_bound),
		cmocka_unit_test(test_in_use_never_closed),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_deleted_behind),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_sweeper),
		cmocka_unit_test(test_forget_unlinked),
		cmocka_unit_test(test_forget_unlinked_dir),
		cmocka_unit_test(test_unstable_flushed),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
