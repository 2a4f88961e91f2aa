/*
 * test_conf.c: the configuration parser and typed key tables.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/atomicio.h"
#include "common/conf.h"

struct vals {
	char	*user;
	long	 threads;
	bool	 warm;
	size_t	 bufsz;
	char	*hosts;
	long	 port;
};

static const struct conf_key keys[] = {
	{ "user", CONF_STR, offsetof(struct vals, user), "nobody", 0, 0,
	    "user to run as" },
	{ "threads", CONF_INT, offsetof(struct vals, threads), "8", 1, 64,
	    "worker threads" },
	{ "warm-start", CONF_BOOL, offsetof(struct vals, warm), "no", 0, 0,
	    NULL },
	{ "buffer_size", CONF_SIZE, offsetof(struct vals, bufsz), "64K",
	    4096, 16LL << 20, "buffer" },
	{ "hosts", CONF_LIST, offsetof(struct vals, hosts), NULL, 0, 0, NULL },
	{ "port", CONF_INT, offsetof(struct vals, port), NULL, 0, 65535, NULL },
	CONF_KEY_END
};

/* Parse text and apply [nfsd]; returns conf_apply's (or conf_parse's) rc. */
static int
apply_text(const char *text, struct vals *v, struct parse_err *err)
{
	struct conf_file *cf = NULL;
	int rc;

	memset(v, 0xa5, sizeof(*v));	/* garbage must not be freed */
	rc = conf_parse("test.conf", text, &cf, err);
	if (rc != 0) {
		assert_null(cf);
		return rc;
	}
	rc = conf_apply(cf, "nfsd", keys, v, err);
	conf_file_free(cf);
	return rc;
}

static void
test_defaults(void **state)
{
	struct parse_err err;
	struct vals v;

	(void)state;
	assert_int_equal(conf_apply(NULL, "nfsd", keys, &v, &err), 0);
	assert_string_equal(v.user, "nobody");
	assert_int_equal(v.threads, 8);
	assert_false(v.warm);
	assert_int_equal(v.bufsz, 64 * 1024);
	assert_non_null(v.hosts);
	assert_string_equal(v.hosts, "");
	assert_int_equal(v.port, 0);	/* NULL default: 0, no range check */
	conf_free_values(keys, &v);
	assert_null(v.user);
	assert_null(v.hosts);
}

static void
test_empty_file(void **state)
{
	struct conf_file *cf = NULL;
	struct parse_err err;
	struct vals v;

	(void)state;
	assert_int_equal(conf_parse("e.conf", "", &cf, &err), 0);
	assert_non_null(cf);
	assert_string_equal(conf_file_path(cf), "e.conf");
	assert_int_equal(conf_apply(cf, "nfsd", keys, &v, &err), 0);
	assert_int_equal(v.threads, 8);
	conf_free_values(keys, &v);
	conf_file_free(cf);

	/* comments and blank lines only */
	assert_int_equal(apply_text("# c\n; c\n\n   \t\n[nfsd]\n", &v, &err),
	    0);
	assert_string_equal(v.user, "nobody");
	conf_free_values(keys, &v);
}

static void
test_values(void **state)
{
	struct parse_err err;
	struct vals v;

	(void)state;
	assert_int_equal(apply_text(
	    "# the server\n"
	    "[global]\n"
	    "whatever = 1\n"		/* other sections are not checked */
	    "[NFSD]\n"
	    "  User = daemon  \n"
	    "THREADS=16\n"
	    "warm_start = Yes\n"
	    "Buffer-Size = 2M\n"
	    "hosts = a, b c\n"
	    "port = 2049 # the usual\n"
	    "[mountd]\n"
	    "threads = 999\n",		/* not ours */
	    &v, &err), 0);
	assert_string_equal(v.user, "daemon");
	assert_int_equal(v.threads, 16);
	assert_true(v.warm);
	assert_int_equal(v.bufsz, 2 * 1024 * 1024);
	assert_string_equal(v.hosts, "a, b c");
	assert_int_equal(v.port, 2049);
	conf_free_values(keys, &v);
}

static void
test_bools(void **state)
{
	static const struct {
		const char	*text;
		bool		 val;
	} t[] = {
		{ "yes", true }, { "no", false }, { "TRUE", true },
		{ "false", false }, { "on", true }, { "Off", false },
		{ "1", true }, { "0", false },
	};
	struct parse_err err;
	struct vals v;
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(buf, sizeof(buf), "[nfsd]\nwarm-start = %s\n",
		    t[i].text);
		assert_int_equal(apply_text(buf, &v, &err), 0);
		assert_int_equal(v.warm, t[i].val);
		conf_free_values(keys, &v);
	}
}

static void
test_quoted(void **state)
{
	struct parse_err err;
	struct vals v;

	(void)state;
	assert_int_equal(apply_text(
	    "[nfsd]\nuser = \"  two words # not a comment ; \"  # comment\n"
	    "hosts = \"a \\\"b\\\" c\\\\\"\n", &v, &err), 0);
	assert_string_equal(v.user, "  two words # not a comment ; ");
	assert_string_equal(v.hosts, "a \"b\" c\\");
	conf_free_values(keys, &v);

	assert_int_equal(apply_text("[nfsd]\nuser = \"\"\n", &v, &err), 0);
	assert_string_equal(v.user, "");
	conf_free_values(keys, &v);

	/* '#' inside a word is part of the value */
	assert_int_equal(apply_text("[nfsd]\nuser = a#b;c\n", &v, &err), 0);
	assert_string_equal(v.user, "a#b;c");
	conf_free_values(keys, &v);

	assert_int_equal(apply_text("[nfsd]\n\nuser = \"abc\n", &v, &err),
	    -EINVAL);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, 8);
	assert_non_null(strstr(err.msg, "unterminated"));

	assert_int_equal(apply_text("[nfsd]\nuser = \"abc\" x\n", &v, &err),
	    -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 14);
}

static void
test_syntax_errors(void **state)
{
	static const struct {
		const char	*text;
		unsigned	 line, col;
		const char	*msg;
	} t[] = {
		{ "[nfsd]\n# ok\nthreads 4\n", 3, 9, "'='" },
		{ "\n\nuser = x\n", 3, 1, "outside" },
		{ "[nfsd\n", 1, 6, "']'" },
		{ "[]\n", 1, 2, "section name" },
		{ "[nfsd] junk\n", 1, 8, "after ']'" },
		{ "[nfsd]\n= 3\n", 2, 1, "key name" },
		{ "[nfsd]\nthr@ads = 3\n", 2, 4, "'='" },
		{ "[nfsd]\nuser = x\n\n[nfsdd]\n", 4, 2, "unknown section" },
		{ "[global]\n[ Bogus ]\n", 2, 3, "[Bogus]" },
	};
	struct conf_file *cf;
	struct parse_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cf = (struct conf_file *)&err;	/* must be reset to NULL */
		assert_int_equal(conf_parse("x.conf", t[i].text, &cf, &err),
		    -EINVAL);
		assert_null(cf);
		if (err.line != t[i].line || err.col != t[i].col ||
		    strstr(err.msg, t[i].msg) == NULL)
			fail_msg("case %zu: got %u:%u: %s", i, err.line,
			    err.col, err.msg);
	}
}

static void
test_known_sections(void **state)
{
	static const char *const names[] = {
		"global", "rpcbind", "mountd", "nfsd", "exportfs", "lockd",
		"statd", "rquotad", "exports", "NfSd",
	};
	struct conf_file *cf;
	struct parse_err err;
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(buf, sizeof(buf), "[%s]\nx = 1\n", names[i]);
		assert_int_equal(conf_parse("x.conf", buf, &cf, &err), 0);
		conf_file_free(cf);
	}
}

static void
test_unknown_key(void **state)
{
	struct parse_err err;
	struct vals v;

	(void)state;
	assert_int_equal(apply_text("[nfsd]\nthreads = 4\n\n  treads = 5\n",
	    &v, &err), -EINVAL);
	assert_int_equal(err.line, 4);
	assert_int_equal(err.col, 3);
	assert_non_null(strstr(err.msg, "unknown key 'treads'"));
	/* nothing left allocated on failure */
	assert_null(v.user);
	assert_null(v.hosts);
}

static void
test_bad_values(void **state)
{
	static const struct {
		const char	*line;
		const char	*msg;
	} t[] = {
		{ "threads = abc", "integer" },
		{ "threads = 4x", "integer" },
		{ "threads =", "integer" },
		{ "threads = 0", "range" },
		{ "threads = 65", "range" },
		{ "threads = -1", "range" },
		{ "threads = 99999999999999999999999", "range" },
		{ "port = 65536", "range" },
		{ "warm-start = maybe", "yes/no" },
		{ "warm-start =", "yes/no" },
		{ "buffer-size = 1T", "size" },
		{ "buffer-size = -4K", "size" },
		{ "buffer-size = 4 K", "size" },
		{ "buffer-size = K", "size" },
		{ "buffer-size = 1K", "range" },	/* below 4096 */
		{ "buffer-size = 17M", "range" },
		{ "buffer-size = 99999999999999999999G", "range" },
	};
	struct parse_err err;
	struct vals v;
	const char *val;
	char buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(buf, sizeof(buf), "[nfsd]\nuser = x\n%s\n", t[i].line);
		if (apply_text(buf, &v, &err) != -EINVAL || err.line != 3 ||
		    strstr(err.msg, t[i].msg) == NULL)
			fail_msg("case '%s': line %u: %s", t[i].line, err.line,
			    err.msg);
		/* the column is where the value starts */
		val = strchr(t[i].line, '=') + 1;
		while (*val == ' ')
			val++;
		assert_int_equal(err.col, val - t[i].line + 1);
		assert_null(v.user);
	}
}

static void
test_ranges_edges(void **state)
{
	struct parse_err err;
	struct vals v;

	(void)state;
	assert_int_equal(apply_text("[nfsd]\nthreads = 1\nbuffer-size = 4096\n"
	    "port = 65535\n", &v, &err), 0);
	assert_int_equal(v.threads, 1);
	assert_int_equal(v.bufsz, 4096);
	assert_int_equal(v.port, 65535);
	conf_free_values(keys, &v);
	assert_int_equal(apply_text("[nfsd]\nthreads = 64\nbuffer-size = 16M\n"
	    "port = 0\n", &v, &err), 0);
	assert_int_equal(v.threads, 64);
	assert_int_equal(v.bufsz, 16 << 20);
	conf_free_values(keys, &v);
	assert_int_equal(apply_text("[nfsd]\nbuffer-size = 8k\n", &v, &err), 0);
	assert_int_equal(v.bufsz, 8192);
	conf_free_values(keys, &v);
}

static void
test_bad_default(void **state)
{
	static const struct conf_key bad[] = {
		{ "n", CONF_INT, 0, "12", 0, 10, NULL },
		CONF_KEY_END
	};
	struct parse_err err;
	long n;

	(void)state;
	assert_int_equal(conf_apply(NULL, "nfsd", bad, &n, &err), -EINVAL);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "default"));
}

static void
test_last_wins_and_overrides(void **state)
{
	struct conf_file *cf;
	struct parse_err err;
	struct vals v;

	(void)state;
	assert_int_equal(conf_parse("o.conf",
	    "[nfsd]\nthreads = 4\nuser = a\n[nfsd]\nthreads = 5\n", &cf, &err),
	    0);
	assert_int_equal(conf_apply(cf, "nfsd", keys, &v, &err), 0);
	assert_int_equal(v.threads, 5);
	assert_string_equal(v.user, "a");
	conf_free_values(keys, &v);

	/* -o overrides come after the file */
	assert_int_equal(conf_add(cf, "nfsd", "THREADS", "6"), 0);
	assert_int_equal(conf_add(cf, "nfsd", "user", " spaced "), 0);
	assert_int_equal(conf_apply(cf, "nfsd", keys, &v, &err), 0);
	assert_int_equal(v.threads, 6);
	assert_string_equal(v.user, " spaced ");
	conf_free_values(keys, &v);

	/* a bad override is reported as the command line, without a line */
	assert_int_equal(conf_add(cf, "nfsd", "threads", "lots"), 0);
	assert_int_equal(conf_apply(cf, "nfsd", keys, &v, &err), -EINVAL);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "command line"));
	assert_non_null(strstr(err.msg, "integer"));
	conf_file_free(cf);

	cf = conf_new();
	assert_non_null(cf);
	assert_int_equal(conf_add(cf, "nfsd", "nosuch", "1"), 0);
	assert_int_equal(conf_apply(cf, "nfsd", keys, &v, &err), -EINVAL);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "command line"));
	assert_non_null(strstr(err.msg, "unknown key 'nosuch'"));
	/* malformed overrides are refused outright */
	assert_int_equal(conf_add(cf, "bogus", "threads", "1"), -EINVAL);
	assert_int_equal(conf_add(cf, "nfsd", "", "1"), -EINVAL);
	assert_int_equal(conf_add(cf, "nfsd", "a b", "1"), -EINVAL);
	assert_int_equal(conf_add(cf, "nfsd", "user", "a\nb"), -EINVAL);
	conf_file_free(cf);
	conf_file_free(NULL);
}

static void
test_load(void **state)
{
	char dir[] = "/tmp/test_conf.XXXXXX", path[256];
	struct conf_file *cf;
	struct parse_err err;
	struct vals v;
	const char *text = "[nfsd]\nthreads = 3\n\nbogus line\n";

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/nfs-suite.conf", dir);

	assert_int_equal(conf_load(path, false, &cf, &err), -ENOENT);
	assert_null(cf);
	assert_int_equal(conf_load(path, true, &cf, &err), 0);
	assert_non_null(cf);
	assert_string_equal(conf_file_path(cf), path);
	assert_int_equal(conf_apply(cf, "nfsd", keys, &v, &err), 0);
	assert_int_equal(v.threads, 8);
	conf_free_values(keys, &v);
	conf_file_free(cf);

	assert_int_equal(atomic_write_file(path, text, strlen(text), 0644), 0);
	assert_int_equal(conf_load(path, true, &cf, &err), -EINVAL);
	assert_null(cf);
	assert_int_equal(err.line, 4);

	assert_int_equal(atomic_write_file(path, text, 20, 0644), 0);
	assert_int_equal(conf_load(path, false, &cf, &err), 0);
	assert_int_equal(conf_apply(cf, "nfsd", keys, &v, &err), 0);
	assert_int_equal(v.threads, 3);
	conf_free_values(keys, &v);
	conf_file_free(cf);

	unlink(path);
	rmdir(dir);
}

static void
test_print_roundtrip(void **state)
{
	struct conf_file *cf;
	struct parse_err err;
	struct vals v, w;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	assert_int_equal(apply_text("[nfsd]\nuser = \" a;b \\\"q\\\" \"\n"
	    "threads = 12\nwarm-start = on\nbuffer-size = 5000\nhosts = x y\n",
	    &v, &err), 0);
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	conf_print(fp, "nfsd", keys, &v);
	fclose(fp);
	assert_non_null(strstr(buf, "[nfsd]\n"));
	assert_non_null(strstr(buf, "# worker threads\nthreads = 12\n"));
	assert_non_null(strstr(buf, "warm-start = yes\n"));
	assert_non_null(strstr(buf, "buffer_size = 5000\n"));
	assert_non_null(strstr(buf, "port = 0\n"));

	/* what -T prints parses back to the same values */
	assert_int_equal(conf_parse("-T", buf, &cf, &err), 0);
	assert_int_equal(conf_apply(cf, "nfsd", keys, &w, &err), 0);
	assert_string_equal(w.user, v.user);
	assert_int_equal(w.threads, 12);
	assert_true(w.warm);
	assert_int_equal(w.bufsz, 5000);
	assert_string_equal(w.hosts, "x y");
	conf_free_values(keys, &w);
	conf_file_free(cf);
	free(buf);
	conf_free_values(keys, &v);

	/* sizes print with a suffix when exact */
	v.user = NULL;
	v.hosts = NULL;
	v.bufsz = 3 << 20;
	buf = NULL;
	fp = open_memstream(&buf, &len);
	conf_print(fp, "nfsd", keys, &v);
	fclose(fp);
	assert_non_null(strstr(buf, "buffer_size = 3M\n"));
	assert_non_null(strstr(buf, "user = \"\"\n"));
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_bools),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_known_sections),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_ranges_edges),
		cmocka_unit_test(test_bad_default),
		cmocka_unit_test(test_last_wins_and_overrides),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_print_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
