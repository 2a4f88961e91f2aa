/*
 * test_exports_live.c: export generations (common/exports_live.c) on a
 * real directory tree: loading from an exports file and exports.d, the
 * etab preferred when it exists, unusable exports kept with err set, ids
 * stable across loads and distinct, the holder swap keeping old
 * references valid, and the hash ack file.
 */
#include <sys/stat.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/atomicio.h"
#include "common/exports_live.h"

struct tree {
	char	dir[64];
	char	file[PATH_MAX];
	char	xdir[PATH_MAX];
	char	etab[PATH_MAX];
	struct exp_live_src src;
};

static void
put(const char *path, const char *text)
{
	assert_int_equal(atomic_write_file(path, text, strlen(text), 0644), 0);
}

static int
setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char p[PATH_MAX + 64], text[2048];

	snprintf(t->dir, sizeof(t->dir), "/tmp/test_exports_live.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(p, sizeof(p), "%s/a", t->dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/b", t->dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/d", t->dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(t->file, sizeof(t->file), "%s/exports", t->dir);
	snprintf(t->xdir, sizeof(t->xdir), "%s/exports.d", t->dir);
	snprintf(t->etab, sizeof(t->etab), "%s/etab", t->dir);
	assert_int_equal(mkdir(t->xdir, 0755), 0);
	snprintf(text, sizeof(text),
	    "%s/a 127.0.0.1(rw) 192.0.2.0/24(ro)\n"
	    "%s/b *(ro)\n"
	    "%s/missing 127.0.0.1(ro)\n", t->dir, t->dir, t->dir);
	put(t->file, text);
	snprintf(p, sizeof(p), "%s/10-more.exports", t->xdir);
	snprintf(text, sizeof(text), "%s/d 10.0.0.0/8(rw)\n", t->dir);
	put(p, text);
	snprintf(p, sizeof(p), "%s/ignored.txt", t->xdir);
	put(p, "/nowhere *(rw)\n");
	t->src.file = t->file;
	t->src.dir = t->xdir;
	t->src.etab = t->etab;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
	free(t);
	return 0;
}

static const struct exp_live_export *
by_path(const struct exp_live *l, const char *dir, const char *name)
{
	char p[PATH_MAX];
	size_t i;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	for (i = 0; i < l->n; i++)
		if (strcmp(l->ex[i].e->path, p) == 0)
			return &l->ex[i];
	return NULL;
}

static void
test_load(void **state)
{
	struct tree *t = *state;
	struct exp_live *l, *l2;
	const struct exp_live_export *a, *b, *d, *m;
	struct exp_err err;
	struct stat st;
	char p[PATH_MAX];
	size_t i, j;

	assert_int_equal(exp_live_load(&t->src, false, &l, &err), 0);
	assert_int_equal(l->n, 4);		/* a, b, missing, d */
	assert_int_equal(atomic_load(&l->refs), 1);
	assert_true(l->hash == exp_table_hash(l->table));
	assert_non_null(a = by_path(l, t->dir, "a"));
	assert_non_null(b = by_path(l, t->dir, "b"));
	assert_non_null(d = by_path(l, t->dir, "d"));
	assert_non_null(m = by_path(l, t->dir, "missing"));

	/* usable exports: open root, its dev/ino */
	snprintf(p, sizeof(p), "%s/a", t->dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(a->err, 0);
	assert_true(a->root_fd >= 0);
	assert_true(a->dev == st.st_dev && a->ino == st.st_ino);
	assert_int_equal(b->err, 0);
	assert_int_equal(d->err, 0);
	/* the missing one is kept, unusable, and never found */
	assert_int_equal(m->err, -ENOENT);
	assert_int_equal(m->root_fd, -1);
	assert_null(exp_live_by_id(l, m->export_id));
	assert_null(exp_live_by_export(l, m->e));
	assert_ptr_equal(exp_live_by_id(l, a->export_id), a);
	assert_ptr_equal(exp_live_by_export(l, a->e), a);

	/* ids: from the path, nonzero, distinct */
	for (i = 0; i < l->n; i++) {
		assert_int_not_equal(l->ex[i].export_id, 0);
		assert_int_equal(l->ex[i].export_id,
		    exp_live_id(l->ex[i].e->path));
		for (j = 0; j < i; j++)
			assert_int_not_equal(l->ex[i].export_id,
			    l->ex[j].export_id);
	}
	/* ext4: the volume id comes from the filesystem, one for the tree */
	assert_memory_equal(a->volid, b->volid, FH_VOLID_LEN);

	/* a second load: same ids, same volume ids, same hash */
	assert_int_equal(exp_live_load(&t->src, false, &l2, &err), 0);
	assert_int_equal(l2->n, l->n);
	for (i = 0; i < l->n; i++) {
		assert_string_equal(l2->ex[i].e->path, l->ex[i].e->path);
		assert_int_equal(l2->ex[i].export_id, l->ex[i].export_id);
		assert_memory_equal(l2->ex[i].volid, l->ex[i].volid,
		    FH_VOLID_LEN);
	}
	assert_true(l2->hash == l->hash);
	exp_live_put(l2);
	exp_live_put(l);
}

static void
test_etab_preferred(void **state)
{
	struct tree *t = *state;
	struct exp_live *l, *lf;
	struct exp_err err;
	char text[1024], *ser;

	/* what exportfs writes: the files' table as canonical text */
	assert_int_equal(exp_live_load(&t->src, false, &lf, &err), 0);
	assert_int_equal(exp_serialize(lf->table, &ser, NULL), 0);
	put(t->etab, ser);
	free(ser);
	assert_int_equal(exp_live_load(&t->src, false, &l, &err), 0);
	assert_true(l->hash == lf->hash);	/* the daemons' ack matches */
	exp_live_put(l);

	/* a different etab wins over the files */
	snprintf(text, sizeof(text), "%s/b 127.0.0.1(rw)\n", t->dir);
	put(t->etab, text);
	assert_int_equal(exp_live_load(&t->src, false, &l, &err), 0);
	assert_int_equal(l->n, 1);
	assert_non_null(by_path(l, t->dir, "b"));
	assert_true(l->hash != lf->hash);
	exp_live_put(l);
	/* unless told to ignore it */
	assert_int_equal(exp_live_load(&t->src, true, &l, &err), 0);
	assert_int_equal(l->n, 4);
	exp_live_put(l);

	/* a broken etab is an error with its position, nothing loaded */
	snprintf(text, sizeof(text), "%s/b 127.0.0.1(rw)\n%s/a h(bogus)\n",
	    t->dir, t->dir);
	put(t->etab, text);
	l = (struct exp_live *)1;
	assert_int_not_equal(exp_live_load(&t->src, false, &l, &err), 0);
	assert_null(l);
	assert_string_equal(err.file, t->etab);
	assert_int_equal(err.pos.line, 2);
	assert_true(err.pos.msg[0] != '\0');
	exp_live_put(lf);
}

static void
test_holder(void **state)
{
	struct tree *t = *state;
	struct exp_holder h;
	struct exp_live *l1, *l2, *r;
	struct exp_err err;
	char text[256], path0[PATH_MAX];

	exp_holder_init(&h);
	assert_null(exp_holder_get(&h));
	assert_int_equal(exp_live_load(&t->src, false, &l1, &err), 0);
	exp_holder_set(&h, l1);			/* the holder's reference */
	r = exp_holder_get(&h);
	assert_ptr_equal(r, l1);
	assert_int_equal(atomic_load(&r->refs), 2);
	snprintf(path0, sizeof(path0), "%s", r->ex[0].e->path);

	snprintf(text, sizeof(text), "%s/d *(ro)\n", t->dir);
	put(t->etab, text);
	assert_int_equal(exp_live_load(&t->src, false, &l2, &err), 0);
	exp_holder_set(&h, l2);
	/* the request in flight still has the old generation, whole */
	assert_int_equal(atomic_load(&r->refs), 1);
	assert_int_equal(r->n, 4);
	assert_string_equal(r->ex[0].e->path, path0);
	assert_true(r->ex[0].root_fd >= 0);
	assert_non_null(exp_lookup(r->table, path0));
	exp_live_put(r);			/* freed here (ASan checks) */

	r = exp_holder_get(&h);
	assert_ptr_equal(r, l2);
	assert_int_equal(r->n, 1);
	exp_live_put(r);
	exp_holder_destroy(&h);
}

static void
test_ack(void **state)
{
	struct tree *t = *state;
	char p[PATH_MAX], *text, want[32];
	size_t len;
	uint64_t hash = 0x0123456789abcdefULL;

	snprintf(p, sizeof(p), "%s/rpc.mountd.exports-hash", t->dir);
	assert_int_equal(exp_live_write_ack(p, hash), 0);
	assert_int_equal(read_file(p, 64, &text, &len), 0);
	snprintf(want, sizeof(want), "%016" PRIx64 "\n", hash);
	assert_string_equal(text, want);
	free(text);
	assert_int_equal(exp_live_write_ack(p, 7), 0);
	assert_int_equal(read_file(p, 64, &text, &len), 0);
	assert_string_equal(text, "0000000000000007\n");
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_etab_preferred, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
