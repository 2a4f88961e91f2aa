/* test_fhcache.c: the handle cache gives back exactly what was put for the
 * same object, export and form, nothing for another birth time (a reused
 * inode number), never caches coarse birth times, and stays bounded. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nfsd/fhcache.h"

static const uint8_t vol_a[FH_VOLID_LEN] = "volume-A-0123456";
static const uint8_t vol_b[FH_VOLID_LEN] = "volume-B-0123456";

static struct fhc_key
key(uint64_t ino, int64_t bsec, uint32_t bnsec)
{
	struct fhc_key k;

	memset(&k, 0, sizeof(k));
	k.dev = 0x803;
	k.ino = ino;
	k.btime_sec = bsec;
	k.btime_nsec = bnsec;
	return k;
}

static void
wire(uint8_t *w, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		w[i] = (uint8_t)(seed + 7 * i);
}

static void
hit_and_misses(void **st)
{
	struct fhcache *c = fhcache_new(1024);
	struct fhc_key k = key(12, 1700000000, 123456789), o;
	uint8_t w[40], out[FH_MAXSIZE];
	size_t len;
	uint64_t hits, misses;

	(void)st;
	assert_non_null(c);
	wire(w, sizeof(w), 1);
	len = sizeof(out);
	assert_int_equal(fhcache_get(c, &k, 7, vol_a, 3, out, &len), 0);
	fhcache_put(c, &k, 7, vol_a, 3, w, sizeof(w));
	len = sizeof(out);
	assert_int_equal(fhcache_get(c, &k, 7, vol_a, 3, out, &len), 1);
	assert_int_equal(len, sizeof(w));
	assert_memory_equal(out, w, sizeof(w));
	/* another export, volume or form: not this entry */
	len = sizeof(out);
	assert_int_equal(fhcache_get(c, &k, 8, vol_a, 3, out, &len), 0);
	assert_int_equal(fhcache_get(c, &k, 7, vol_b, 3, out, &len), 0);
	assert_int_equal(fhcache_get(c, &k, 7, vol_a, 2, out, &len), 0);
	/* the inode number reused: a new birth time, never the old handle */
	o = key(12, 1700000000, 123456790);
	assert_int_equal(fhcache_get(c, &o, 7, vol_a, 3, out, &len), 0);
	o = key(12, 1700000001, 123456789);
	assert_int_equal(fhcache_get(c, &o, 7, vol_a, 3, out, &len), 0);
	/* too little room in out: a miss, nothing written past it */
	len = 16;
	assert_int_equal(fhcache_get(c, &k, 7, vol_a, 3, out, &len), 0);
	fhcache_counts(c, &hits, &misses);
	assert_int_equal(hits, 1);
	assert_int_equal(misses, 7);
	fhcache_free(c);
}

static void
coarse_btime_never_cached(void **st)
{
	struct fhcache *c = fhcache_new(256);
	struct fhc_key k = key(99, 1700000000, 0);
	uint8_t w[32], out[FH_MAXSIZE];
	size_t len = sizeof(out);

	(void)st;
	assert_false(fhcache_keyable(&k));
	wire(w, sizeof(w), 3);
	fhcache_put(c, &k, 1, vol_a, 3, w, sizeof(w));
	assert_int_equal(fhcache_get(c, &k, 1, vol_a, 3, out, &len), 0);
	fhcache_free(c);
	/* off: NULL cache answers misses and takes nothing */
	assert_null(fhcache_new(0));
	k.btime_nsec = 5;
	fhcache_put(NULL, &k, 1, vol_a, 3, w, sizeof(w));
	assert_int_equal(fhcache_get(NULL, &k, 1, vol_a, 3, out, &len), 0);
}

/* Many more objects than slots: bounded, every hit is the object's own. */
static void
bounded_and_exact(void **st)
{
	struct fhcache *c = fhcache_new(256);
	uint8_t w[48], out[FH_MAXSIZE];
	size_t len, before;
	unsigned i, hits = 0;

	(void)st;
	before = fhcache_bytes(c);
	assert_true(before > 0 && before < 256 * 256);
	for (i = 0; i < 5000; i++) {
		struct fhc_key k = key(i, 1700000000 + i, 1 + i);

		wire(w, sizeof(w), (uint8_t)i);
		fhcache_put(c, &k, 7, vol_a, 3, w, sizeof(w));
	}
	assert_int_equal(fhcache_bytes(c), before);
	for (i = 0; i < 5000; i++) {
		struct fhc_key k = key(i, 1700000000 + i, 1 + i);

		len = sizeof(out);
		if (fhcache_get(c, &k, 7, vol_a, 3, out, &len)) {
			wire(w, sizeof(w), (uint8_t)i);
			assert_int_equal(len, sizeof(w));
			assert_memory_equal(out, w, sizeof(w));
			hits++;
		}
	}
	assert_true(hits > 0 && hits <= 256);
	fhcache_free(c);
}

/* Two objects in one bucket both stay; a third evicts the one not used
 * last. */
static void
two_ways(void **st)
{
	struct fhcache *c = fhcache_new(256);
	struct fhc_key k[64];
	uint8_t w[32], out[FH_MAXSIZE];
	size_t len;
	unsigned i, n = 0, found;

	(void)st;
	/* the 256-slot table has 128 buckets: among 64 keys put and read at
	 * once, every one must come back (two ways per bucket, at most two
	 * keys that collide are needed for the check to mean something) */
	for (i = 0; i < 64; i++) {
		k[i] = key(1000 + i * 131, 1, 1 + i);
		wire(w, sizeof(w), (uint8_t)i);
		fhcache_put(c, &k[i], 2, vol_a, 3, w, sizeof(w));
		len = sizeof(out);
		assert_int_equal(fhcache_get(c, &k[i], 2, vol_a, 3, out, &len),
		    1);
		if (i > 0) {
			len = sizeof(out);
			n += (unsigned)fhcache_get(c, &k[i - 1], 2, vol_a, 3, out,
			    &len);
		}
	}
	/* the previous key survives the next put unless both went to the
	 * same full bucket whose other way was used more recently: rare */
	assert_true(n >= 60);
	for (i = 0, found = 0; i < 64; i++) {
		len = sizeof(out);
		found += (unsigned)fhcache_get(c, &k[i], 2, vol_a, 3, out, &len);
	}
	assert_true(found >= 40);
	fhcache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hit_and_misses),
		cmocka_unit_test(coarse_btime_never_cached),
		cmocka_unit_test(bounded_and_exact),
		cmocka_unit_test(two_ways),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
