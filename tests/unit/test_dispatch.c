/*
 * test_dispatch.c: every daemon's dispatch tables. The index of an entry
 * is its procedure number (checked against the procedure names the RFCs
 * give, in order), there are no holes, procedure 0 is the void NULL
 * procedure, and versions are listed in ascending order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <strings.h>
#include <cmocka.h>

#include "common/rpc/rpc_srv.h"
#include "mountd/mountd.h"
#include "nfsd/nfsacl.h"
#include "nfsd/nfsd_procs.h"
#include "rpcbind/rpcbd.h"

struct expect {
	uint32_t	 vers;
	const char	*names[24];	/* lower-case fragments of the handler name */
};

static void
check_program(const struct rpc_program *p, const struct expect *ex, size_t nex)
{
	unsigned v, i;

	assert_non_null(p);
	assert_int_equal(p->nversions, nex);
	for (v = 0; v < p->nversions; v++) {
		const struct rpc_version *ver = &p->versions[v];
		unsigned n = 0;

		if (v > 0)
			assert_true(ver->vers > p->versions[v - 1].vers);
		assert_int_equal(ver->vers, ex[v].vers);
		while (ex[v].names[n] != NULL)
			n++;
		assert_int_equal(ver->nprocs, n);
		for (i = 0; i < ver->nprocs; i++) {
			const struct rpc_proc *pd = &ver->procs[i];

			assert_non_null(pd->fn);	/* no holes */
			assert_non_null(pd->name);
			assert_non_null(pd->xdr_args);
			assert_non_null(pd->xdr_res);
			if (strcasestr(pd->name, ex[v].names[i]) == NULL)
				fail_msg("v%u proc %u is %s, expected *%s*",
				    ver->vers, i, pd->name, ex[v].names[i]);
		}
		/* NULL: void in, void out */
		assert_int_equal(ver->procs[0].args_size, 0);
		assert_int_equal(ver->procs[0].res_size, 0);
	}
}

static void
rpcbind_tables(void **st)
{
	static const struct expect ex[] = {
		{ 2, { "null", "set", "unset", "getport", "dump", "callit" } },
		{ 3, { "null", "set", "unset", "getaddr", "dump", "callit",
		       "gettime", "uaddr2taddr", "taddr2uaddr" } },
		{ 4, { "null", "set", "unset", "getaddr", "dump", "callit",
		       "gettime", "uaddr2taddr", "taddr2uaddr", "getversaddr",
		       "indirect", "getaddrlist", "getstat" } },
	};

	(void)st;
	check_program(rpcbd_program(), ex, 3);
	assert_int_equal(rpcbd_program()->prog, 100000);
	assert_true(rpcbd_program()->no_register);
}

static void
mountd_tables(void **st)
{
	static const struct expect ex[] = {
		/* EXPORTALL is EXPORT */
		{ 1, { "null", "mnt", "dump", "umnt", "umntall", "export",
		       "export" } },
		{ 2, { "null", "mnt", "dump", "umnt", "umntall", "export",
		       "export", "pathconf" } },
		{ 3, { "null", "mnt", "dump", "umnt", "umntall", "export" } },
	};

	(void)st;
	check_program(mountd_program(), ex, 3);
	assert_int_equal(mountd_program()->prog, 100005);
}

static void
nfsd_tables(void **st)
{
	static const struct expect ex[] = {
		{ 2, { "null", "getattr", "setattr", "root", "lookup",
		       "readlink", "read", "writecache", "write", "create",
		       "remove", "rename", "link", "symlink", "mkdir", "rmdir",
		       "readdir", "statfs" } },
		{ 3, { "null", "getattr", "setattr", "lookup", "access",
		       "readlink", "read", "write", "create", "mkdir",
		       "symlink", "mknod", "remove", "rmdir", "rename", "link",
		       "readdir", "readdirplus", "fsstat", "fsinfo",
		       "pathconf", "commit" } },
	};
	static const char *const modifying[] = { "setattr", "write",
	    "create", "mkdir", "symlink", "mknod", "remove", "rmdir",
	    "rename", "link" };
	const struct rpc_program *p = nfsd_program(NULL);
	unsigned v, i, k;

	(void)st;
	check_program(p, ex, 2);
	assert_int_equal(p->prog, 100003);
	/* every modifying procedure is refused on read-only exports, and
	 * every non-idempotent one but WRITE goes through the DRC */
	for (v = 0; v < p->nversions; v++)
		for (i = 0; i < p->versions[v].nprocs; i++) {
			const struct rpc_proc *pd = &p->versions[v].procs[i];
			const char *op = strrchr(pd->name, '_');
			bool mod = false;

			op = op != NULL ? op + 1 : pd->name;
			for (k = 0; k < sizeof(modifying) / sizeof(*modifying); k++)
				if (strcasecmp(op, modifying[k]) == 0)
					mod = true;
			if (mod != ((pd->flags & P_WRITE) != 0))
				fail_msg("v%u %s: P_WRITE %s", p->versions[v].vers,
				    pd->name, mod ? "missing" : "unexpected");
			if (mod && strcasecmp(op, "write") != 0 &&
			    !(pd->flags & P_DRC))
				fail_msg("v%u %s: P_DRC missing",
				    p->versions[v].vers, pd->name);
		}
}

/* NFS_ACL: Linux's tables (fs/nfsd/nfs2acl.c, nfs3acl.c), on the NFS
 * program's hooks; SETACL, and only it, is refused on read-only exports;
 * nothing goes through the DRC (knfsd: RC_NOCACHE). */
static void
nfsacl_tables(void **st)
{
	static const struct expect ex[] = {
		{ 2, { "null", "getacl", "setacl", "getattr", "access" } },
		{ 3, { "null", "getacl", "setacl" } },
	};
	const struct rpc_program *p = nfsacl_program(NULL);
	unsigned v, i;

	(void)st;
	check_program(p, ex, 2);
	assert_int_equal(p->prog, 100227);
	assert_string_equal(p->name, "nfs_acl");
	assert_true(p->res_status);
	assert_ptr_equal(p->check, nfsd_program(NULL)->check);
	assert_ptr_equal(p->release, nfsd_program(NULL)->release);
	for (v = 0; v < p->nversions; v++)
		for (i = 0; i < p->versions[v].nprocs; i++) {
			const struct rpc_proc *pd = &p->versions[v].procs[i];
			bool set = strcasestr(pd->name, "setacl") != NULL;

			if (set != ((pd->flags & P_WRITE) != 0))
				fail_msg("v%u %s: P_WRITE %s",
				    p->versions[v].vers, pd->name,
				    set ? "missing" : "unexpected");
			assert_false(pd->flags & P_DRC);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rpcbind_tables),
		cmocka_unit_test(mountd_tables),
		cmocka_unit_test(nfsd_tables),
		cmocka_unit_test(nfsacl_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
