/*
 * test_nfsd_dir.c: the READDIR/READDIRPLUS pieces of nfsd/cookie.c: the
 * cookie verifier, the XDR size of entries (checked against what libtirpc
 * really encodes) and the reply budget (maxcount, dircount, entry cap).
 */
#include <rpc/rpc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nfsd/cookie.h"
#include "xdr/nfs3.h"

static void
test_verf(void **state)
{
	uint8_t a[NFSD_VERF_LEN], b[NFSD_VERF_LEN], zero[NFSD_VERF_LEN] = { 0 };
	unsigned i;

	(void)state;
	/* stable: same directory, same verifier (also after a restart) */
	nfsd_cookieverf(7, 1234, a);
	nfsd_cookieverf(7, 1234, b);
	assert_memory_equal(a, b, sizeof(a));
	/* another directory or export: another verifier; never zero */
	nfsd_cookieverf(7, 1235, b);
	assert_memory_not_equal(a, b, sizeof(a));
	nfsd_cookieverf(8, 1234, b);
	assert_memory_not_equal(a, b, sizeof(a));
	for (i = 0; i < 10000; i++) {
		nfsd_cookieverf(i, i * 7919, b);
		assert_memory_not_equal(b, zero, sizeof(b));
	}
}

static void
test_cookie_ok(void **state)
{
	uint8_t mine[NFSD_VERF_LEN], other[NFSD_VERF_LEN], zero[NFSD_VERF_LEN] = { 0 };

	(void)state;
	nfsd_cookieverf(3, 99, mine);
	nfsd_cookieverf(3, 100, other);
	/* cookie 0 starts over whatever the verifier */
	assert_true(nfsd_cookie_ok(0, other, 3, 99));
	assert_true(nfsd_cookie_ok(0, zero, 3, 99));
	/* a later cookie needs our verifier, or none */
	assert_true(nfsd_cookie_ok(12345, mine, 3, 99));
	assert_true(nfsd_cookie_ok(12345, zero, 3, 99));
	assert_false(nfsd_cookie_ok(12345, other, 3, 99));
	assert_false(nfsd_cookie_ok(12345, mine, 4, 99));
	/* ext4's end-of-directory cookie is fine, beyond an off_t is not */
	assert_true(nfsd_cookie_ok(0x7fffffffffffffffull, mine, 3, 99));
	assert_false(nfsd_cookie_ok(0x8000000000000000ull, mine, 3, 99));
	assert_false(nfsd_cookie_ok(UINT64_MAX, zero, 3, 99));
}

static u_long
encoded_size(xdrproc_t proc, void *obj)
{
	return xdr_sizeof(proc, obj);
}

/* Our sizes add up to exactly what the encoder writes. */
static void
test_xdr_sizes_readdir(void **state)
{
	READDIR3res res;
	entry3 e[5];
	char names[5][300];
	size_t want;
	unsigned i, len[5] = { 1, 2, 3, 4, 255 };

	(void)state;
	memset(&res, 0, sizeof(res));
	res.status = NFS3_OK;
	res.READDIR3res_u.resok.dir_attributes.attributes_follow = TRUE;
	res.READDIR3res_u.resok.reply.eof = TRUE;
	assert_int_equal(encoded_size((xdrproc_t)xdr_READDIR3res, &res),
	    nfsd_xdr_dir_overhead());
	want = nfsd_xdr_dir_overhead();
	memset(e, 0, sizeof(e));
	for (i = 0; i < 5; i++) {
		memset(names[i], 'a' + i, len[i]);
		names[i][len[i]] = '\0';
		e[i].name = names[i];
		e[i].fileid = i;
		e[i].cookie = 1000 + i;
		e[i].nextentry = i < 4 ? &e[i + 1] : NULL;
		want += nfsd_xdr_entry3(len[i]);
	}
	res.READDIR3res_u.resok.reply.entries = e;
	assert_int_equal(encoded_size((xdrproc_t)xdr_READDIR3res, &res), want);
}

static void
test_xdr_sizes_readdirplus(void **state)
{
	READDIRPLUS3res res;
	entryplus3 e[4];
	char fh[64] = { 0 };
	size_t want;
	unsigned i;

	(void)state;
	memset(&res, 0, sizeof(res));
	memset(e, 0, sizeof(e));
	res.status = NFS3_OK;
	res.READDIRPLUS3res_u.resok.dir_attributes.attributes_follow = TRUE;
	want = nfsd_xdr_dir_overhead();
	for (i = 0; i < 4; i++) {
		bool attrs = i & 1, handle = i & 2;
		int fhlen = handle ? 26 + (int)i : -1;

		e[i].name = (char *)(i == 3 ? "a-longer-name" : "x");
		e[i].name_attributes.attributes_follow = attrs;
		e[i].name_handle.handle_follows = handle;
		if (handle) {
			e[i].name_handle.post_op_fh3_u.handle.data.data_len =
			    (u_int)fhlen;
			e[i].name_handle.post_op_fh3_u.handle.data.data_val = fh;
		}
		e[i].nextentry = i < 3 ? &e[i + 1] : NULL;
		want += nfsd_xdr_entryplus3(strlen(e[i].name), attrs, fhlen);
	}
	res.READDIRPLUS3res_u.resok.reply.entries = e;
	assert_int_equal(encoded_size((xdrproc_t)xdr_READDIRPLUS3res, &res),
	    want);
	/* dircount counts fileid, name and cookie only */
	assert_int_equal(nfsd_xdr_dirbytes(1), 24);
	assert_int_equal(nfsd_xdr_dirbytes(5), 28);
	assert_int_equal(nfsd_xdr_entry3(1), 28);
}

static void
test_budget_maxcount(void **state)
{
	struct nfsd_dirbudget b;
	size_t ov = nfsd_xdr_dir_overhead(), e = nfsd_xdr_entry3(8);

	(void)state;
	/* too small for even an empty reply */
	assert_false(nfsd_dirbudget_init(&b, ov - 1, 0, 100));
	/* exactly three entries */
	assert_true(nfsd_dirbudget_init(&b, ov + 3 * e, 0, 100));
	assert_true(nfsd_dirbudget_take(&b, e, e));
	assert_true(nfsd_dirbudget_take(&b, e, e));
	assert_true(nfsd_dirbudget_take(&b, e, e));
	assert_false(nfsd_dirbudget_take(&b, e, e));
	assert_false(nfsd_dirbudget_take(&b, 1, 1));
	assert_int_equal(b.n, 3);
	assert_int_equal(b.used, ov + 3 * e);
	/* one byte short of the first entry: nothing fits (TOOSMALL) */
	assert_true(nfsd_dirbudget_init(&b, ov + e - 1, 0, 100));
	assert_false(nfsd_dirbudget_take(&b, e, e));
	assert_int_equal(b.n, 0);
	/* a huge entry never wraps the arithmetic */
	assert_true(nfsd_dirbudget_init(&b, 1 << 20, 0, 100));
	assert_false(nfsd_dirbudget_take(&b, SIZE_MAX, 1));
}

static void
test_budget_dircount(void **state)
{
	struct nfsd_dirbudget b;

	(void)state;
	/* dircount 50: the first entry always goes (a hint), then 24 B each */
	assert_true(nfsd_dirbudget_init(&b, 1 << 20, 50, 100));
	assert_true(nfsd_dirbudget_take(&b, 200, 24));
	assert_true(nfsd_dirbudget_take(&b, 200, 24));
	assert_false(nfsd_dirbudget_take(&b, 200, 24));
	assert_int_equal(b.n, 2);
	/* a first entry larger than dircount, then nothing more */
	assert_true(nfsd_dirbudget_init(&b, 1 << 20, 10, 100));
	assert_true(nfsd_dirbudget_take(&b, 200, 24));
	assert_false(nfsd_dirbudget_take(&b, 200, 4));
	/* dircount 0: no limit but maxcount */
	assert_true(nfsd_dirbudget_init(&b, 1 << 20, 0, 100));
	assert_true(nfsd_dirbudget_take(&b, 200, 1 << 19));
	assert_true(nfsd_dirbudget_take(&b, 200, 1 << 19));
}

static void
test_budget_entry_cap(void **state)
{
	struct nfsd_dirbudget b;
	unsigned i;

	(void)state;
	/* a 100k-entry directory comes in bounded slices */
	assert_true(nfsd_dirbudget_init(&b, SIZE_MAX / 2, 0, NFSD_DIR_MAXENT));
	for (i = 0; i < NFSD_DIR_MAXENT; i++)
		assert_true(nfsd_dirbudget_take(&b, 28, 24));
	assert_false(nfsd_dirbudget_take(&b, 28, 24));
	assert_int_equal(b.n, NFSD_DIR_MAXENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verf),
		cmocka_unit_test(test_cookie_ok),
		cmocka_unit_test(test_xdr_sizes_readdir),
		cmocka_unit_test(test_xdr_sizes_readdirplus),
		cmocka_unit_test(test_budget_maxcount),
		cmocka_unit_test(test_budget_dircount),
		cmocka_unit_test(test_budget_entry_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
