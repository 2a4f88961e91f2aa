/*
 * test_ofcache.c: the open-file cache (nfsd/ofcache.c) with real files in
 * a temporary directory under /var/tmp: hits, the LRU bound, entries in
 * use never closed, forget, files deleted behind the cache, the idle sweep,
 * read-write reopening, and many threads at once. Opening by handle needs
 * CAP_DAC_READ_SEARCH; without it the tests are skipped.
 */
#include <sys/stat.h>
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
	struct ofile *a, *held;
	time_t now = time(NULL);

	NEED_HANDLES(f);
	assert_non_null(oc = ofcache_new(8));
	assert_int_equal(ofcache_get(oc, &f->vn[5], false, &a), 0);
	ofcache_put(oc, a);
	assert_int_equal(ofcache_get(oc, &f->vn[6], false, &held), 0);
	ofcache_sweep(oc, now);
	assert_int_equal(ofcache_count(oc), 2);
	ofcache_sweep(oc, now + OFCACHE_IDLE + 2);
	/* the idle one went, the one in use stays */
	assert_int_equal(ofcache_count(oc), 1);
	ofcache_put(oc, held);
	ofcache_sweep(oc, time(NULL) + OFCACHE_IDLE + 2);
	assert_int_equal(ofcache_count(oc), 0);
	ofcache_sweep(NULL, now);
	ofcache_free(oc);
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
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
