/*
 * test_mountd.c: rpc.mountd's pure parts and its MNT policy in process:
 * lexical path normalization, the errno -> mountstat3 map, the rmtab file
 * format and list, the dispatch tables (index == procedure), and MNT
 * against a real export tree (subdirectories, "..", symlinks out of the
 * export, files, the secure port rule, v2 and v3 handles).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
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
#include "common/log.h"
#include "common/util.h"
#include "common/exp_path.h"
#include "mountd/mountd.h"

/* ------------------------------------------------------------ paths */

static void
norm_ok(const char *in, const char *want)
{
	char out[PATH_MAX];

	assert_int_equal(exp_path_norm(in, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void
test_path_norm(void **state)
{
	char out[PATH_MAX], small[8], longc[NAME_MAX + 3];

	(void)state;
	norm_ok("/", "/");
	norm_ok("//", "/");
	norm_ok("/srv/x", "/srv/x");
	norm_ok("/srv/x/", "/srv/x");
	norm_ok("//srv///x//", "/srv/x");
	norm_ok("/srv/./x/.", "/srv/x");
	norm_ok("/./././", "/");
	norm_ok("/export/../etc", "/etc");
	norm_ok("/export/a/../../etc/passwd", "/etc/passwd");
	norm_ok("/a/../../..", "/");
	norm_ok("/..", "/");
	norm_ok("/../srv", "/srv");
	norm_ok("/srv/x/..", "/srv");
	norm_ok("/a/.../b", "/a/.../b");
	norm_ok("/a/..b/.c", "/a/..b/.c");
	norm_ok("/srv/%n%s%x", "/srv/%n%s%x");
	norm_ok("/with space/and\ttab", "/with space/and\ttab");

	assert_int_equal(exp_path_norm("srv/x", out, sizeof(out)), -EINVAL);
	assert_int_equal(exp_path_norm("", out, sizeof(out)), -EINVAL);
	assert_int_equal(exp_path_norm("./x", out, sizeof(out)), -EINVAL);
	assert_int_equal(exp_path_norm(NULL, out, sizeof(out)), -EINVAL);
	/* doesn't fit */
	assert_int_equal(exp_path_norm("/abcdefgh", small, sizeof(small)),
	    -ENAMETOOLONG);
	assert_int_equal(exp_path_norm("/abc/def", small, sizeof(small)),
	    -ENAMETOOLONG);
	norm_ok("/abcdef/../x", "/x");
	assert_int_equal(exp_path_norm("/abc/../d", small, sizeof(small)),
	    0);
	assert_string_equal(small, "/d");
	/* a component longer than NAME_MAX */
	longc[0] = '/';
	memset(longc + 1, 'a', NAME_MAX + 1);
	longc[NAME_MAX + 2] = '\0';
	assert_int_equal(exp_path_norm(longc, out, sizeof(out)),
	    -ENAMETOOLONG);
	longc[NAME_MAX + 1] = '\0';	/* exactly NAME_MAX */
	assert_int_equal(exp_path_norm(longc, out, sizeof(out)), 0);
}

static void
test_path_safe(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(exp_path_safe("/srv/%n%s", buf, sizeof(buf)),
	    "/srv/%n%s");
	assert_string_equal(exp_path_safe("/a\nb", buf, sizeof(buf)),
	    "/a\\012b");
	assert_string_equal(exp_path_safe("/a\\b\x7f\xff", buf,
	    sizeof(buf)), "/a\\134b\\177\\377");
	/* shortened, never overflowing */
	assert_int_equal(strlen(exp_path_safe(
	    "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaa", buf, sizeof(buf))), sizeof(buf) - 1);
	assert_non_null(strstr(buf, "..."));
}

static void
test_mnt3_stat(void **state)
{
	(void)state;
	assert_int_equal(mnt3_stat(0), MNT3_OK);
	assert_int_equal(mnt3_stat(-EPERM), MNT3ERR_PERM);
	assert_int_equal(mnt3_stat(-ENOENT), MNT3ERR_NOENT);
	assert_int_equal(mnt3_stat(ENOENT), MNT3ERR_NOENT);
	assert_int_equal(mnt3_stat(-EIO), MNT3ERR_IO);
	assert_int_equal(mnt3_stat(-EACCES), MNT3ERR_ACCES);
	assert_int_equal(mnt3_stat(-EXDEV), MNT3ERR_ACCES);
	assert_int_equal(mnt3_stat(-ELOOP), MNT3ERR_ACCES);
	assert_int_equal(mnt3_stat(-ENOTDIR), MNT3ERR_NOTDIR);
	assert_int_equal(mnt3_stat(-EINVAL), MNT3ERR_INVAL);
	assert_int_equal(mnt3_stat(-ENAMETOOLONG), MNT3ERR_NAMETOOLONG);
	assert_int_equal(mnt3_stat(-EOPNOTSUPP), MNT3ERR_NOTSUPP);
	assert_int_equal(mnt3_stat(-ENOMEM), MNT3ERR_SERVERFAULT);
	assert_int_equal(mnt3_stat(-ESTALE), MNT3ERR_SERVERFAULT);
	assert_int_equal(mnt3_stat(-12345), MNT3ERR_SERVERFAULT);
}

/* ------------------------------------------------------------ rmtab */

static void
test_rmtab_roundtrip(void **state)
{
	struct rmtab_ent in[] = {
		{ "192.0.2.7", "/srv/nfs/home" },
		{ "2001:db8::5", "/srv/nfs/media library" },
		{ "10.0.0.1", "/odd\npath\\with\ttabs\x01\xc3\xa9" },
		{ "10.0.0.1", "/%n%s" },
	};
	struct rmtab_ent *out;
	char *text;
	size_t len, n, i;
	unsigned skipped = 99;

	(void)state;
	assert_int_equal(rmtab_serialize(in, nitems(in), &text, &len), 0);
	assert_int_equal(strlen(text), len);
	/* one line per entry: no path can add a line */
	for (i = n = 0; i < len; i++)
		n += text[i] == '\n';
	assert_int_equal(n, nitems(in));
	assert_non_null(strstr(text, "2001:db8::5 /srv/nfs/media\\040library\n"));
	assert_int_equal(rmtab_parse(text, len, &out, &n, &skipped), 0);
	assert_int_equal(skipped, 0);
	assert_int_equal(n, nitems(in));
	for (i = 0; i < n; i++) {
		assert_string_equal(out[i].host, in[i].host);
		assert_string_equal(out[i].path, in[i].path);
	}
	rmtab_ents_free(out, n);
	free(text);

	/* empty */
	assert_int_equal(rmtab_serialize(in, 0, &text, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(rmtab_parse(text, len, &out, &n, &skipped), 0);
	assert_int_equal(n, 0);
	rmtab_ents_free(out, n);
	free(text);
}

static void
test_rmtab_malformed(void **state)
{
	static const char text[] =
	    "192.0.2.1 /good\n"
	    "\n"					/* blank: ignored */
	    "nospace\n"
	    "host.example.org /srv\n"			/* not numeric */
	    "192.0.2.1 relative\n"
	    "192.0.2.1 \n"
	    " /srv\n"
	    "192.0.2.1 /bad\\9escape\n"
	    "192.0.2.1 /short\\04\n"
	    "192.0.2.1 /nul\\000byte\n"
	    "192.0.2.1 /raw\ttab\n"
	    "192.0.2.1 /two words\n"
	    "300.0.0.1 /srv\n"
	    "::1 /v6\\040ok\n"
	    "192.0.2.2 /last-no-newline";
	struct rmtab_ent *out;
	size_t n;
	unsigned skipped;

	(void)state;
	assert_int_equal(rmtab_parse(text, sizeof(text) - 1, &out, &n,
	    &skipped), 0);
	assert_int_equal(n, 3);
	assert_int_equal(skipped, 11);
	assert_string_equal(out[0].path, "/good");
	assert_string_equal(out[1].host, "::1");
	assert_string_equal(out[1].path, "/v6 ok");
	assert_string_equal(out[2].path, "/last-no-newline");
	rmtab_ents_free(out, n);

	/* an embedded NUL ends nothing and is refused */
	assert_int_equal(rmtab_parse("1.2.3.4 /a\0b\n", 13, &out, &n,
	    &skipped), 0);
	assert_int_equal(n, 0);
	assert_int_equal(skipped, 1);
	rmtab_ents_free(out, n);
}

static void
test_rmtab_file(void **state)
{
	char dir[] = "/tmp/test_mountd.XXXXXX", path[PATH_MAX];
	struct rmtab *rt;
	unsigned skipped;
	char *text;
	size_t len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rmtab", dir);

	assert_int_equal(rmtab_open(path, &rt, &skipped), 0);	/* missing */
	assert_int_equal(rmtab_count(rt), 0);
	assert_int_equal(rmtab_add(rt, "192.0.2.1", "/srv/a"), 0);
	assert_int_equal(rmtab_add(rt, "192.0.2.1", "/srv/a"), 0); /* dup */
	assert_int_equal(rmtab_add(rt, "192.0.2.1", "/srv/b"), 0);
	assert_int_equal(rmtab_add(rt, "192.0.2.2", "/srv/a"), 0);
	assert_int_equal(rmtab_count(rt), 3);
	assert_int_equal(read_file(path, 4096, &text, &len), 0);
	assert_string_equal(text,
	    "192.0.2.1 /srv/a\n192.0.2.1 /srv/b\n192.0.2.2 /srv/a\n");
	free(text);
	assert_int_equal(rmtab_del(rt, "192.0.2.1", "/srv/x"), 0);
	assert_int_equal(rmtab_del(rt, "192.0.2.2", "/srv/a"), 1);
	rmtab_free(rt);

	/* a restart sees what was left */
	assert_int_equal(rmtab_open(path, &rt, &skipped), 0);
	assert_int_equal(skipped, 0);
	assert_int_equal(rmtab_count(rt), 2);
	assert_int_equal(rmtab_del(rt, "192.0.2.1", NULL), 2);	/* UMNTALL */
	assert_int_equal(rmtab_count(rt), 0);
	rmtab_free(rt);
	assert_int_equal(read_file(path, 4096, &text, &len), 0);
	assert_int_equal(len, 0);
	free(text);

	/* a damaged file loads what it can */
	assert_int_equal(atomic_write_file(path, "junk\n1.2.3.4 /ok\n", 17,
	    0644), 0);
	assert_int_equal(rmtab_open(path, &rt, &skipped), 0);
	assert_int_equal(skipped, 1);
	assert_int_equal(rmtab_count(rt), 1);
	rmtab_free(rt);

	unlink(path);
	rmdir(dir);
}

/* ------------------------------------------------------------ tables */

static void
test_tables(void **state)
{
	const struct rpc_program *p = mountd_program();
	static const unsigned want[] = { 7, 8, 6 };
	unsigned v, i;

	(void)state;
	assert_int_equal(p->prog, MOUNT_PROGRAM);
	assert_int_equal(p->nversions, 3);
	for (v = 0; v < p->nversions; v++) {
		assert_int_equal(p->versions[v].vers, v + 1);
		assert_int_equal(p->versions[v].nprocs, want[v]);
		for (i = 0; i < p->versions[v].nprocs; i++) {
			assert_non_null(p->versions[v].procs[i].fn);
			assert_non_null(p->versions[v].procs[i].xdr_args);
			assert_non_null(p->versions[v].procs[i].xdr_res);
		}
	}
	/* index == procedure number */
	for (v = 0; v < 3; v++) {
		const struct rpc_proc *t = p->versions[v].procs;

		assert_ptr_equal(t[MOUNTPROC_NULL].fn, RPC_FN(mountd_null));
		assert_ptr_equal(t[MOUNTPROC_MNT].fn, v == 2 ?
		    RPC_FN(mountd_mnt3) : RPC_FN(mountd_mnt1));
		assert_ptr_equal(t[MOUNTPROC_DUMP].fn, RPC_FN(mountd_dump));
		assert_ptr_equal(t[MOUNTPROC_UMNT].fn, RPC_FN(mountd_umnt));
		assert_ptr_equal(t[MOUNTPROC_UMNTALL].fn,
		    RPC_FN(mountd_umntall));
		assert_ptr_equal(t[MOUNTPROC_EXPORT].fn, RPC_FN(mountd_export));
		assert_ptr_equal(t[MOUNTPROC_MNT].xdr_res, v == 2 ?
		    RPC_XDR(xdr_mountres3) : RPC_XDR(xdr_fhstatus));
	}
	assert_ptr_equal(p->versions[0].procs[MOUNTPROC_EXPORTALL].fn,
	    RPC_FN(mountd_export));
	assert_ptr_equal(p->versions[1].procs[MOUNTPROC_PATHCONF].fn,
	    RPC_FN(mountd_pathconf));
}

/* ------------------------------------------------------------ MNT */

struct fixture {
	char		 dir[64];
	struct mountd	 md;
	struct req	 rq;
};

static void
mkfile(const char *dir, const char *rel, bool isdir)
{
	char p[PATH_MAX];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	if (isdir)
		assert_int_equal(mkdir(p, 0755), 0);
	else {
		assert_non_null(fp = fopen(p, "w"));
		fclose(fp);
	}
}

static int
mnt_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct exp_table *t;
	struct exp_live *l;
	struct exp_err err;
	char text[1024], p[PATH_MAX];

	snprintf(f->dir, sizeof(f->dir), "/tmp/test_mountd.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	mkfile(f->dir, "x", true);
	mkfile(f->dir, "x/sub", true);
	mkfile(f->dir, "x/sub/deep", true);
	mkfile(f->dir, "x/file", false);
	mkfile(f->dir, "y", true);
	mkfile(f->dir, "secret", true);
	snprintf(p, sizeof(p), "%s/x/out", f->dir);
	assert_int_equal(symlink("/etc", p), 0);
	snprintf(p, sizeof(p), "%s/x/up", f->dir);
	assert_int_equal(symlink("../secret", p), 0);
	snprintf(p, sizeof(p), "%s/x/in", f->dir);
	assert_int_equal(symlink("sub/deep", p), 0);
	snprintf(text, sizeof(text),
	    "%s/x 127.0.0.1(rw,insecure) 192.0.2.0/24(ro,sec=krb5p:sys)\n"
	    "%s/y 127.0.0.1(ro)\n", f->dir, f->dir);
	assert_int_equal(exp_parse(text, strlen(text), "t", &t, &err), 0);
	assert_int_equal(exp_live_from_table(t, &l), 0);
	exp_holder_init(&f->md.exports);
	exp_holder_set(&f->md.exports, l);
	mountd_rate_init(&f->md);
	assert_int_equal(fh_key_generate(&f->md.key), 0);
	assert_int_equal(rmtab_open(NULL, &f->md.rmtab, NULL), 0);
	f->rq.ctx = &f->md;
	f->rq.kind = RPC_XPRT_TCP;
	arena_init(&f->rq.arena, 0);
	*state = f;
	return 0;
}

static int
mnt_teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	arena_free(&f->rq.arena);
	exp_holder_destroy(&f->md.exports);
	rmtab_free(f->md.rmtab);
	mountd_rate_destroy(&f->md);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
peer(struct fixture *f, const char *addr, int port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&f->rq.peer;

	memset(&f->rq.peer, 0, sizeof(f->rq.peer));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	assert_int_equal(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
	f->rq.peerlen = sizeof(*sin);
}

static int
mnt(struct fixture *f, const char *rel, int form, struct mountd_mnt_res *r)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s%s", rel[0] == '/' ? "" : f->dir, rel);
	if (rel[0] != '/')
		snprintf(p, sizeof(p), "%s/%s", f->dir, rel);
	return mountd_mnt(&f->md, &f->rq, p, form, r);
}

static void
test_mnt(void **state)
{
	struct fixture *f = *state;
	struct mountd_mnt_res r, r2;
	struct fh_fields ff;
	char want[PATH_MAX];

	peer(f, "127.0.0.1", 40000);	/* insecure is allowed on x */
	assert_int_equal(mnt(f, "x", FH_FORM_V3, &r), 0);
	assert_true(r.fhlen > 0 && r.fhlen <= FH_V3_MAXSIZE);
	assert_int_equal(r.nflavors, 1);
	assert_int_equal(r.flavors[0], 1);
	assert_int_equal(fh_decode(&f->md.key, r.fh, r.fhlen, &ff), 0);
	snprintf(want, sizeof(want), "%s/x", f->dir);
	assert_int_equal(ff.export_id, exp_live_id(want));

	/* beneath the export, with //, /./ and .. inside it */
	assert_int_equal(mnt(f, "x/sub", FH_FORM_V3, &r2), 0);
	assert_memory_not_equal(r.fh, r2.fh, r.fhlen < r2.fhlen ? r.fhlen :
	    r2.fhlen);
	assert_int_equal(mnt(f, "x//sub/./deep/..", FH_FORM_V3, &r), 0);
	assert_int_equal(r.fhlen, r2.fhlen);
	assert_memory_equal(r.fh, r2.fh, r.fhlen);
	snprintf(want, sizeof(want), "%s/x/sub", f->dir);
	assert_string_equal(r.path, want);
	/* a symlink that stays inside is fine */
	assert_int_equal(mnt(f, "x/in", FH_FORM_V3, &r), 0);

	/* version 2: exactly 32 bytes */
	assert_int_equal(mnt(f, "x/sub", FH_FORM_V2, &r), 0);
	assert_int_equal(r.fhlen, FH_V2_SIZE);

	/* out of the export: lexically, and by symlinks */
	assert_int_equal(mnt(f, "x/../secret", FH_FORM_V3, &r), -EACCES);
	assert_int_equal(mnt(f, "x/out", FH_FORM_V3, &r), -EXDEV);
	assert_int_equal(mnt3_stat(-EXDEV), MNT3ERR_ACCES);
	assert_int_equal(mnt(f, "x/up", FH_FORM_V3, &r), -EXDEV);
	assert_int_equal(mnt(f, "/etc", FH_FORM_V3, &r), -EACCES);
	assert_int_equal(mnt(f, "x/../../../../etc", FH_FORM_V3, &r),
	    -EACCES);

	/* not there, not a directory, not absolute, printf characters */
	assert_int_equal(mnt(f, "x/nope", FH_FORM_V3, &r), -ENOENT);
	assert_int_equal(mnt(f, "x/file", FH_FORM_V3, &r), -ENOTDIR);
	assert_int_equal(mountd_mnt(&f->md, &f->rq, "x", FH_FORM_V3, &r),
	    -EINVAL);
	assert_int_equal(mnt(f, "x/%n%n%s%s", FH_FORM_V3, &r), -ENOENT);

	/* secure export from an unprivileged port; then a privileged one */
	assert_int_equal(mnt(f, "y", FH_FORM_V3, &r), -EACCES);
	peer(f, "127.0.0.1", 1023);
	assert_int_equal(mnt(f, "y", FH_FORM_V3, &r), 0);

	/* another client: flavours in sec= order; y is not for it */
	peer(f, "192.0.2.9", 700);
	assert_int_equal(mnt(f, "x", FH_FORM_V3, &r), 0);
	assert_int_equal(r.nflavors, 2);
	assert_int_equal(r.flavors[0], 390005);
	assert_int_equal(r.flavors[1], 1);
	assert_int_equal(mnt(f, "y", FH_FORM_V3, &r), -EACCES);
	peer(f, "198.51.100.1", 700);
	assert_int_equal(mnt(f, "x", FH_FORM_V3, &r), -EACCES);

	/* the mount list recorded the successes, once each */
	assert_int_equal(rmtab_count(f->md.rmtab), 5);
}

static void
test_handlers(void **state)
{
	struct fixture *f = *state;
	char p[PATH_MAX];
	mnt_dirpath a = p;
	mountres3 r3;
	fhstatus r1;
	mnt_mountlist ml = NULL;
	mnt_exports ex = NULL;
	ppathcnf pc;
	mountd_void v = 0;
	int n;

	peer(f, "127.0.0.1", 1000);
	snprintf(p, sizeof(p), "%s/x/sub", f->dir);
	memset(&r3, 0, sizeof(r3));
	assert_int_equal(mountd_mnt3(&f->rq, &a, &r3), DISP_REPLY);
	assert_int_equal(r3.fhs_status, MNT3_OK);
	assert_int_equal(r3.mountres3_u.mountinfo.auth_flavors.auth_flavors_len,
	    1);
	memset(&r1, 0, sizeof(r1));
	assert_int_equal(mountd_mnt1(&f->rq, &a, &r1), DISP_REPLY);
	assert_int_equal(r1.fhs_status, 0);
	snprintf(p, sizeof(p), "%s/x/file", f->dir);
	assert_int_equal(mountd_mnt3(&f->rq, &a, &r3), DISP_REPLY);
	assert_int_equal(r3.fhs_status, MNT3ERR_NOTDIR);
	assert_int_equal(mountd_mnt1(&f->rq, &a, &r1), DISP_REPLY);
	assert_int_equal(r1.fhs_status, ENOTDIR);

	assert_int_equal(mountd_dump(&f->rq, &v, &ml), DISP_REPLY);
	assert_non_null(ml);
	assert_string_equal(ml->ml_hostname, "127.0.0.1");
	assert_null(ml->ml_next);

	snprintf(p, sizeof(p), "%s/x/sub", f->dir);
	assert_int_equal(mountd_pathconf(&f->rq, &a, &pc), DISP_REPLY);
	assert_int_equal(pc.pc_name_max, 255);
	assert_true(pc.pc_link_max > 0);

	/* UMNT of the lexically same path removes it */
	snprintf(p, sizeof(p), "%s/x/./sub/", f->dir);
	assert_int_equal(mountd_umnt(&f->rq, &a, &v), DISP_REPLY);
	assert_int_equal(rmtab_count(f->md.rmtab), 0);
	assert_int_equal(mountd_umntall(&f->rq, &v, &v), DISP_REPLY);

	assert_int_equal(mountd_export(&f->rq, &v, &ex), DISP_REPLY);
	for (n = 0; ex != NULL; ex = ex->ex_next, n++)
		assert_non_null(ex->ex_groups);
	assert_int_equal(n, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_norm),
		cmocka_unit_test(test_path_safe),
		cmocka_unit_test(test_mnt3_stat),
		cmocka_unit_test(test_rmtab_roundtrip),
		cmocka_unit_test(test_rmtab_malformed),
		cmocka_unit_test(test_rmtab_file),
		cmocka_unit_test(test_tables),
		cmocka_unit_test_setup_teardown(test_mnt, mnt_setup,
		    mnt_teardown),
		cmocka_unit_test_setup_teardown(test_handlers, mnt_setup,
		    mnt_teardown),
	};

	log_init(1, "test_mountd");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
