/* test_recmark.c: TCP record marking: fragments, caps, empty fragments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "common/rpc/recmark.h"

static size_t
put_frag(uint8_t *p, const char *data, uint32_t len, int last)
{
	uint32_t h = len | (last ? RM_LAST_FRAG : 0);

	p[0] = h >> 24; p[1] = h >> 16; p[2] = h >> 8; p[3] = h;
	memcpy(p + 4, data, len);
	return 4 + len;
}

static void
single_record(void **st)
{
	struct recmark rm;
	uint8_t buf[64];
	size_t n = put_frag(buf, "hello", 5, 1), used, len;
	uint8_t *r;

	(void)st;
	recmark_init(&rm, 1024);
	assert_int_equal(recmark_feed(&rm, buf, n, &used), RM_RECORD);
	assert_int_equal(used, n);
	r = recmark_take(&rm, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(r, "hello", 5);
	free(r);
	recmark_free(&rm);
}

static void
multi_fragment_byte_by_byte(void **st)
{
	struct recmark rm;
	uint8_t buf[128];
	size_t n = 0, i, used, len;
	uint8_t *r = NULL;
	int rc = RM_NEED;

	(void)st;
	n += put_frag(buf + n, "abc", 3, 0);
	n += put_frag(buf + n, "", 0, 0);
	n += put_frag(buf + n, "defg", 4, 0);
	n += put_frag(buf + n, "h", 1, 1);
	recmark_init(&rm, 1024);
	for (i = 0; i < n; i++) {
		rc = recmark_feed(&rm, buf + i, 1, &used);
		assert_int_equal(used, 1);
		if (i < n - 1)
			assert_int_equal(rc, RM_NEED);
	}
	assert_int_equal(rc, RM_RECORD);
	r = recmark_take(&rm, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(r, "abcdefgh", 8);
	free(r);
	recmark_free(&rm);
}

static void
two_records_in_one_read(void **st)
{
	struct recmark rm;
	uint8_t buf[64];
	size_t n = 0, used, len;
	uint8_t *r;

	(void)st;
	n += put_frag(buf + n, "one", 3, 1);
	n += put_frag(buf + n, "two!", 4, 1);
	recmark_init(&rm, 1024);
	assert_int_equal(recmark_feed(&rm, buf, n, &used), RM_RECORD);
	assert_int_equal(used, 7);
	r = recmark_take(&rm, &len);
	assert_memory_equal(r, "one", 3);
	free(r);
	assert_int_equal(recmark_feed(&rm, buf + used, n - used, &used), RM_RECORD);
	r = recmark_take(&rm, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(r, "two!", 4);
	free(r);
	recmark_free(&rm);
}

static void
huge_mark_refused_without_allocating(void **st)
{
	struct recmark rm;
	uint8_t buf[8] = { 0x7f, 0xff, 0xff, 0xff, 1, 2, 3, 4 };
	size_t used;

	(void)st;
	recmark_init(&rm, 65536);
	assert_int_equal(recmark_feed(&rm, buf, sizeof(buf), &used), -EMSGSIZE);
	assert_null(rm.buf);
	recmark_free(&rm);
}

static void
cap_over_several_fragments(void **st)
{
	struct recmark rm;
	static uint8_t buf[3 * (4 + 400)];
	char data[400];
	size_t n = 0, used;

	(void)st;
	memset(data, 'x', sizeof(data));
	n += put_frag(buf + n, data, 400, 0);
	n += put_frag(buf + n, data, 400, 0);
	n += put_frag(buf + n, data, 400, 1);
	recmark_init(&rm, 1000);
	assert_int_equal(recmark_feed(&rm, buf, n, &used), -EMSGSIZE);
	/* nothing was buffered past the cap */
	assert_true(rm.cap <= 1000);
	recmark_free(&rm);
}

static void
exactly_at_cap_ok(void **st)
{
	struct recmark rm;
	static uint8_t buf[4 + 1000];
	static char data[1000];
	size_t n, used, len;
	uint8_t *r;

	(void)st;
	n = put_frag(buf, data, 1000, 1);
	recmark_init(&rm, 1000);
	assert_int_equal(recmark_feed(&rm, buf, n, &used), RM_RECORD);
	r = recmark_take(&rm, &len);
	assert_int_equal(len, 1000);
	free(r);
	recmark_free(&rm);
}

static void
many_empty_fragments_refused(void **st)
{
	struct recmark rm;
	uint8_t buf[4 * 100];
	size_t n = 0, used;
	int i;

	(void)st;
	for (i = 0; i < 100; i++)
		n += put_frag(buf + n, "", 0, 0);
	recmark_init(&rm, 1 << 20);
	assert_int_equal(recmark_feed(&rm, buf, n, &used), -EPROTO);
	recmark_free(&rm);
}

static void
empty_record(void **st)
{
	struct recmark rm;
	uint8_t buf[4];
	size_t used, len;
	uint8_t *r;

	(void)st;
	put_frag(buf, "", 0, 1);
	recmark_init(&rm, 1024);
	assert_int_equal(recmark_feed(&rm, buf, 4, &used), RM_RECORD);
	r = recmark_take(&rm, &len);
	assert_int_equal(len, 0);
	free(r);
	recmark_free(&rm);
}

static void
memory_grows_with_data_not_claims(void **st)
{
	struct recmark rm;
	uint8_t buf[4 + 10];
	size_t used;
	uint32_t h = 60000;	/* claims 60000 bytes, sends 10 */

	(void)st;
	buf[0] = 0x80 | (h >> 24); buf[1] = h >> 16; buf[2] = h >> 8; buf[3] = h;
	memset(buf + 4, 'z', 10);
	recmark_init(&rm, 65536);
	assert_int_equal(recmark_feed(&rm, buf, sizeof(buf), &used), RM_NEED);
	assert_true(rm.cap < 4096);
	assert_int_equal(recmark_pending(&rm), 10);
	recmark_free(&rm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single_record),
		cmocka_unit_test(multi_fragment_byte_by_byte),
		cmocka_unit_test(two_records_in_one_read),
		cmocka_unit_test(huge_mark_refused_without_allocating),
		cmocka_unit_test(cap_over_several_fragments),
		cmocka_unit_test(exactly_at_cap_ok),
		cmocka_unit_test(many_empty_fragments_refused),
		cmocka_unit_test(empty_record),
		cmocka_unit_test(memory_grows_with_data_not_claims),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
