/*
 * test_webnfs.c: WebNFS (nfsd/webnfs.c): the public handle's shapes, RFC
 * 2055 path parsing (canonical %-escapes, native paths, absolute paths),
 * export prefix matching, the public export of a table, and the walk of
 * webnfs_lookup() over link-time stubs of vfs.c that record every open
 * and close (no descriptor left open on any path).
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
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

#include "common/exports.h"
#include "common/exports_live.h"
#include "nfsd/nfsd.h"
#include "nfsd/webnfs.h"

/* ---------------------------------------------------------------- stubs */
#define FAKE_FD		10000	/* descriptors below are real */
static int	 nopen, nclose, next_fd = FAKE_FD;
static char	 linkdir[128];		/* real symlinks "link*" live here */
static char	 walked[512];		/* "name|name|..." looked up */
static const char *denied;		/* export path vfs_open_root refuses */
static const char *opened_root;		/* the export it opened last */

int
vfs_open_root(struct req *rq, const struct exp_live_export *ex, int flags,
    struct vnode *vn)
{
	(void)rq;
	(void)flags;
	vn->fd = -1;
	vn->of = NULL;
	if (denied != NULL && strcmp(ex->e->path, denied) == 0)
		return -EACCES;
	opened_root = ex->e->path;
	vn->fd = next_fd++;
	vn->ex = ex;
	memset(&vn->st, 0, sizeof(vn->st));
	vn->st.st_mode = S_IFDIR | 0755;
	vn->st.st_dev = ex->dev;
	vn->st.st_ino = ex->ino;
	nopen++;
	return 0;
}

/* A fake tree: "file*" are files, "missing*" absent, "link*" the real
 * symlinks of that name in linkdir (webnfs.c reads them), anything else a
 * directory. */
int
vfs_lookup(struct req *rq, const struct vnode *dir, const char *name,
    int flags, struct vnode *vn)
{
	(void)rq;
	(void)flags;
	vn->fd = -1;
	vn->of = NULL;
	if (walked[0] != '\0')
		strncat(walked, "|", sizeof(walked) - strlen(walked) - 1);
	strncat(walked, name, sizeof(walked) - strlen(walked) - 1);
	if (!S_ISDIR(dir->st.st_mode))
		return -ENOTDIR;
	if (strncmp(name, "missing", 7) == 0)
		return -ENOENT;
	vn->ex = dir->ex;
	if (strncmp(name, "link", 4) == 0) {
		char path[256];

		snprintf(path, sizeof(path), "%s/%s", linkdir, name);
		if ((vn->fd = open(path, O_PATH | O_NOFOLLOW)) < 0)
			return -errno;
		assert_int_equal(fstat(vn->fd, &vn->st), 0);
		assert_true(S_ISLNK(vn->st.st_mode));
		nopen++;
		return 0;
	}
	memset(&vn->st, 0, sizeof(vn->st));
	vn->st.st_mode = strncmp(name, "file", 4) == 0 ? S_IFREG | 0644 :
	    S_IFDIR | 0755;
	vn->st.st_dev = dir->st.st_dev;
	vn->st.st_ino = (ino_t)next_fd;		/* never an export's root */
	vn->fd = next_fd++;
	nopen++;
	return 0;
}

void
vfs_close(struct vnode *vn)
{
	if (vn->fd >= 0)
		nclose++;
	if (vn->fd >= 0 && vn->fd < FAKE_FD)
		close(vn->fd);
	vn->fd = -1;
	vn->of = NULL;
}

/* ---------------------------------------------------------------- public fh */
static void
public_handle_shapes(void **st)
{
	uint8_t z[64], nz[32];

	(void)st;
	memset(z, 0, sizeof(z));
	memset(nz, 0, sizeof(nz));
	nz[31] = 1;
	assert_true(webnfs_is_public_fh(NFS3_PROGRAM, 3, NULL, 0));
	assert_true(webnfs_is_public_fh(NFS3_PROGRAM, 3, z, 0));
	assert_false(webnfs_is_public_fh(NFS3_PROGRAM, 3, z, 32));
	assert_false(webnfs_is_public_fh(NFS3_PROGRAM, 3, z, 64));
	assert_true(webnfs_is_public_fh(NFS3_PROGRAM, 2, z, 32));
	assert_false(webnfs_is_public_fh(NFS3_PROGRAM, 2, nz, 32));
	assert_false(webnfs_is_public_fh(NFS3_PROGRAM, 2, z, 0));
	assert_false(webnfs_is_public_fh(NFS3_PROGRAM, 2, NULL, 32));
	assert_false(webnfs_is_public_fh(NFS3_PROGRAM, 4, z, 0));
	assert_false(webnfs_is_public_fh(100227, 3, z, 0));	/* NFS_ACL */
}

/* ---------------------------------------------------------------- escapes */
static void
unescape_table(void **st)
{
	static const struct {
		const char *in, *out;
		int rc;
	} t[] = {
		{ "plain", "plain", 0 },
		{ "%41", "A", 0 },
		{ "a%20b", "a b", 0 },
		{ "100%25", "100%", 0 },
		{ "%e2%82%ac", "\xe2\x82\xac", 0 },	/* non-ASCII */
		{ "%7E%7e", "~~", 0 },
		{ "%2e%2e", "..", 0 },
		{ "", "", 0 },
		{ "%2f", NULL, -EACCES },
		{ "a%2Fb", NULL, -EACCES },
		{ "%00", NULL, -EINVAL },
		{ "%", NULL, -EINVAL },
		{ "%4", NULL, -EINVAL },
		{ "a%zz", NULL, -EINVAL },
		{ "%g1", NULL, -EINVAL },
		{ "x%", NULL, -EINVAL },
	};
	char out[64];
	size_t i;

	(void)st;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(out, 'X', sizeof(out));
		assert_int_equal(webnfs_unescape(t[i].in, strlen(t[i].in), out),
		    t[i].rc);
		if (t[i].rc == 0)
			assert_string_equal(out, t[i].out);
	}
	/* only n bytes are read: no NUL needed after them */
	assert_int_equal(webnfs_unescape("%41%42", 3, out), 0);
	assert_string_equal(out, "A");
}

/* ---------------------------------------------------------------- parsing */
static void
expect_path(const char *in, bool native, bool absolute, const char *joined)
{
	struct webnfs_path *p = malloc(sizeof(*p));
	char buf[WEBNFS_PATH_MAX + 64] = "";
	size_t i;

	assert_non_null(p);
	assert_int_equal(webnfs_parse(in, p), 0);
	assert_int_equal(p->native, native);
	assert_int_equal(p->absolute, absolute);
	for (i = 0; i < p->ncomp; i++) {
		if (i > 0)
			strcat(buf, "|");
		strcat(buf, p->comp[i]);
	}
	assert_string_equal(buf, joined);
	free(p);
}

static void
parse_paths(void **st)
{
	struct webnfs_path *p = malloc(sizeof(*p));
	char *big;

	(void)st;
	assert_non_null(p);
	expect_path("a/b/c", false, false, "a|b|c");
	expect_path("a", false, false, "a");
	expect_path("/srv/pub/x", false, true, "srv|pub|x");
	expect_path("a//b///c/", false, false, "a|b|c");
	expect_path("", false, false, "");
	expect_path("/", false, true, "");
	expect_path("///", false, true, "");
	expect_path("../..", false, false, "..|..");
	expect_path("sp%20ace/100%25", false, false, "sp ace|100%");
	expect_path("\x80" "a/lit%41", true, false, "a|lit%41");
	expect_path("\x80" "/srv/x%2fy", true, true, "srv|x%2fy");
	expect_path("\x80", true, false, "");
	expect_path("%80x", false, false, "\x80x");	/* escaped, not native */
	expect_path("\xc3\xa9t\xc3\xa9", false, false, "\xc3\xa9t\xc3\xa9");
	assert_int_equal(webnfs_parse("a%2fb", p), -EACCES);
	assert_int_equal(webnfs_parse("ok/bad%q", p), -EINVAL);
	/* the longest path, and one byte more */
	big = malloc(WEBNFS_PATH_MAX + 2);
	assert_non_null(big);
	memset(big, 'x', WEBNFS_PATH_MAX + 1);
	big[WEBNFS_PATH_MAX + 1] = '\0';
	assert_int_equal(webnfs_parse(big, p), -ENAMETOOLONG);
	big[WEBNFS_PATH_MAX] = '\0';
	assert_int_equal(webnfs_parse(big, p), 0);
	assert_int_equal(p->ncomp, 1);
	/* the most components: "x/x/x/..." */
	for (size_t i = 1; i < WEBNFS_PATH_MAX; i += 2)
		big[i] = '/';
	assert_int_equal(webnfs_parse(big, p), 0);
	assert_int_equal(p->ncomp, WEBNFS_PATH_MAX / 2);
	assert_true(p->ncomp <= WEBNFS_MAXCOMP);
	free(big);
	free(p);
}

static void
prefixes(void **st)
{
	struct webnfs_path p;

	(void)st;
	assert_int_equal(webnfs_parse("/srv/pub/a/b", &p), 0);
	assert_int_equal(webnfs_prefix("/", &p), 0);
	assert_int_equal(webnfs_prefix("/srv", &p), 1);
	assert_int_equal(webnfs_prefix("/srv/pub", &p), 2);
	assert_int_equal(webnfs_prefix("/srv/pub/a/b", &p), 4);
	assert_int_equal(webnfs_prefix("/srv/pub/a/b/c", &p), -1);
	assert_int_equal(webnfs_prefix("/srv/pu", &p), -1);
	assert_int_equal(webnfs_prefix("/srv/public", &p), -1);
	assert_int_equal(webnfs_prefix("/other", &p), -1);
	assert_int_equal(webnfs_parse("/srv/../srv/pub", &p), 0);
	assert_int_equal(webnfs_prefix("/srv/pub", &p), -1);
	assert_int_equal(webnfs_parse("/srv/%70ub/x", &p), 0);	/* decoded */
	assert_int_equal(webnfs_prefix("/srv/pub", &p), 2);
}

/* ---------------------------------------------------------------- tables */
struct fix {
	char		 dir[64];
	char		 a[96], ab[96], c[96], gone[96];
	struct exp_live	*l;
	struct req	 rq;
	struct nfsd_rq	 nr;
};

static struct exp_live *
load(struct fix *f, const char *text)
{
	struct exp_table *t;
	struct exp_err err;
	struct exp_live *l;

	if (exp_parse(text, strlen(text), "exports", &t, &err) != 0) {
		char buf[512];

		fail_msg("%s", exp_err_fmt(&err, buf, sizeof(buf)));
	}
	assert_int_equal(exp_live_from_table(t, &l), 0);
	f->nr.gen = l;
	return l;
}

static void
mklink(const char *target, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", linkdir, name);
	assert_int_equal(symlink(target, path), 0);
}

static int
setup(void **st)
{
	struct fix *f = calloc(1, sizeof(*f));
	char text[1024];

	assert_non_null(f);
	strcpy(f->dir, "/tmp/test_webnfs.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->a, sizeof(f->a), "%s/a", f->dir);
	snprintf(f->ab, sizeof(f->ab), "%s/a/b", f->dir);
	snprintf(f->c, sizeof(f->c), "%s/c", f->dir);
	snprintf(f->gone, sizeof(f->gone), "%s/gone", f->dir);
	assert_int_equal(mkdir(f->a, 0755), 0);
	assert_int_equal(mkdir(f->ab, 0755), 0);
	assert_int_equal(mkdir(f->c, 0755), 0);
	snprintf(linkdir, sizeof(linkdir), "%s/links", f->dir);
	assert_int_equal(mkdir(linkdir, 0755), 0);
	mklink("x/y", "linkrel");
	mklink("../out", "linkup");
	mklink(".", "linkdot");
	mklink("/etc", "linkabs_out");
	mklink("linkloop", "linkloop");
	{
		char dots[2 * 2000 + 1];
		size_t i;

		for (i = 0; i < 2000; i++)
			memcpy(dots + 2 * i, "./", 2);
		dots[2 * 2000 - 1] = '\0';	/* "./././.../." */
		mklink(dots, "linkdots");
	}
	snprintf(text, sizeof(text), "%s/x", f->c);
	mklink(text, "linkabs_in");
	snprintf(text, sizeof(text), "%s/../c/x", f->c);
	mklink(text, "linkabs_dots");
	snprintf(text, sizeof(text),
	    "%s 127.0.0.1(ro)\n%s 127.0.0.1(ro)\n%s 10.0.0.1(ro) 127.0.0.1(ro,public)\n",
	    f->a, f->ab, f->c);
	f->l = load(f, text);
	arena_init(&f->rq.arena, 0);
	f->rq.priv = &f->nr;
	f->rq.prog = NFS3_PROGRAM;
	f->rq.vers = 3;
	nopen = nclose = 0;
	walked[0] = '\0';
	denied = opened_root = NULL;
	*st = f;
	return 0;
}

static int
teardown(void **st)
{
	struct fix *f = *st;

	arena_free(&f->rq.arena);
	exp_live_put(f->l);
	static const char *const links[] = { "linkrel", "linkup", "linkdot",
	    "linkabs_out", "linkloop", "linkabs_in", "linkabs_dots",
	    "linkdots" };
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", linkdir, links[i]);
		unlink(path);
	}
	rmdir(linkdir);
	rmdir(f->ab);
	rmdir(f->a);
	rmdir(f->c);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
public_export_of_table(void **st)
{
	struct fix *f = *st;
	const struct exp_live_export *x;
	struct webnfs_path p;
	struct exp_live *l;
	char text[512], path[256];
	size_t used;

	x = webnfs_public_export(f->l);
	assert_non_null(x);
	assert_string_equal(x->e->path, f->c);	/* any entry may say public */
	/* longest prefix wins; a path beside the exports matches none */
	snprintf(path, sizeof(path), "%s/b/x", f->a);
	assert_int_equal(webnfs_parse(path, &p), 0);
	x = webnfs_export_of(f->l, &p, &used);
	assert_non_null(x);
	assert_string_equal(x->e->path, f->ab);
	assert_int_equal(used, webnfs_prefix(f->ab, &p));
	snprintf(path, sizeof(path), "%s/bb", f->a);
	assert_int_equal(webnfs_parse(path, &p), 0);
	x = webnfs_export_of(f->l, &p, &used);
	assert_non_null(x);
	assert_string_equal(x->e->path, f->a);
	assert_int_equal(webnfs_parse(f->dir, &p), 0);
	assert_null(webnfs_export_of(f->l, &p, &used));
	assert_int_equal(used, 0);
	assert_int_equal(webnfs_parse("/etc/passwd", &p), 0);
	assert_null(webnfs_export_of(f->l, &p, &used));
	assert_null(webnfs_public_export(NULL));

	/* no public entry: none; a public export whose directory is gone:
	 * none either (and never a match for a path) */
	snprintf(text, sizeof(text), "%s 127.0.0.1(ro)\n%s *(public)\n", f->a,
	    f->gone);
	l = load(f, text);
	assert_null(webnfs_public_export(l));
	snprintf(path, sizeof(path), "%s/x", f->gone);
	assert_int_equal(webnfs_parse(path, &p), 0);
	assert_null(webnfs_export_of(l, &p, &used));
	exp_live_put(l);
	f->nr.gen = f->l;
}

/* ---------------------------------------------------------------- the walk */
static int
walk(struct fix *f, const char *path, struct vnode *dir, struct vnode *obj)
{
	int rc;

	*dir = (struct vnode)VNODE_INIT;
	*obj = (struct vnode)VNODE_INIT;
	walked[0] = '\0';
	opened_root = NULL;
	rc = webnfs_lookup(&f->rq, path, dir, obj);
	return rc;
}

static void
done(struct vnode *dir, struct vnode *obj)
{
	vfs_close(obj);
	vfs_close(dir);
	assert_int_equal(nopen, nclose);	/* nothing left open */
}

static void
lookup_walks(void **st)
{
	struct fix *f = *st;
	struct vnode dir, obj;
	char path[256];

	/* relative: from the public export's root, one component at a time */
	assert_int_equal(walk(f, "x/y/file1", &dir, &obj), 0);
	assert_string_equal(opened_root, f->c);
	assert_string_equal(walked, "x|y|file1");
	assert_true(S_ISREG(obj.st.st_mode));
	assert_true(dir.fd >= 0);
	done(&dir, &obj);
	/* escapes decoded, empty components skipped */
	assert_int_equal(walk(f, "x%2e//%41/", &dir, &obj), 0);
	assert_string_equal(walked, "x.|A");
	done(&dir, &obj);
	/* ".." is passed on, for vfs_lookup's rule at the export root */
	assert_int_equal(walk(f, "../../file", &dir, &obj), 0);
	assert_string_equal(walked, "..|..|file");
	done(&dir, &obj);
	/* a failure in the middle: the error, nothing looked up after it */
	assert_int_equal(walk(f, "x/missing/file", &dir, &obj), -ENOENT);
	assert_string_equal(walked, "x|missing");
	assert_int_equal(obj.fd, -1);
	done(&dir, &obj);
	/* through a file: NOTDIR; a symlink at the end: itself */
	assert_int_equal(walk(f, "file/x", &dir, &obj), -ENOTDIR);
	done(&dir, &obj);
	assert_int_equal(walk(f, "x/linkrel", &dir, &obj), 0);
	assert_true(S_ISLNK(obj.st.st_mode));
	assert_string_equal(walked, "x|linkrel");
	done(&dir, &obj);
	/* empty: ACCES, nothing opened */
	assert_int_equal(walk(f, "", &dir, &obj), -EACCES);
	assert_null(opened_root);
	assert_int_equal(walk(f, "//", &dir, &obj), -EACCES);
	done(&dir, &obj);
	/* bad escapes: refused before anything is opened */
	assert_int_equal(walk(f, "a%2fb", &dir, &obj), -EACCES);
	assert_int_equal(walk(f, "a%zz", &dir, &obj), -EINVAL);
	assert_null(opened_root);
	/* native: no decoding */
	assert_int_equal(walk(f, "\x80x/%41", &dir, &obj), 0);
	assert_string_equal(walked, "x|%41");
	done(&dir, &obj);

	/* absolute: from the root of the export it lands in */
	snprintf(path, sizeof(path), "%s/b/x/file", f->a);
	assert_int_equal(walk(f, path, &dir, &obj), 0);
	assert_string_equal(opened_root, f->ab);
	assert_string_equal(walked, "x|file");
	done(&dir, &obj);
	snprintf(path, sizeof(path), "\x80%s/x", f->a);
	assert_int_equal(walk(f, path, &dir, &obj), 0);
	assert_string_equal(opened_root, f->a);
	done(&dir, &obj);
	/* exactly an export's root: "." of it */
	assert_int_equal(walk(f, f->ab, &dir, &obj), 0);
	assert_string_equal(walked, ".");
	done(&dir, &obj);
	/* outside every export: ACCES, nothing opened */
	assert_int_equal(walk(f, "/etc/passwd", &dir, &obj), -EACCES);
	assert_int_equal(walk(f, f->dir, &dir, &obj), -EACCES);
	assert_int_equal(walk(f, "/", &dir, &obj), -EACCES);
	assert_null(opened_root);
	done(&dir, &obj);
	/* the landing export refuses the caller: its answer, no walk */
	denied = f->ab;
	snprintf(path, sizeof(path), "%s/b/file", f->a);
	assert_int_equal(walk(f, path, &dir, &obj), -EACCES);
	assert_string_equal(walked, "");
	assert_int_equal(dir.fd, -1);
	/* ... and so does the public export for relative paths */
	denied = f->c;
	assert_int_equal(walk(f, "file", &dir, &obj), -EACCES);
	assert_int_equal(dir.fd, -1);
	denied = NULL;
	done(&dir, &obj);
}

/* RFC 2055 6.2: links in the middle are followed, inside the export only */
static void
symlinks_in_the_middle(void **st)
{
	struct fix *f = *st;
	struct vnode dir, obj;
	char path[256];

	/* relative: from the link's directory */
	assert_int_equal(walk(f, "linkrel/file1", &dir, &obj), 0);
	assert_string_equal(walked, "linkrel|x|y|file1");
	assert_true(S_ISREG(obj.st.st_mode));
	done(&dir, &obj);
	assert_int_equal(walk(f, "linkdot/linkdot/file", &dir, &obj), 0);
	assert_string_equal(walked, "linkdot|.|linkdot|.|file");
	done(&dir, &obj);
	/* a link's ".." at the export's root leads out: ACCES, no lookup */
	assert_int_equal(walk(f, "linkup/file", &dir, &obj), -EACCES);
	assert_string_equal(walked, "linkup");
	done(&dir, &obj);
	/* below the root it is an ordinary ".." (vfs_lookup's rules) */
	assert_int_equal(walk(f, "x/linkup/file", &dir, &obj), 0);
	assert_string_equal(walked, "x|linkup|..|out|file");
	done(&dir, &obj);
	/* absolute: from the export's root, when under its path */
	assert_int_equal(walk(f, "x/linkabs_in/file", &dir, &obj), 0);
	assert_string_equal(walked, "x|linkabs_in|x|file");
	assert_string_equal(opened_root, f->c);
	done(&dir, &obj);
	assert_int_equal(walk(f, "linkabs_out/passwd", &dir, &obj), -EACCES);
	done(&dir, &obj);
	assert_int_equal(walk(f, "linkabs_dots/file", &dir, &obj), -EACCES);
	done(&dir, &obj);
	/* into another export: no (the walk is in f->a, the link names f->c) */
	snprintf(path, sizeof(path), "%s/linkabs_in/file", f->a);
	assert_int_equal(walk(f, path, &dir, &obj), -EACCES);
	assert_string_equal(opened_root, f->a);
	done(&dir, &obj);
	/* a loop: ELOOP after WEBNFS_MAXLINKS links */
	assert_int_equal(walk(f, "linkloop/x", &dir, &obj), -ELOOP);
	done(&dir, &obj);
	assert_int_equal(walk(f, "linkloop", &dir, &obj), 0);	/* at the end */
	assert_true(S_ISLNK(obj.st.st_mode));
	done(&dir, &obj);
	/* links full of ".": a bound on the lookups of one call */
	nopen = nclose = 0;
	assert_int_equal(walk(f, "linkdots/linkdots/file", &dir, &obj), 0);
	assert_int_equal(nopen, 1 + 1 + 2000 + 1 + 2000 + 1);
	done(&dir, &obj);
	nopen = nclose = 0;
	assert_int_equal(walk(f, "linkdots/linkdots/linkdots/file", &dir, &obj),
	    -ENAMETOOLONG);
	assert_true(nopen <= 1 + WEBNFS_MAXSTEPS);
	done(&dir, &obj);
}

static void
no_public_export(void **st)
{
	struct fix *f = *st;
	struct vnode dir, obj;
	char text[256];

	snprintf(text, sizeof(text), "%s 127.0.0.1(ro)\n", f->a);
	f->nr.gen = load(f, text);
	assert_int_equal(walk(f, "x", &dir, &obj), -EBADMSG);
	/* not even an absolute path: the handle means nothing */
	snprintf(text, sizeof(text), "%s/x", f->a);
	assert_int_equal(walk(f, text, &dir, &obj), -EBADMSG);
	assert_int_equal(nopen, 0);
	exp_live_put(f->nr.gen);
	f->nr.gen = f->l;
}

/* exports(5): at most one public export (checked where entries are parsed,
 * so exportfs and every daemon refuse it, with the file and line). */
static void
one_public_export(void **st)
{
	static const struct {
		const char *text;
		unsigned line;		/* 0: accepted */
	} t[] = {
		{ "/a h1(public)\n/b h1(ro)\n", 0 },
		{ "/a h1(public) h2(public,rw)\n", 0 },	/* same export */
		{ "/a h1(public)\n/a h2(public)\n", 0 },	/* same export */
		{ "/a h1(public)\n/b h1(ro)\n/b h2(public)\n", 3 },
		{ "/a h1(public)\n/b -public h1\n", 2 },	/* line default */
		{ "/a h1(public)\n/b -public\n", 2 },		/* path alone */
		{ "/a h1(ro)\n/b h1(public)\n/c h1(public)\n", 3 },
	};
	struct exp_table *tb;
	struct exp_err err;
	size_t i;

	(void)st;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (t[i].line == 0) {
			assert_int_equal(exp_parse(t[i].text, strlen(t[i].text),
			    "ex", &tb, &err), 0);
			exp_table_free(tb);
			continue;
		}
		assert_int_equal(exp_parse(t[i].text, strlen(t[i].text), "ex",
		    &tb, &err), -EINVAL);
		assert_null(tb);
		assert_int_equal(err.pos.line, t[i].line);
		assert_non_null(strstr(err.pos.msg, "only one export may be public"));
		assert_string_equal(err.file, "ex");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(public_handle_shapes),
		cmocka_unit_test(unescape_table),
		cmocka_unit_test(parse_paths),
		cmocka_unit_test(prefixes),
		cmocka_unit_test_setup_teardown(public_export_of_table, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(lookup_walks, setup, teardown),
		cmocka_unit_test_setup_teardown(symlinks_in_the_middle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(no_public_export, setup,
		    teardown),
		cmocka_unit_test(one_public_export),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
