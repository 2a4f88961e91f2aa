/*
 * test_fh.c: the file handle codec (common/fh.c) and its Linux side
 * (common/fh_resolve.c).  The resolution tests use real files under /tmp
 * (ext4 here) and /dev/shm (tmpfs) and need CAP_DAC_READ_SEARCH; without
 * it they are skipped.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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

#include "common/fh.h"
#include "common/fh_resolve.h"

#define EXPORT_A	0x0a0a0a0au
#define EXPORT_B	0x0b0b0b0bu

static const uint8_t vol_a[FH_VOLID_LEN] = "volume-A-0123456";
static const uint8_t vol_b[FH_VOLID_LEN] = "volume-B-0123456";

static void
hex(const char *s, uint8_t *out, size_t n)
{
	size_t i;
	unsigned v;

	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = v;
	}
}

static void
test_key(struct fh_key *key, uint8_t seed)
{
	uint8_t raw[FH_KEY_LEN];
	size_t i;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = seed + i;
	fh_key_init(key, raw);
}

static void
fields(struct fh_fields *f, uint32_t export_id, const uint8_t *vol,
    int type, unsigned klen)
{
	unsigned i;

	memset(f, 0, sizeof(*f));
	f->export_id = export_id;
	memcpy(f->volid, vol, FH_VOLID_LEN);
	f->kh.type = type;
	f->kh.len = klen;
	for (i = 0; i < klen && i < FH_KHANDLE_MAX; i++)
		f->kh.bytes[i] = 0x40 + i * 7;
}

/* ---------------------------------------------------------------- SHA/HMAC */

static void
test_sha256_kat(void **state)
{
	static const struct {
		const char *msg, *digest;
	} kat[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	uint8_t d[32], want[32];
	char *million;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		fh_sha256(kat[i].msg, strlen(kat[i].msg), d);
		hex(kat[i].digest, want, 32);
		assert_memory_equal(d, want, 32);
	}
	million = malloc(1000000);
	assert_non_null(million);
	memset(million, 'a', 1000000);
	fh_sha256(million, 1000000, d);
	hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	    want, 32);
	assert_memory_equal(d, want, 32);
	free(million);
}

/* The KATs above ran through the SHA extensions where the CPU has them:
 * the portable compression must agree with them block for block. */
static void
test_sha256_impls(void **state)
{
	(void)state;
	assert_int_not_equal(fh_sha256_selftest(), -1);
}

static void
test_hmac_kat(void **state)
{
	/* Expected values from Python's hmac module. */
	static const char *want_hex[] = {
		"d38b42096d80f45f826b44a9d5607de72496a415d3f4a1a8c88e3bb9da8dc1cb",
		"85b2bb64346d8b90af4dd03b6f4f4d2d7d6125bf8b53f9f1ff46b3216bfc406b",
		"c4d78316aa3de9ce6bd0b2e61c4f4dd6bdf0ec95aab84ab87fc2a11903991ad3",
	};
	const char *fox = "The quick brown fox jumps over the lazy dog";
	uint8_t raw[FH_KEY_LEN], msg[200], d[32], want[32];
	struct fh_key key;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(raw); i++)
		raw[i] = i;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = i;
	fh_key_init(&key, raw);
	fh_hmac(&key, "", 0, d);
	hex(want_hex[0], want, 32);
	assert_memory_equal(d, want, 32);
	fh_hmac(&key, "nfs-suite", 9, d);
	hex(want_hex[1], want, 32);
	assert_memory_equal(d, want, 32);
	fh_hmac(&key, msg, sizeof(msg), d);
	hex(want_hex[2], want, 32);
	assert_memory_equal(d, want, 32);

	memset(raw, 0xff, sizeof(raw));
	fh_key_init(&key, raw);
	fh_hmac(&key, fox, strlen(fox), d);
	hex("e4f0e896a3196a716c87def2d0f8e05be78f89d9846888428064a08895825816",
	    want, 32);
	assert_memory_equal(d, want, 32);
}

/* ---------------------------------------------------------------- codec */

static void
assert_same_fields(const struct fh_fields *in, const struct fh_fields *out,
    int form)
{
	assert_int_equal(out->form, form);
	assert_int_equal(out->export_id, in->export_id);
	assert_int_equal(out->kh.type, in->kh.type);
	assert_int_equal(out->kh.len, in->kh.len);
	assert_memory_equal(out->kh.bytes, in->kh.bytes, in->kh.len);
	assert_int_equal(out->vol_hash, fh_volid_hash(in->volid));
	if (form == FH_FORM_V3)
		assert_memory_equal(out->volid, in->volid, FH_VOLID_LEN);
}

static void
test_roundtrip(void **state)
{
	static const unsigned klens[] = { 1, 8, 12, 16, 20, 28 };
	struct fh_fields in, out;
	struct fh_key key;
	uint8_t buf[FH_MAXSIZE];
	size_t len, i;

	(void)state;
	test_key(&key, 1);
	for (i = 0; i < sizeof(klens) / sizeof(klens[0]); i++) {
		fields(&in, EXPORT_A, vol_a, 1, klens[i]);
		len = sizeof(buf);
		assert_int_equal(fh_encode(&key, &in, FH_FORM_V3, buf, &len), 0);
		assert_int_equal(len, 36 + klens[i]);
		assert_true(len <= FH_V3_MAXSIZE);
		assert_int_equal(fh_decode(&key, buf, len, &out), 0);
		assert_same_fields(&in, &out, FH_FORM_V3);
		assert_int_equal(fh_match_export(&out, EXPORT_A, vol_a), 0);

		len = sizeof(buf);
		if (klens[i] > FH_V2_KHANDLE_MAX) {
			assert_int_equal(fh_encode(&key, &in, FH_FORM_V2, buf,
			    &len), -EOVERFLOW);
			continue;
		}
		assert_int_equal(fh_encode(&key, &in, FH_FORM_V2, buf, &len), 0);
		assert_int_equal(len, FH_V2_SIZE);
		assert_int_equal(fh_decode(&key, buf, len, &out), 0);
		assert_same_fields(&in, &out, FH_FORM_V2);
		assert_int_equal(fh_match_export(&out, EXPORT_A, vol_a), 0);
	}
	/* The ext4 handle: 44 bytes for v3, 32 for v2. */
	fields(&in, EXPORT_A, vol_a, 1, 8);
	len = sizeof(buf);
	assert_int_equal(fh_encode(&key, &in, FH_FORM_V3, buf, &len), 0);
	assert_int_equal(len, 44);
	/* Deterministic: the same fields give the same bytes. */
	{
		uint8_t again[FH_MAXSIZE];
		size_t alen = sizeof(again);

		assert_int_equal(fh_encode(&key, &in, FH_FORM_V3, again, &alen), 0);
		assert_int_equal(alen, len);
		assert_memory_equal(again, buf, len);
	}
}

static void
test_encode_limits(void **state)
{
	struct fh_fields in;
	struct fh_key key;
	uint8_t buf[FH_MAXSIZE];
	size_t len;

	(void)state;
	test_key(&key, 1);
	fields(&in, EXPORT_A, vol_a, 1, FH_KHANDLE_MAX + 1);
	len = sizeof(buf);
	assert_int_equal(fh_encode(&key, &in, FH_FORM_V3, buf, &len), -EOVERFLOW);
	fields(&in, EXPORT_A, vol_a, 1, 13);
	len = sizeof(buf);
	assert_int_equal(fh_encode(&key, &in, FH_FORM_V2, buf, &len), -EOVERFLOW);
	fields(&in, EXPORT_A, vol_a, 1, 0);
	len = sizeof(buf);
	assert_int_equal(fh_encode(&key, &in, FH_FORM_V3, buf, &len), -EINVAL);
	fields(&in, EXPORT_A, vol_a, 256, 8);
	len = sizeof(buf);
	assert_int_equal(fh_encode(&key, &in, FH_FORM_V3, buf, &len), -EINVAL);
	fields(&in, EXPORT_A, vol_a, 1, 8);
	len = sizeof(buf);
	assert_int_equal(fh_encode(&key, &in, 4, buf, &len), -EINVAL);
	len = 43;
	assert_int_equal(fh_encode(&key, &in, FH_FORM_V3, buf, &len), -ENOBUFS);
	len = 31;
	assert_int_equal(fh_encode(&key, &in, FH_FORM_V2, buf, &len), -ENOBUFS);
}

/* Encode one handle of each interesting shape. */
struct shape {
	int		form;
	unsigned	klen;
};
static const struct shape shapes[] = {
	{ FH_FORM_V3, 8 }, { FH_FORM_V3, 12 }, { FH_FORM_V3, 28 },
	{ FH_FORM_V3, 1 }, { FH_FORM_V2, 8 }, { FH_FORM_V2, 12 },
	{ FH_FORM_V2, 1 },
};

static size_t
make_handle(const struct fh_key *key, const struct shape *s, uint8_t *buf)
{
	struct fh_fields in;
	size_t len = FH_MAXSIZE;

	fields(&in, EXPORT_A, vol_a, 1, s->klen);
	assert_int_equal(fh_encode(key, &in, s->form, buf, &len), 0);
	return len;
}

static void
test_truncation(void **state)
{
	struct fh_fields out;
	struct fh_key key;
	uint8_t buf[FH_MAXSIZE], *copy;
	size_t len, l, i, n = 0;

	(void)state;
	test_key(&key, 1);
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		len = make_handle(&key, &shapes[i], buf);
		for (l = 0; l < len; l++) {
			/* An exact-size heap copy, so ASan sees any overread. */
			copy = malloc(l ? l : 1);
			assert_non_null(copy);
			memcpy(copy, buf, l);
			assert_int_equal(fh_decode(&key, copy, l, &out), -EBADMSG);
			free(copy);
			n++;
		}
	}
	print_message("truncations rejected: %zu\n", n);
}

static void
test_flips(void **state)
{
	struct fh_fields out;
	struct fh_key key;
	uint8_t buf[FH_MAXSIZE];
	size_t len, pos, i, n = 0;
	unsigned x;

	(void)state;
	test_key(&key, 1);
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		len = make_handle(&key, &shapes[i], buf);
		assert_int_equal(fh_decode(&key, buf, len, &out), 0);
		for (pos = 0; pos < len; pos++) {
			for (x = 1; x < 256; x++) {
				buf[pos] ^= x;
				assert_int_equal(fh_decode(&key, buf, len, &out),
				    -EBADMSG);
				buf[pos] ^= x;
				n++;
			}
		}
		assert_int_equal(fh_decode(&key, buf, len, &out), 0);
	}
	print_message("flipped handles rejected: %zu\n", n);
}

static void
test_extension(void **state)
{
	static const uint8_t fill[] = { 0x00, 0x01, 0x80, 0xff };
	struct fh_fields out;
	struct fh_key key;
	uint8_t buf[FH_MAXSIZE + 16];
	size_t len, extra, i, j, n = 0;

	(void)state;
	test_key(&key, 1);
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		len = make_handle(&key, &shapes[i], buf);
		for (extra = 1; len + extra <= sizeof(buf); extra++) {
			for (j = 0; j < sizeof(fill); j++) {
				memset(buf + len, fill[j], extra);
				assert_int_equal(fh_decode(&key, buf, len + extra,
				    &out), -EBADMSG);
				n++;
			}
		}
	}
	print_message("extended handles rejected: %zu\n", n);
}

static void
test_random_garbage(void **state)
{
	struct fh_fields out;
	struct fh_key key;
	uint8_t buf[FH_MAXSIZE];
	size_t len, i, j;

	(void)state;
	test_key(&key, 1);
	srandom(12345);
	for (i = 0; i < 100000; i++) {
		len = random() % (FH_MAXSIZE + 1);
		for (j = 0; j < len; j++)
			buf[j] = random();
		/* Half of them get a plausible header. */
		if (len >= 4 && (i & 1)) {
			buf[0] = FH_VERSION;
			buf[1] = (i & 2) ? FH_FORM_V3 : FH_FORM_V2;
			buf[3] = (i & 2) ? len - 36 : buf[3] % 13;
		}
		assert_int_equal(fh_decode(&key, buf, len, &out), -EBADMSG);
	}
}

static void
test_wrong_key(void **state)
{
	struct fh_fields out;
	struct fh_key key, other;
	uint8_t buf[FH_MAXSIZE];
	size_t len, i;

	(void)state;
	test_key(&key, 1);
	test_key(&other, 2);
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		len = make_handle(&key, &shapes[i], buf);
		assert_int_equal(fh_decode(&other, buf, len, &out), -EBADMSG);
		assert_int_equal(fh_decode(&key, buf, len, &out), 0);
	}
	/* A key differing in its last byte only. */
	{
		uint8_t raw[FH_KEY_LEN];

		memcpy(raw, key.raw, sizeof(raw));
		raw[FH_KEY_LEN - 1] ^= 1;
		fh_key_init(&other, raw);
		len = make_handle(&key, &shapes[0], buf);
		assert_int_equal(fh_decode(&other, buf, len, &out), -EBADMSG);
	}
}

static void
test_other_export(void **state)
{
	struct fh_fields in, out;
	struct fh_key key;
	uint8_t buf[FH_MAXSIZE];
	size_t len;
	int form;

	(void)state;
	test_key(&key, 1);
	for (form = FH_FORM_V2; form <= FH_FORM_V3; form++) {
		fields(&in, EXPORT_A, vol_a, 1, 8);
		len = sizeof(buf);
		assert_int_equal(fh_encode(&key, &in, form, buf, &len), 0);
		assert_int_equal(fh_decode(&key, buf, len, &out), 0);
		assert_int_equal(fh_match_export(&out, EXPORT_A, vol_a), 0);
		/* Presented for export B (other id, other volume, or both). */
		assert_int_equal(fh_match_export(&out, EXPORT_B, vol_b), -ESTALE);
		assert_int_equal(fh_match_export(&out, EXPORT_B, vol_a), -ESTALE);
		assert_int_equal(fh_match_export(&out, EXPORT_A, vol_b), -ESTALE);
		/* Rewriting the export id on the wire breaks the MAC. */
		buf[4] = 0x0b; buf[5] = 0x0b; buf[6] = 0x0b; buf[7] = 0x0b;
		assert_int_equal(fh_decode(&key, buf, len, &out), -EBADMSG);
	}
}

/* ---------------------------------------------------------------- files */

static char tmpdir[64];
static char shmdir[64];	/* test_tmpfs's, removed by teardown_export */

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(p);
}

static int
setup_tmp(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test_fh.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown_tmp(void **state)
{
	(void)state;
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (shmdir[0] != '\0')
		nftw(shmdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	shmdir[0] = '\0';
	return 0;
}

static void
path_in(char *out, const char *rel)
{
	snprintf(out, PATH_MAX, "%s/%s", tmpdir, rel);
}

static void
test_key_file(void **state)
{
	char path[PATH_MAX];
	struct fh_key k1, k2;
	struct stat st;
	DIR *d;
	struct dirent *de;
	int fd, n;

	(void)state;
	path_in(path, "fh.key");
	assert_int_equal(fh_key_load_or_create(path, &k1), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, FH_KEY_LEN);
	assert_int_equal(fh_key_load_or_create(path, &k2), 0);
	assert_memory_equal(&k1, &k2, sizeof(k1));
	/* No temp file is left behind. */
	d = opendir(tmpdir);
	assert_non_null(d);
	n = 0;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	assert_int_equal(n, 1);

	/* Insecure permissions are refused, whichever bit. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(fh_key_load_or_create(path, &k2), -EPERM);
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(fh_key_load_or_create(path, &k2), -EPERM);
	assert_int_equal(chmod(path, 0620), 0);
	assert_int_equal(fh_key_load_or_create(path, &k2), -EPERM);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(fh_key_load_or_create(path, &k2), 0);
	assert_memory_equal(k1.raw, k2.raw, FH_KEY_LEN);
	assert_int_equal(chmod(path, 0600), 0);

	/* Wrong size, either way. */
	assert_int_equal(truncate(path, FH_KEY_LEN - 1), 0);
	assert_int_equal(fh_key_load_or_create(path, &k2), -EINVAL);
	assert_int_equal(truncate(path, FH_KEY_LEN + 1), 0);
	assert_int_equal(fh_key_load_or_create(path, &k2), -EINVAL);
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(fh_key_load_or_create(path, &k2), -EINVAL);

	/* A symlink is refused, a directory too. */
	assert_int_equal(unlink(path), 0);
	path_in(path, "fh.key.target");
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, k1.raw, FH_KEY_LEN), FH_KEY_LEN);
	close(fd);
	path_in(path, "fh.link");
	assert_int_equal(symlink("fh.key.target", path), 0);
	assert_int_equal(fh_key_load_or_create(path, &k2), -EPERM);
	path_in(path, "fh.dir");
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(fh_key_load_or_create(path, &k2), -EPERM);

	/* A missing directory is an error, not a crash. */
	path_in(path, "nodir/fh.key");
	assert_int_equal(fh_key_load_or_create(path, &k2), -ENOENT);
}

/* Several processes starting at once end up with one key. */
static void
test_key_race(void **state)
{
	enum { NPROC = 6 };
	char path[PATH_MAX];
	uint8_t got[NPROC][FH_KEY_LEN];
	struct fh_key key;
	pid_t pids[NPROC];
	int fds[NPROC][2], i, st;

	(void)state;
	path_in(path, "race.key");
	for (i = 0; i < NPROC; i++) {
		assert_int_equal(pipe(fds[i]), 0);
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			if (fh_key_load_or_create(path, &key) != 0)
				_exit(1);
			if (write(fds[i][1], key.raw, FH_KEY_LEN) != FH_KEY_LEN)
				_exit(2);
			_exit(0);
		}
		close(fds[i][1]);
	}
	for (i = 0; i < NPROC; i++) {
		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		assert_int_equal(read(fds[i][0], got[i], FH_KEY_LEN), FH_KEY_LEN);
		close(fds[i][0]);
	}
	assert_int_equal(fh_key_load_or_create(path, &key), 0);
	for (i = 0; i < NPROC; i++)
		assert_memory_equal(got[i], key.raw, FH_KEY_LEN);
}

static void
test_volid_fsid(void **state)
{
	uint8_t v[FH_VOLID_LEN], w[FH_VOLID_LEN];
	static const uint8_t uuid[FH_VOLID_LEN] = {
		0x07, 0x34, 0xdd, 0x3c, 0xbb, 0xb4, 0x48, 0x8c,
		0x9e, 0xd8, 0xe8, 0xf9, 0x4c, 0x3d, 0x43, 0xe9,
	};

	(void)state;
	assert_int_equal(fh_volid_from_fsid("1234", v), 0);
	assert_int_equal(v[12], 0); assert_int_equal(v[13], 0);
	assert_int_equal(v[14], 0x04); assert_int_equal(v[15], 0xd2);
	assert_int_equal(fh_volid_from_fsid("1235", w), 0);
	assert_memory_not_equal(v, w, FH_VOLID_LEN);
	assert_int_equal(fh_volid_from_fsid("root", v), 0);
	assert_int_equal(fh_volid_from_fsid("0", w), 0);
	assert_memory_equal(v, w, FH_VOLID_LEN);
	assert_int_equal(fh_volid_from_fsid("0734dd3c-bbb4-488c-9ed8-e8f94c3d43e9",
	    v), 0);
	assert_memory_equal(v, uuid, FH_VOLID_LEN);
	assert_int_equal(fh_volid_from_fsid("0734DD3CBBB4488C9ED8E8F94C3D43E9",
	    w), 0);
	assert_memory_equal(w, uuid, FH_VOLID_LEN);
	assert_int_equal(fh_volid_from_fsid("", v), -EINVAL);
	assert_int_equal(fh_volid_from_fsid("4294967296", v), -EINVAL);
	assert_int_equal(fh_volid_from_fsid("0734dd3c-bbb4-488c-9ed8-e8f94c3d43e", v),
	    -EINVAL);
	assert_int_equal(fh_volid_from_fsid("0734dd3c-bbb4-488c-9ed8-e8f94c3d43e9a",
	    v), -EINVAL);
	assert_int_equal(fh_volid_from_fsid("0734dd3c-bbb4-488c-9ed8-e8f94c3d43eg",
	    v), -EINVAL);
	assert_int_equal(fh_volid_from_fsid("12ab", v), -EINVAL);
	assert_int_equal(fh_volid_from_fsid("-1", v), -EINVAL);
}

/* ---------------------------------------------------------------- resolve */

/* An export rooted at tmpdir/export, with siblings outside it. */
struct exp {
	int		root_fd;
	dev_t		dev;
	ino_t		ino;
	uint8_t		volid[FH_VOLID_LEN];
	struct fh_key	key;
	char		keypath[PATH_MAX];
};

static int
exp_open(struct exp *e)
{
	char path[PATH_MAX];
	struct stat st;

	path_in(path, "export");
	e->root_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(e->root_fd >= 0);
	assert_int_equal(fstat(e->root_fd, &st), 0);
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	assert_int_equal(fh_volid_for_path(path, NULL, e->volid), 0);
	path_in(e->keypath, "state.key");
	return fh_key_load_or_create(e->keypath, &e->key);
}

static void
exp_close(struct exp *e)
{
	close(e->root_fd);
	fh_key_clear(&e->key);
	memset(e, 0, sizeof(*e));
}

static int
setup_export(void **state)
{
	char path[PATH_MAX];
	struct fh_khandle kh;
	struct exp *e;

	if (setup_tmp(state) != 0)
		return -1;
	path_in(path, "export");
	mkdir(path, 0755);
	path_in(path, "export/d1");
	mkdir(path, 0755);
	path_in(path, "export/d2");
	mkdir(path, 0755);
	path_in(path, "outside");
	mkdir(path, 0755);
	e = calloc(1, sizeof(*e));
	if (e == NULL || exp_open(e) != 0)
		return -1;
	*state = e;
	/* Needs root with CAP_DAC_READ_SEARCH; skip the group otherwise. */
	if (fh_from_fd(e->root_fd, &kh, NULL) == 0) {
		int fd = -1;

		if (fh_open(e->root_fd, &kh, O_PATH, &fd, NULL) == -EPERM)
			e->root_fd = -e->root_fd - 1;	/* marks "skip" */
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

static int
teardown_export(void **state)
{
	struct exp *e = *state;

	if (e != NULL) {
		if (e->root_fd < 0)
			e->root_fd = -e->root_fd - 1;
		exp_close(e);
		free(e);
	}
	return teardown_tmp(state);
}

static struct exp *
get_exp(void **state)
{
	struct exp *e = *state;

	if (e->root_fd < 0)
		skip();
	return e;
}

static void
touch(const char *rel)
{
	char path[PATH_MAX];
	int fd;

	path_in(path, rel);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
}

/* Issue a wire handle for rel (relative to the export root). */
static size_t
issue(struct exp *e, const char *rel, int form, uint8_t *buf, ino_t *inop)
{
	struct fh_fields f;
	struct stat st;
	size_t len = FH_MAXSIZE;

	memset(&f, 0, sizeof(f));
	assert_int_equal(fh_from_path(e->root_fd, rel, &f.kh, NULL), 0);
	f.export_id = EXPORT_A;
	memcpy(f.volid, e->volid, FH_VOLID_LEN);
	assert_int_equal(fh_encode(&e->key, &f, form, buf, &len), 0);
	if (inop != NULL) {
		assert_int_equal(fstatat(e->root_fd, rel, &st,
		    AT_SYMLINK_NOFOLLOW), 0);
		*inop = st.st_ino;
	}
	return len;
}

/* What nfsd does with a wire handle; returns 0 and an fd, or -errno. */
static int
resolve(struct exp *e, const uint8_t *buf, size_t len, int *fdp,
    struct stat *st)
{
	struct fh_fields f;
	int rc;

	*fdp = -1;
	if ((rc = fh_decode(&e->key, buf, len, &f)) != 0)
		return rc;
	if ((rc = fh_match_export(&f, EXPORT_A, e->volid)) != 0)
		return rc;
	if ((rc = fh_open(e->root_fd, &f.kh, O_PATH, fdp, st)) != 0)
		return rc;
	if ((rc = fh_in_export(*fdp, e->dev, e->ino)) != 0) {
		close(*fdp);
		*fdp = -1;
	}
	return rc;
}

static void
test_ext4_handle_shape(void **state)
{
	struct exp *e = get_exp(state);
	struct fh_khandle kh;
	struct stat st;
	uint32_t ino;

	touch("export/shape");
	assert_int_equal(fh_from_path(e->root_fd, "shape", &kh, NULL), 0);
	assert_int_equal(fstatat(e->root_fd, "shape", &st, 0), 0);
	print_message("/tmp handle: type %d, %u bytes\n", kh.type, kh.len);
	if (kh.type == 1 && kh.len == 8) {
		/* ext4 FILEID_INO32_GEN: host-endian inode number first. */
		memcpy(&ino, kh.bytes, 4);
		assert_int_equal(ino, (uint32_t)st.st_ino);
	}
	/* The same object through an fd gives the same handle. */
	{
		struct fh_khandle kh2;
		int fd = openat(e->root_fd, "shape", O_PATH | O_CLOEXEC);

		assert_true(fd >= 0);
		assert_int_equal(fh_from_fd(fd, &kh2, NULL), 0);
		assert_int_equal(kh2.type, kh.type);
		assert_int_equal(kh2.len, kh.len);
		assert_memory_equal(kh2.bytes, kh.bytes, kh.len);
		close(fd);
	}
}

static void
test_rename_keeps_handle(void **state)
{
	struct exp *e = get_exp(state);
	uint8_t h3[FH_MAXSIZE], h2[FH_MAXSIZE];
	size_t l3, l2;
	struct stat st;
	ino_t ino;
	int fd;

	touch("export/d1/f");
	l3 = issue(e, "d1/f", FH_FORM_V3, h3, &ino);
	l2 = issue(e, "d1/f", FH_FORM_V2, h2, NULL);
	assert_int_equal(resolve(e, h3, l3, &fd, &st), 0);
	assert_int_equal(st.st_ino, ino);
	close(fd);

	assert_int_equal(renameat(e->root_fd, "d1/f", e->root_fd, "d1/g"), 0);
	assert_int_equal(resolve(e, h3, l3, &fd, &st), 0);
	assert_int_equal(st.st_ino, ino);
	close(fd);

	assert_int_equal(renameat(e->root_fd, "d1/g", e->root_fd, "d2/h"), 0);
	assert_int_equal(resolve(e, h3, l3, &fd, &st), 0);
	assert_int_equal(st.st_ino, ino);
	close(fd);
	assert_int_equal(resolve(e, h2, l2, &fd, &st), 0);
	assert_int_equal(st.st_ino, ino);
	close(fd);

	/* Open for reading through the handle too. */
	{
		struct fh_fields f;

		assert_int_equal(fh_decode(&e->key, h3, l3, &f), 0);
		assert_int_equal(fh_open(e->root_fd, &f.kh, O_RDONLY, &fd, &st), 0);
		assert_int_equal(st.st_ino, ino);
		assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
	}

	assert_int_equal(unlinkat(e->root_fd, "d2/h", 0), 0);
	assert_int_equal(resolve(e, h3, l3, &fd, &st), -ESTALE);
	assert_int_equal(fd, -1);
	assert_int_equal(resolve(e, h2, l2, &fd, &st), -ESTALE);
}

static void
test_deleted_but_open(void **state)
{
	struct exp *e = get_exp(state);
	uint8_t h[FH_MAXSIZE];
	size_t l;
	int keep, fd;

	touch("export/d1/held");
	l = issue(e, "d1/held", FH_FORM_V3, h, NULL);
	keep = openat(e->root_fd, "d1/held", O_RDONLY | O_CLOEXEC);
	assert_true(keep >= 0);
	assert_int_equal(unlinkat(e->root_fd, "d1/held", 0), 0);
	/* The kernel would still open it; fh_open says STALE. */
	assert_int_equal(resolve(e, h, l, &fd, NULL), -ESTALE);
	close(keep);
	assert_int_equal(resolve(e, h, l, &fd, NULL), -ESTALE);

	/* A removed directory is STALE as well. */
	assert_int_equal(mkdirat(e->root_fd, "d1/gone", 0755), 0);
	l = issue(e, "d1/gone", FH_FORM_V3, h, NULL);
	assert_int_equal(resolve(e, h, l, &fd, NULL), 0);
	close(fd);
	assert_int_equal(unlinkat(e->root_fd, "d1/gone", AT_REMOVEDIR), 0);
	assert_int_equal(resolve(e, h, l, &fd, NULL), -ESTALE);
}

static void
test_inode_reuse(void **state)
{
	enum { BOUND = 4000 };
	struct exp *e = get_exp(state);
	struct fh_khandle old_kh, kh;
	uint8_t h[FH_MAXSIZE];
	char name[64];
	struct stat st;
	ino_t old_ino;
	size_t l;
	int i, n, fd, reused = -1;

	assert_int_equal(mkdirat(e->root_fd, "reuse", 0755), 0);
	touch("export/reuse/victim");
	l = issue(e, "reuse/victim", FH_FORM_V3, h, &old_ino);
	assert_int_equal(fh_from_path(e->root_fd, "reuse/victim", &old_kh, NULL), 0);
	assert_int_equal(unlinkat(e->root_fd, "reuse/victim", 0), 0);
	assert_int_equal(resolve(e, h, l, &fd, NULL), -ESTALE);

	for (n = 0; n < BOUND; n++) {
		snprintf(name, sizeof(name), "reuse/n%d", n);
		fd = openat(e->root_fd, name, O_CREAT | O_EXCL | O_WRONLY |
		    O_CLOEXEC, 0644);
		assert_true(fd >= 0);
		assert_int_equal(fstat(fd, &st), 0);
		close(fd);
		assert_int_equal(fh_from_path(e->root_fd, name, &kh, NULL), 0);
		/* Every new file gets a handle the old one is not. */
		assert_false(kh.len == old_kh.len && kh.type == old_kh.type &&
		    memcmp(kh.bytes, old_kh.bytes, kh.len) == 0);
		if (st.st_ino == old_ino) {
			reused = n;
			break;
		}
	}
	if (reused >= 0) {
		print_message("inode %lu reused after %d creates; old handle "
		    "still STALE\n", (unsigned long)old_ino, reused + 1);
		if (kh.type == 1 && kh.len == 8) {
			/* Same inode number, different generation. */
			assert_memory_equal(kh.bytes, old_kh.bytes, 4);
			assert_memory_not_equal(kh.bytes + 4, old_kh.bytes + 4, 4);
		}
	} else
		print_message("inode not reused within %d creates; handles "
		    "differ\n", BOUND);
	assert_int_equal(resolve(e, h, l, &fd, NULL), -ESTALE);
	for (i = 0; i <= n && i < BOUND; i++) {
		snprintf(name, sizeof(name), "reuse/n%d", i);
		unlinkat(e->root_fd, name, 0);
	}
}

static void
test_containment(void **state)
{
	struct exp *e = get_exp(state);
	uint8_t h[FH_MAXSIZE];
	struct fh_fields f;
	char path[PATH_MAX];
	size_t l;
	int fd, ofd, dfd, probe;

	probe = dup(0);		/* the lowest free fd, to catch leaks */
	close(probe);
	/* The export root and a deep directory are inside. */
	l = issue(e, ".", FH_FORM_V3, h, NULL);
	assert_int_equal(resolve(e, h, l, &fd, NULL), 0);
	close(fd);
	assert_int_equal(mkdirat(e->root_fd, "a", 0755), 0);
	assert_int_equal(mkdirat(e->root_fd, "a/b", 0755), 0);
	assert_int_equal(mkdirat(e->root_fd, "a/b/c", 0755), 0);
	l = issue(e, "a/b/c", FH_FORM_V3, h, NULL);
	assert_int_equal(resolve(e, h, l, &fd, NULL), 0);
	close(fd);

	/* Deep, but within FH_WALK_MAX. */
	{
		int i, cur = dup(e->root_fd), next;
		struct fh_fields g;

		for (i = 0; i < 300; i++) {
			assert_int_equal(mkdirat(cur, "d", 0755), 0);
			next = openat(cur, "d", O_PATH | O_DIRECTORY | O_CLOEXEC);
			assert_true(next >= 0);
			close(cur);
			cur = next;
		}
		memset(&g, 0, sizeof(g));
		g.export_id = EXPORT_A;
		memcpy(g.volid, e->volid, FH_VOLID_LEN);
		assert_int_equal(fh_from_fd(cur, &g.kh, NULL), 0);
		close(cur);
		l = sizeof(h);
		assert_int_equal(fh_encode(&e->key, &g, FH_FORM_V3, h, &l), 0);
		assert_int_equal(resolve(e, h, l, &fd, NULL), 0);
		close(fd);
	}
	l = issue(e, "a/b/c", FH_FORM_V3, h, NULL);

	/* A directory moved out of the export is rejected... */
	path_in(path, "outside");
	ofd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(ofd >= 0);
	assert_int_equal(renameat(e->root_fd, "a/b", ofd, "b"), 0);
	assert_int_equal(resolve(e, h, l, &fd, NULL), -ESTALE);
	/* ...and accepted again once it is moved back. */
	assert_int_equal(renameat(ofd, "b", e->root_fd, "d2/b"), 0);
	assert_int_equal(resolve(e, h, l, &fd, NULL), 0);
	close(fd);

	/*
	 * Handles for objects in the sibling directory, MAC'd for this
	 * export as if we had issued them (a client cannot make these).
	 */
	assert_int_equal(mkdirat(ofd, "sub", 0755), 0);
	memset(&f, 0, sizeof(f));
	f.export_id = EXPORT_A;
	memcpy(f.volid, e->volid, FH_VOLID_LEN);
	assert_int_equal(fh_from_path(ofd, "sub", &f.kh, NULL), 0);
	l = sizeof(h);
	assert_int_equal(fh_encode(&e->key, &f, FH_FORM_V3, h, &l), 0);
	assert_int_equal(resolve(e, h, l, &fd, NULL), -ESTALE);
	/* The sibling directory itself and the parent of the export. */
	assert_int_equal(fh_from_fd(ofd, &f.kh, NULL), 0);
	l = sizeof(h);
	assert_int_equal(fh_encode(&e->key, &f, FH_FORM_V3, h, &l), 0);
	assert_int_equal(resolve(e, h, l, &fd, NULL), -ESTALE);
	assert_int_equal(fh_from_path(e->root_fd, "..", &f.kh, NULL), 0);
	l = sizeof(h);
	assert_int_equal(fh_encode(&e->key, &f, FH_FORM_V3, h, &l), 0);
	assert_int_equal(resolve(e, h, l, &fd, NULL), -ESTALE);
	/* The filesystem root. */
	assert_int_equal(fh_from_path(AT_FDCWD, "/", &f.kh, NULL), 0);
	l = sizeof(h);
	assert_int_equal(fh_encode(&e->key, &f, FH_FORM_V3, h, &l), 0);
	assert_int_equal(resolve(e, h, l, &fd, NULL), -ESTALE);

	/*
	 * A file outside: a non-directory has no ".." to walk, so the check
	 * is the device only (knfsd no_subtree_check).  What keeps clients
	 * from naming it is the MAC: the same kernel handle under another
	 * key, or rewrapped for another export, never decodes or matches.
	 */
	dfd = openat(ofd, "secret", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
	    0600);
	assert_true(dfd >= 0);
	close(dfd);
	assert_int_equal(fh_from_path(ofd, "secret", &f.kh, NULL), 0);
	{
		struct fh_key forger;
		struct fh_fields g;

		test_key(&forger, 99);
		l = sizeof(h);
		assert_int_equal(fh_encode(&forger, &f, FH_FORM_V3, h, &l), 0);
		assert_int_equal(resolve(e, h, l, &fd, NULL), -EBADMSG);
		g = f;
		g.export_id = EXPORT_B;
		l = sizeof(h);
		assert_int_equal(fh_encode(&e->key, &g, FH_FORM_V3, h, &l), 0);
		assert_int_equal(resolve(e, h, l, &fd, NULL), -ESTALE);
		l = sizeof(h);
		assert_int_equal(fh_encode(&e->key, &f, FH_FORM_V3, h, &l), 0);
		assert_int_equal(resolve(e, h, l, &fd, NULL), 0);	/* documented */
		close(fd);
	}

	/* An object on another filesystem fails the device check. */
	fd = open("/dev/shm", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		assert_int_equal(fh_in_export(fd, e->dev, e->ino), -ESTALE);
		close(fd);
	}
	close(ofd);
	fd = dup(0);
	assert_int_equal(fd, probe);
	close(fd);
}

static void
test_symlink_handle(void **state)
{
	struct exp *e = get_exp(state);
	struct fh_khandle kl, kt;
	struct stat st;
	int fd;

	touch("export/d1/target");
	assert_int_equal(symlinkat("target", e->root_fd, "d1/link"), 0);
	assert_int_equal(fh_from_path(e->root_fd, "d1/link", &kl, NULL), 0);
	assert_int_equal(fh_from_path(e->root_fd, "d1/target", &kt, NULL), 0);
	assert_memory_not_equal(kl.bytes, kt.bytes, kl.len < kt.len ? kl.len :
	    kt.len);
	assert_int_equal(fh_open(e->root_fd, &kl, O_PATH, &fd, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(fh_in_export(fd, e->dev, e->ino), 0);
	close(fd);
}

/* "Restart": a new process loads the key from the file and resolves. */
static void
test_restart(void **state)
{
	struct exp *e = get_exp(state);
	uint8_t h3[FH_MAXSIZE], h2[FH_MAXSIZE];
	size_t l3, l2;
	struct stat st;
	ino_t ino;
	pid_t pid;
	int status, fd;

	touch("export/d1/persist");
	l3 = issue(e, "d1/persist", FH_FORM_V3, h3, &ino);
	l2 = issue(e, "d1/persist", FH_FORM_V2, h2, NULL);

	/* In this process: drop everything and start again. */
	exp_close(e);
	assert_int_equal(exp_open(e), 0);
	assert_int_equal(resolve(e, h3, l3, &fd, &st), 0);
	assert_int_equal(st.st_ino, ino);
	close(fd);

	/* In a fresh process, which has only the key file. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct exp e2;

		memset(&e2, 0, sizeof(e2));
		if (exp_open(&e2) != 0)
			_exit(1);
		if (resolve(&e2, h3, l3, &fd, &st) != 0 || st.st_ino != ino)
			_exit(2);
		close(fd);
		if (resolve(&e2, h2, l2, &fd, &st) != 0 || st.st_ino != ino)
			_exit(3);
		close(fd);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_tmpfs(void **state)
{
	uint8_t v_ext4[FH_VOLID_LEN], v_tmpfs[FH_VOLID_LEN];
	struct fh_fields f, out;
	uint8_t h[FH_MAXSIZE];
	char *dir = shmdir;
	struct stat st, st2;
	int dfd, fd, mfd;
	size_t l;

	(void)get_exp(state);
	strcpy(shmdir, "/dev/shm/test_fh.XXXXXX");
	if (mkdtemp(shmdir) == NULL) {
		shmdir[0] = '\0';
		skip();
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	fd = openat(dfd, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);

	memset(&f, 0, sizeof(f));
	assert_int_equal(fh_from_path(dfd, "f", &f.kh, NULL), 0);
	print_message("tmpfs handle: type %d, %u bytes\n", f.kh.type, f.kh.len);
	assert_int_equal(fh_volid_for_path(dir, NULL, v_tmpfs), 0);
	assert_int_equal(fh_volid_for_path(tmpdir, NULL, v_ext4), 0);
	assert_memory_not_equal(v_tmpfs, v_ext4, FH_VOLID_LEN);
	f.export_id = EXPORT_A;
	memcpy(f.volid, v_tmpfs, FH_VOLID_LEN);
	l = sizeof(h);
	assert_int_equal(fh_encode(&((struct exp *)*state)->key, &f, FH_FORM_V2,
	    h, &l), 0);
	assert_int_equal(l, FH_V2_SIZE);
	assert_int_equal(fh_decode(&((struct exp *)*state)->key, h, l, &out), 0);
	/* The mount fd must be a real open file: O_PATH gives EBADF. */
	mfd = open("/dev/shm", O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(mfd >= 0);
	assert_int_equal(fh_open(mfd, &out.kh, O_PATH, &fd, &st2), -EBADF);
	close(mfd);
	mfd = open("/dev/shm", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(mfd >= 0);
	assert_int_equal(fh_open(mfd, &out.kh, O_PATH, &fd, &st2), 0);
	assert_int_equal(st2.st_ino, st.st_ino);
	close(fd);
	assert_int_equal(unlinkat(dfd, "f", 0), 0);
	assert_int_equal(fh_open(mfd, &out.kh, O_PATH, &fd, &st2), -ESTALE);
	close(mfd);
	close(dfd);
}

int
main(void)
{
	const struct CMUnitTest codec[] = {
		cmocka_unit_test(test_sha256_kat),
		cmocka_unit_test(test_sha256_impls),
		cmocka_unit_test(test_hmac_kat),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_flips),
		cmocka_unit_test(test_extension),
		cmocka_unit_test(test_random_garbage),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_other_export),
		cmocka_unit_test(test_volid_fsid),
		cmocka_unit_test_setup_teardown(test_key_file, setup_tmp,
		    teardown_tmp),
		cmocka_unit_test_setup_teardown(test_key_race, setup_tmp,
		    teardown_tmp),
	};
	const struct CMUnitTest resolve_tests[] = {
		cmocka_unit_test_setup_teardown(test_ext4_handle_shape,
		    setup_export, teardown_export),
		cmocka_unit_test_setup_teardown(test_rename_keeps_handle,
		    setup_export, teardown_export),
		cmocka_unit_test_setup_teardown(test_deleted_but_open,
		    setup_export, teardown_export),
		cmocka_unit_test_setup_teardown(test_inode_reuse,
		    setup_export, teardown_export),
		cmocka_unit_test_setup_teardown(test_containment,
		    setup_export, teardown_export),
		cmocka_unit_test_setup_teardown(test_symlink_handle,
		    setup_export, teardown_export),
		cmocka_unit_test_setup_teardown(test_restart,
		    setup_export, teardown_export),
		cmocka_unit_test_setup_teardown(test_tmpfs,
		    setup_export, teardown_export),
	};
	int fails;

	fails = cmocka_run_group_tests_name("fh codec", codec, NULL, NULL);
	fails += cmocka_run_group_tests_name("fh resolve", resolve_tests, NULL,
	    NULL);
	return fails != 0;
}
