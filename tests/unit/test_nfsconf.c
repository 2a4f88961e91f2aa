/*
 * test_nfsconf.c: reading nfs-utils' nfs.conf beside the suite's file:
 * the lenient parse, y/n booleans, the import's precedence and the
 * sources --print-config shows.
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
#include <cmocka.h>

#include "common/conf.h"
#include "common/nfsconf.h"

static const char nfs_text[] =
    "#\n"
    "# nfs-common's, more or less\n"
    "[general]\n"
    "pipefs-directory=/run/rpc_pipefs\n"
    "[nfsd]\n"
    "threads=3\n"
    "port=0\n"
    "UDP=y\n"
    "vers4.1=n\n"
    "host=127.0.0.1, ::1\n"
    "[mountd]\n"
    "manage-gids=y\n"
    "threads=0\n"
    "port=4000\n"
    "[exportd \"sub\"]\n"
    "threads=9\n"
    "[lockd]\n"
    "port=4001\n";

struct vals {
	long	 threads, port;
	bool	 udp, tcp, manage_gids;
	char	*bind;
};

#define K(n, t, f, d) { n, t, offsetof(struct vals, f), d, 0, 0, NULL }
static const struct conf_key keys[] = {
	K("threads", CONF_INT, threads, "8"),
	K("port", CONF_INT, port, "2049"),
	K("udp", CONF_BOOL, udp, "no"),
	K("tcp", CONF_BOOL, tcp, "yes"),
	K("manage-gids", CONF_BOOL, manage_gids, "no"),
	K("bind", CONF_LIST, bind, NULL),
	CONF_KEY_END
};
#undef K

static void
test_foreign_parse(void **state)
{
	struct conf_file *nfs;
	struct parse_err err;
	unsigned line = 0;

	(void)state;
	assert_int_equal(conf_parse_foreign("/etc/nfs.conf", nfs_text, &nfs,
	    &err), 0);
	/* keys case-insensitive, '.' allowed, unknown sections kept */
	assert_string_equal(conf_get(nfs, "nfsd", "udp", &line), "y");
	assert_int_equal(line, 8);
	assert_string_equal(conf_get(nfs, "NFSD", "vers4.1", NULL), "n");
	assert_string_equal(conf_get(nfs, "general", "pipefs-directory",
	    NULL), "/run/rpc_pipefs");
	/* a subsection is not its section */
	assert_null(conf_get(nfs, "exportd", "threads", NULL));
	assert_null(conf_get(nfs, "nfsd", "tcp", NULL));
	conf_file_free(nfs);
	/* the suite's own parser stays strict */
	assert_int_equal(conf_parse("x.conf", nfs_text, &nfs, &err), -EINVAL);
	assert_int_equal(err.line, 3);
	/* a foreign file's syntax errors are still errors */
	assert_int_equal(conf_parse_foreign("n.conf", "[nfsd\n", &nfs, &err),
	    -EINVAL);
	assert_int_equal(err.line, 1);
	/* missing: empty */
	assert_int_equal(conf_load_foreign("/nonexistent/nfs.conf", &nfs,
	    &err), 0);
	assert_null(conf_get(nfs, "nfsd", "threads", NULL));
	conf_file_free(nfs);
}

static void
test_import(void **state)
{
	struct conf_file *cf, *nfs;
	struct parse_err err;
	struct vals v;
	char buf[256];

	(void)state;
	assert_int_equal(conf_parse("/etc/nfs-suite.conf",
	    "[global]\nstate-dir = /x\n[nfsd]\nthreads = 5\n", &cf, &err), 0);
	assert_int_equal(conf_parse_foreign("/etc/nfs.conf", nfs_text, &nfs,
	    &err), 0);
	assert_int_equal(conf_add(cf, "nfsd", "tcp", "no"), 0);
	/* udp, bind, manage-gids; not threads (the suite's file), not
	 * port (0 there: the default) */
	assert_int_equal(nfsconf_import(cf, nfs, "nfsd"), 3);
	assert_int_equal(conf_apply(cf, "nfsd", keys, &v, &err), 0);
	assert_int_equal(v.threads, 5);
	assert_int_equal(v.port, 2049);
	assert_true(v.udp);		/* "y" */
	assert_false(v.tcp);		/* command line */
	assert_true(v.manage_gids);	/* [mountd] manage-gids */
	assert_string_equal(v.bind, "127.0.0.1, ::1");
	conf_free_values(keys, &v);
	assert_string_equal(conf_source(cf, "nfsd", "threads", buf,
	    sizeof(buf)), "/etc/nfs-suite.conf:4");
	assert_string_equal(conf_source(cf, "nfsd", "udp", buf, sizeof(buf)),
	    "/etc/nfs.conf:8 [nfsd] udp");
	assert_string_equal(conf_source(cf, "nfsd", "manage-gids", buf,
	    sizeof(buf)), "/etc/nfs.conf:12 [mountd] manage-gids");
	assert_string_equal(conf_source(cf, "nfsd", "tcp", buf, sizeof(buf)),
	    "command line");
	assert_string_equal(conf_source(cf, "nfsd", "port", buf, sizeof(buf)),
	    "default");
	/* importing again adds nothing */
	assert_int_equal(nfsconf_import(cf, nfs, "nfsd"), 0);
	/* mountd: port 4000, threads=0 is the default; udp from [nfsd] */
	assert_int_equal(nfsconf_import(cf, nfs, "mountd"), 2);
	assert_string_equal(conf_get(cf, "mountd", "port", NULL), "4000");
	assert_null(conf_get(cf, "mountd", "threads", NULL));
	assert_string_equal(conf_get(cf, "mountd", "udp", NULL), "y");
	assert_int_equal(nfsconf_import(cf, nfs, "lockd"), 1);
	assert_int_equal(nfsconf_import(cf, nfs, "rpcbind"), 0);
	conf_file_free(nfs);
	conf_file_free(cf);
}

static void
test_bad_imported_value(void **state)
{
	struct conf_file *cf, *nfs;
	struct parse_err err;
	struct vals v;

	(void)state;
	cf = conf_new();
	assert_non_null(cf);
	assert_int_equal(conf_parse_foreign("/etc/nfs.conf",
	    "[nfsd]\nthreads = lots\n", &nfs, &err), 0);
	assert_int_equal(nfsconf_import(cf, nfs, "nfsd"), 1);
	assert_int_equal(conf_apply(cf, "nfsd", keys, &v, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "/etc/nfs.conf:2 [nfsd] threads"));
	assert_non_null(strstr(err.msg, "lots"));
	conf_file_free(nfs);
	conf_file_free(cf);
}

static void
test_yn_bools(void **state)
{
	static const char *const yes[] = { "y", "Y", "yes", "on", "1" };
	static const char *const no[] = { "n", "N", "no", "off", "0" };
	struct conf_file *cf;
	struct parse_err err;
	struct vals v;
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		cf = conf_new();
		assert_int_equal(conf_add(cf, "nfsd", "udp", yes[i]), 0);
		assert_int_equal(conf_add(cf, "nfsd", "tcp", no[i]), 0);
		assert_int_equal(conf_apply(cf, "nfsd", keys, &v, &err), 0);
		assert_true(v.udp);
		assert_false(v.tcp);
		conf_free_values(keys, &v);
		conf_file_free(cf);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_foreign_parse),
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_bad_imported_value),
		cmocka_unit_test(test_yn_bools),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
