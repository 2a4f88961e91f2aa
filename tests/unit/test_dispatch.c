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
#include <strings.h>
#include <cmocka.h>

#include "common/rpc/rpc_srv.h"
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rpcbind_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
