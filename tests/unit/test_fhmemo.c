/* test_fhmemo.c: the per-thread handle MAC memo gives exactly what the
 * codec gives, and a forged handle never hits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "nfsd/fhmemo.h"

static void
fields(struct fh_fields *f, uint32_t id, uint8_t seed)
{
	unsigned i;

	memset(f, 0, sizeof(*f));
	f->export_id = id;
	for (i = 0; i < FH_VOLID_LEN; i++)
		f->volid[i] = (uint8_t)(seed + i);
	f->kh.type = 1;
	f->kh.len = 8;
	for (i = 0; i < 8; i++)
		f->kh.bytes[i] = (uint8_t)(seed * 3 + i);
}

static void
same_as_codec(void **st)
{
	struct fh_key key;
	struct fh_fields f, g, h;
	uint8_t a[FH_MAXSIZE], b[FH_MAXSIZE];
	size_t la, lb;
	int form, seed, round;

	(void)st;
	assert_int_equal(fh_key_generate(&key), 0);
	for (round = 0; round < 2; round++)	/* cold, then from the memo */
		for (form = FH_FORM_V2; form <= FH_FORM_V3; form++)
			for (seed = 0; seed < 50; seed++) {
				fields(&f, 7 + (uint32_t)seed % 3, (uint8_t)seed);
				la = lb = FH_MAXSIZE;
				assert_int_equal(fh_encode(&key, &f, form, a, &la), 0);
				assert_int_equal(fhmemo_encode(&key, &f, form, b,
				    &lb), 0);
				assert_int_equal(la, lb);
				assert_memory_equal(a, b, la);
				assert_int_equal(fh_decode(&key, a, la, &g), 0);
				assert_int_equal(fhmemo_decode(&key, a, la, &h), 0);
				assert_memory_equal(&g, &h, sizeof(g));
			}
}

static void
forgeries_never_hit(void **st)
{
	struct fh_key key;
	struct fh_fields f, g;
	uint8_t a[FH_MAXSIZE], x[FH_MAXSIZE];
	size_t la = FH_MAXSIZE, i;
	unsigned v;

	(void)st;
	assert_int_equal(fh_key_generate(&key), 0);
	fields(&f, 42, 9);
	assert_int_equal(fhmemo_encode(&key, &f, FH_FORM_V3, a, &la), 0);
	assert_int_equal(fhmemo_decode(&key, a, la, &g), 0);	/* remembered */
	for (i = 0; i < la; i++)
		for (v = 1; v < 256; v += 37) {
			memcpy(x, a, la);
			x[i] ^= (uint8_t)v;
			assert_int_equal(fhmemo_decode(&key, x, la, &g), -EBADMSG);
		}
	for (i = 0; i < la; i++)
		assert_int_equal(fhmemo_decode(&key, a, i, &g), -EBADMSG);
	/* the remembered one still decodes */
	assert_int_equal(fhmemo_decode(&key, a, la, &g), 0);
	assert_int_equal(g.export_id, 42);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_codec),
		cmocka_unit_test(forgeries_never_hit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
