/* test_nfsd_xdr.c: WRITE3args decoded in place, without copying the data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nfsd/nfsd_procs.h"

static size_t
encode(uint8_t *buf, size_t cap, u_int datalen, char *data)
{
	WRITE3args a;
	char fh[8] = "handle!";
	XDR x;

	memset(&a, 0, sizeof(a));
	a.file.data.data_len = sizeof(fh);
	a.file.data.data_val = fh;
	a.offset = 0x123456789ULL;
	a.count = datalen;
	a.stable = DATA_SYNC;
	a.data.data_len = datalen;
	a.data.data_val = data;
	xdrmem_create(&x, (char *)buf, (u_int)cap, XDR_ENCODE);
	assert_true(xdr_WRITE3args(&x, &a));
	return xdr_getpos(&x);
}

static void
decoded_in_place(void **st)
{
	static const u_int lens[] = { 0, 1, 5, 4096, 65535 };
	size_t cap = 70000, n, i;
	uint8_t *buf = malloc(cap);
	char *data = malloc(65536);
	unsigned k;

	(void)st;
	for (i = 0; i < 65536; i++)
		data[i] = (char)(i * 13);
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		WRITE3args a;
		XDR x;

		n = encode(buf, cap, lens[k], data);
		memset(&a, 0, sizeof(a));
		xdrmem_create(&x, (char *)buf, (u_int)n, XDR_DECODE);
		assert_true(xdr_WRITE3args_inline(&x, &a));
		assert_int_equal(xdr_getpos(&x), n);	/* padding consumed */
		assert_int_equal(a.offset, 0x123456789ULL);
		assert_int_equal(a.stable, DATA_SYNC);
		assert_int_equal(a.data.data_len, lens[k]);
		if (lens[k] > 0) {
			/* the data is the record's own bytes */
			assert_true((uint8_t *)a.data.data_val > buf &&
			    (uint8_t *)a.data.data_val < buf + n);
			assert_memory_equal(a.data.data_val, data, lens[k]);
		}
		/* frees the handle only (ASan: no invalid free) */
		xdr_free((xdrproc_t)(void (*)(void))xdr_WRITE3args_inline,
		    (char *)&a);
	}
	free(buf);
	free(data);
}

static void
malformed_refused(void **st)
{
	size_t cap = 9000, n, cut;
	uint8_t *buf = malloc(cap);
	char data[4096];
	WRITE3args a;
	XDR x;

	(void)st;
	memset(data, 'd', sizeof(data));
	n = encode(buf, cap, sizeof(data), data);
	/* every truncation that cuts into the data is refused */
	for (cut = n - 4096; cut < n; cut += 97) {
		memset(&a, 0, sizeof(a));
		xdrmem_create(&x, (char *)buf, (u_int)cut, XDR_DECODE);
		assert_false(xdr_WRITE3args_inline(&x, &a));
		xdr_free((xdrproc_t)(void (*)(void))xdr_WRITE3args_inline,
		    (char *)&a);
	}
	/* a length over NFS3_MAXDATA is refused before anything else */
	n = encode(buf, cap, 4, data);
	buf[n - 8] = 0x7f;	/* the data length word: 0x7f000004 */
	memset(&a, 0, sizeof(a));
	xdrmem_create(&x, (char *)buf, (u_int)n, XDR_DECODE);
	assert_false(xdr_WRITE3args_inline(&x, &a));
	xdr_free((xdrproc_t)(void (*)(void))xdr_WRITE3args_inline, (char *)&a);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decoded_in_place),
		cmocka_unit_test(malformed_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
