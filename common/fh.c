/*
 * fh.c: the NFS file handle codec and its key.
 *
 * Wire format, version 1.  Integers are big-endian.  Every handle starts
 * with the same four bytes, and ends with a tag: HMAC-SHA-256 keyed with
 * the server's handle key over every byte before the tag, truncated.
 *
 * NFSv3 form (FH_FORM_V3): 36 + klen bytes, klen 1..28, so 37..64 bytes.
 *	off	len	field
 *	0	1	version		FH_VERSION (1)
 *	1	1	form		FH_FORM_V3 (3)
 *	2	1	ktype		kernel handle_type (name_to_handle_at)
 *	3	1	klen		kernel handle length in bytes
 *	4	4	export id	chosen by the caller, stable across restarts
 *	8	16	volume id	of the export's filesystem (fh_resolve.h)
 *	24	klen	kernel handle	f_handle bytes, as the kernel gave them
 *	24+klen	12	tag		HMAC-SHA-256(key, bytes 0..24+klen)[0..12)
 *
 * NFSv2 form (FH_FORM_V2): always exactly 32 bytes (RFC 1094 fhandle).
 *	0	1	version		FH_VERSION (1)
 *	1	1	form		FH_FORM_V2 (2)
 *	2	1	ktype
 *	3	1	klen		1..12
 *	4	4	export id
 *	8	4	volume hash	first 4 bytes of SHA-256(volume id)
 *	12	12	kernel handle	zero padded after klen bytes
 *	24	8	tag		HMAC-SHA-256(key, bytes 0..24)[0..8)
 *
 * The decoder accepts exactly these two shapes: any other version or form,
 * a length that is not exactly the one the header implies, nonzero padding
 * or a tag that does not verify (compared in constant time) is -EBADMSG.
 * Since version and form are under the MAC, a v2 tag can never verify as
 * a v3 one.  Kernel handles seen here: ext4 8 bytes (type 1, FILEID_INO32_GEN:
 * inode number + generation), tmpfs 12 bytes, xfs 8 or 16, btrfs 20 (all
 * fit v3); only ext4-style 8 and tmpfs 12 fit v2, larger give -EOVERFLOW.
 *
 * Why HMAC-SHA-256: the key file holds 32 random bytes and HMAC uses all
 * of them; HMAC with a truncated tag is the most studied MAC there is
 * (RFC 2104 section 5, NIST SP 800-107), and SHA-256 is about 100 lines
 * here, tested against FIPS 180 / RFC 4231-style known answers.  The
 * inner and outer states are precomputed in struct fh_key, so one handle
 * costs two SHA-256 compressions (well under a microsecond), nothing
 * beside the open_by_handle_at(2) that follows.  SipHash-2-4 would be
 * faster but has a 128-bit key and only a 64-bit output in its standard
 * form (the 128-bit output variant is marked experimental by its
 * authors).  Tags are 96 bits (v3) and 64 bits (v2); each forgery attempt
 * costs the attacker a round trip, so 2^-64 per try is ample.
 *
 * Key file: exactly FH_KEY_LEN (32) raw random bytes, mode 0600, owned by
 * the daemons' effective uid.  Losing it makes every handle STALE.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define FH_SHA_NI	1
#endif

#include "common/fh.h"

#define HDR_LEN		8
#define V3_VOL_OFF	8
#define V3_KH_OFF	24
#define V3_TAG_LEN	12
#define V3_FIXED	(V3_KH_OFF + V3_TAG_LEN)	/* 36 */
#define V2_VOL_OFF	8
#define V2_KH_OFF	12
#define V2_TAG_OFF	24
#define V2_TAG_LEN	8

_Static_assert(V3_FIXED + FH_KHANDLE_MAX == FH_V3_MAXSIZE, "v3 layout");
_Static_assert(V2_KH_OFF + FH_V2_KHANDLE_MAX == V2_TAG_OFF, "v2 layout");
_Static_assert(V2_TAG_OFF + V2_TAG_LEN == FH_V2_SIZE, "v2 size");

/* ---------------------------------------------------------------- SHA-256 */

struct sha256 {
	uint32_t	h[8];
	uint64_t	n;		/* bytes hashed so far */
	uint8_t		buf[64];
	size_t		blen;
};

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t sha256_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static uint32_t
ror32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
sha256_block_c(uint32_t h[8], const uint8_t blk[64])
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = get_be32(blk + 4 * i);
	for (; i < 64; i++)
		w[i] = w[i - 16] + (ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
		    (w[i - 15] >> 3)) + w[i - 7] + (ror32(w[i - 2], 17) ^
		    ror32(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = h[0]; b = h[1]; c = h[2]; d = h[3];
	e = h[4]; f = h[5]; g = h[6]; k = h[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) +
		    ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
		t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) +
		    ((a & b) ^ (a & c) ^ (b & c));
		k = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

#ifdef FH_SHA_NI
/*
 * The same compression with the x86 SHA extensions (Intel SHA-NI, AMD Zen):
 * a handle's MAC is two or three blocks, and READDIRPLUS makes one per
 * entry. The state lives in two registers as (A,B,E,F) and (C,D,G,H); each
 * SHA256RNDS2 does two rounds, and SHA256MSG1/MSG2 extend the schedule four
 * words at a time: W[i..i+3] = MSG2(MSG1(W[i-16..], W[i-12..]) +
 * W[i-7..i-4], W[i-4..i-1]).
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void
sha256_block_ni(uint32_t h[8], const uint8_t blk[64])
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
	    0x0405060700010203ULL);
	__m128i abef, cdgh, abef0, cdgh0, t, w[16], m;
	int g;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xb1);
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]),
	    0x1b);
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);
	abef0 = abef;
	cdgh0 = cdgh;
	for (g = 0; g < 16; g++) {
		if (g < 4)
			w[g] = _mm_shuffle_epi8(_mm_loadu_si128(
			    (const __m128i *)(blk + 16 * g)), bswap);
		else
			w[g] = _mm_sha256msg2_epu32(_mm_add_epi32(
			    _mm_sha256msg1_epu32(w[g - 4], w[g - 3]),
			    _mm_alignr_epi8(w[g - 1], w[g - 2], 4)), w[g - 1]);
		m = _mm_add_epi32(w[g],
		    _mm_loadu_si128((const __m128i *)&sha256_k[4 * g]));
		cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m);
		m = _mm_shuffle_epi32(m, 0x0e);
		abef = _mm_sha256rnds2_epu32(abef, cdgh, m);
	}
	abef = _mm_add_epi32(abef, abef0);
	cdgh = _mm_add_epi32(cdgh, cdgh0);
	t = _mm_shuffle_epi32(abef, 0x1b);
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(cdgh, t, 8));
}

static bool
cpu_has_sha(void)
{
	unsigned a, b, c, d;

	/* leaf 7 EBX bit 29: SHA; leaf 1 ECX bits 9 and 19: SSSE3, SSE4.1 */
	if (__get_cpuid(1, &a, &b, &c, &d) == 0 || !(c & (1u << 9)) ||
	    !(c & (1u << 19)))
		return false;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0)
		return false;
	return (b & (1u << 29)) != 0;
}

static void
sha256_block(uint32_t h[8], const uint8_t blk[64])
{
	/* 0: not asked yet; racing first callers all get the same answer */
	static _Atomic int have_ni;
	int v = have_ni;

	if (v == 0)
		have_ni = v = cpu_has_sha() ? 1 : -1;
	if (v > 0)
		sha256_block_ni(h, blk);
	else
		sha256_block_c(h, blk);
}

int
fh_sha256_selftest(void)
{
	uint32_t h1[8], h2[8];
	uint8_t blk[64];
	int i, j;

	if (!cpu_has_sha())
		return 0;
	memcpy(h1, sha256_iv, sizeof(h1));
	memcpy(h2, sha256_iv, sizeof(h2));
	for (i = 0; i < 256; i++) {
		for (j = 0; j < 64; j++)
			blk[j] = (uint8_t)(i * 131 + j * 7 + (h1[j % 8] >> 3));
		sha256_block_c(h1, blk);
		sha256_block_ni(h2, blk);
		if (memcmp(h1, h2, sizeof(h1)) != 0)
			return -1;
	}
	return 1;
}
#else
#define sha256_block	sha256_block_c

int
fh_sha256_selftest(void)
{
	return 0;
}
#endif

/* Start from a given state that has already hashed n bytes (n % 64 == 0). */
static void
sha256_init_from(struct sha256 *s, const uint32_t h[8], uint64_t n)
{
	memcpy(s->h, h, sizeof(s->h));
	s->n = n;
	s->blen = 0;
}

static void
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t take;

	s->n += len;
	while (len > 0) {
		take = 64 - s->blen;
		if (take > len)
			take = len;
		memcpy(s->buf + s->blen, p, take);
		s->blen += take;
		p += take;
		len -= take;
		if (s->blen == 64) {
			sha256_block(s->h, s->buf);
			s->blen = 0;
		}
	}
}

static void
sha256_final(struct sha256 *s, uint8_t out[32])
{
	uint64_t bits = s->n * 8;
	int i;

	s->buf[s->blen++] = 0x80;
	if (s->blen > 56) {
		memset(s->buf + s->blen, 0, 64 - s->blen);
		sha256_block(s->h, s->buf);
		s->blen = 0;
	}
	memset(s->buf + s->blen, 0, 56 - s->blen);
	for (i = 0; i < 8; i++)
		s->buf[56 + i] = bits >> (56 - 8 * i);
	sha256_block(s->h, s->buf);
	for (i = 0; i < 8; i++)
		put_be32(out + 4 * i, s->h[i]);
	explicit_bzero(s, sizeof(*s));
}

void
fh_sha256(const void *msg, size_t len, uint8_t out[32])
{
	struct sha256 s;

	sha256_init_from(&s, sha256_iv, 0);
	sha256_update(&s, msg, len);
	sha256_final(&s, out);
}

/* ---------------------------------------------------------------- HMAC */

int
fh_key_init(struct fh_key *key, const uint8_t raw[FH_KEY_LEN])
{
	uint8_t pad[64];
	size_t i;

	memcpy(key->raw, raw, FH_KEY_LEN);
	/* RFC 2104: a key shorter than the block is zero padded. */
	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < FH_KEY_LEN; i++)
		pad[i] ^= raw[i];
	memcpy(key->istate, sha256_iv, sizeof(key->istate));
	sha256_block(key->istate, pad);
	memset(pad, 0x5c, sizeof(pad));
	for (i = 0; i < FH_KEY_LEN; i++)
		pad[i] ^= raw[i];
	memcpy(key->ostate, sha256_iv, sizeof(key->ostate));
	sha256_block(key->ostate, pad);
	explicit_bzero(pad, sizeof(pad));
	return 0;
}

void
fh_key_clear(struct fh_key *key)
{
	explicit_bzero(key, sizeof(*key));
}

void
fh_hmac(const struct fh_key *key, const void *msg, size_t len, uint8_t out[32])
{
	struct sha256 s;
	uint8_t inner[32];

	sha256_init_from(&s, key->istate, 64);
	sha256_update(&s, msg, len);
	sha256_final(&s, inner);
	sha256_init_from(&s, key->ostate, 64);
	sha256_update(&s, inner, sizeof(inner));
	sha256_final(&s, out);
	explicit_bzero(inner, sizeof(inner));
}

/* Constant-time: the time depends on n only, never on where bytes differ. */
static int
tag_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	volatile uint8_t acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= a[i] ^ b[i];
	return acc == 0;
}

uint32_t
fh_volid_hash(const uint8_t volid[FH_VOLID_LEN])
{
	uint8_t d[32];

	fh_sha256(volid, FH_VOLID_LEN, d);
	return get_be32(d);
}

/* ---------------------------------------------------------------- codec */

int
fh_encode(const struct fh_key *key, const struct fh_fields *f, int form,
    uint8_t *out, size_t *lenp)
{
	uint8_t buf[FH_MAXSIZE], mac[32];
	size_t len, kmax;

	if (form != FH_FORM_V3 && form != FH_FORM_V2)
		return -EINVAL;
	if (f->kh.len == 0 || f->kh.type < 0 || f->kh.type > 255)
		return -EINVAL;
	kmax = form == FH_FORM_V3 ? FH_KHANDLE_MAX : FH_V2_KHANDLE_MAX;
	if (f->kh.len > kmax)
		return -EOVERFLOW;
	len = form == FH_FORM_V3 ? V3_FIXED + f->kh.len : FH_V2_SIZE;
	if (*lenp < len)
		return -ENOBUFS;

	memset(buf, 0, sizeof(buf));
	buf[0] = FH_VERSION;
	buf[1] = form;
	buf[2] = f->kh.type;
	buf[3] = f->kh.len;
	put_be32(buf + 4, f->export_id);
	if (form == FH_FORM_V3) {
		memcpy(buf + V3_VOL_OFF, f->volid, FH_VOLID_LEN);
		memcpy(buf + V3_KH_OFF, f->kh.bytes, f->kh.len);
		fh_hmac(key, buf, V3_KH_OFF + f->kh.len, mac);
		memcpy(buf + V3_KH_OFF + f->kh.len, mac, V3_TAG_LEN);
	} else {
		put_be32(buf + V2_VOL_OFF, fh_volid_hash(f->volid));
		memcpy(buf + V2_KH_OFF, f->kh.bytes, f->kh.len);
		fh_hmac(key, buf, V2_TAG_OFF, mac);
		memcpy(buf + V2_TAG_OFF, mac, V2_TAG_LEN);
	}
	memcpy(out, buf, len);
	*lenp = len;
	return 0;
}

int
fh_decode(const struct fh_key *key, const uint8_t *buf, size_t len,
    struct fh_fields *f)
{
	uint8_t mac[32];
	size_t klen, i;

	memset(f, 0, sizeof(*f));
	if (len < HDR_LEN || buf[0] != FH_VERSION)
		return -EBADMSG;
	klen = buf[3];
	switch (buf[1]) {
	case FH_FORM_V3:
		if (klen == 0 || klen > FH_KHANDLE_MAX || len != V3_FIXED + klen)
			return -EBADMSG;
		fh_hmac(key, buf, V3_KH_OFF + klen, mac);
		if (!tag_equal(mac, buf + V3_KH_OFF + klen, V3_TAG_LEN))
			return -EBADMSG;
		memcpy(f->volid, buf + V3_VOL_OFF, FH_VOLID_LEN);
		f->vol_hash = fh_volid_hash(f->volid);
		memcpy(f->kh.bytes, buf + V3_KH_OFF, klen);
		break;
	case FH_FORM_V2:
		if (klen == 0 || klen > FH_V2_KHANDLE_MAX || len != FH_V2_SIZE)
			return -EBADMSG;
		for (i = V2_KH_OFF + klen; i < V2_TAG_OFF; i++)
			if (buf[i] != 0)
				return -EBADMSG;
		fh_hmac(key, buf, V2_TAG_OFF, mac);
		if (!tag_equal(mac, buf + V2_TAG_OFF, V2_TAG_LEN))
			return -EBADMSG;
		f->vol_hash = get_be32(buf + V2_VOL_OFF);
		memcpy(f->kh.bytes, buf + V2_KH_OFF, klen);
		break;
	default:
		return -EBADMSG;
	}
	f->form = buf[1];
	f->kh.type = buf[2];
	f->kh.len = klen;
	f->export_id = get_be32(buf + 4);
	return 0;
}

int
fh_match_export(const struct fh_fields *f, uint32_t export_id,
    const uint8_t volid[FH_VOLID_LEN])
{
	if (f->export_id != export_id)
		return -ESTALE;
	if (f->form == FH_FORM_V3)
		return memcmp(f->volid, volid, FH_VOLID_LEN) == 0 ? 0 : -ESTALE;
	if (f->form == FH_FORM_V2)
		return f->vol_hash == fh_volid_hash(volid) ? 0 : -ESTALE;
	return -ESTALE;
}

/* ---------------------------------------------------------------- key file */

int
fh_key_generate(struct fh_key *key)
{
	uint8_t raw[FH_KEY_LEN];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(raw)) {
		n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += n;
	}
	fh_key_init(key, raw);
	explicit_bzero(raw, sizeof(raw));
	return 0;
}

/* Read an existing key file; -ENOENT if there is none. */
static int
key_load(const char *path, struct fh_key *key)
{
	uint8_t raw[FH_KEY_LEN];
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return errno == ELOOP ? -EPERM : -errno;
	if (fstat(fd, &st) == -1) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		rc = -EPERM;
		goto out;
	}
	if (st.st_size != FH_KEY_LEN) {
		rc = -EINVAL;
		goto out;
	}
	while (got < sizeof(raw)) {
		n = read(fd, raw + got, sizeof(raw) - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = -errno;
			goto out;
		}
		if (n == 0) {		/* shrank under us */
			rc = -EINVAL;
			goto out;
		}
		got += n;
	}
	fh_key_init(key, raw);
out:
	explicit_bzero(raw, sizeof(raw));
	close(fd);
	return rc;
}

static int
fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd, rc = 0;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -errno;
	if (fsync(fd) == -1)
		rc = -errno;
	close(fd);
	return rc;
}

/*
 * Write a new key to a temp file and move it to path without replacing
 * anything there: -EEXIST if another process won the race.  Not
 * atomic_write_file(): its rename would silently replace a key another
 * daemon has just created and started to use.
 */
static int
key_create(const char *path, const struct fh_key *key)
{
	char tmp[PATH_MAX];
	size_t off = 0;
	ssize_t n;
	int fd, rc = 0, placed = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);		/* mode 0600 */
	if (fd == -1)
		return -errno;
	if (fchmod(fd, S_IRUSR | S_IWUSR) == -1) {
		rc = -errno;
		goto out;
	}
	while (off < FH_KEY_LEN) {
		n = write(fd, key->raw + off, FH_KEY_LEN - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = -errno;
			goto out;
		}
		off += n;
	}
	if (fsync(fd) == -1) {
		rc = -errno;
		goto out;
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		placed = 1;
	else if (errno != EINVAL && errno != ENOSYS) {
		rc = -errno;
		goto out;
	} else if (link(tmp, path) == -1) {	/* no RENAME_NOREPLACE here */
		rc = -errno;
		goto out;
	}
	rc = fsync_dir_of(path);
out:
	close(fd);
	if (!placed)
		unlink(tmp);
	return rc;
}

int
fh_key_load_or_create(const char *path, struct fh_key *key)
{
	struct fh_key fresh;
	int rc, tries;

	for (tries = 0; tries < 3; tries++) {
		rc = key_load(path, key);
		if (rc != -ENOENT)
			return rc;
		if ((rc = fh_key_generate(&fresh)) != 0)
			return rc;
		rc = key_create(path, &fresh);
		if (rc == 0)
			*key = fresh;
		fh_key_clear(&fresh);
		if (rc != -EEXIST)
			return rc;
		/* Lost the race: load the winner's key. */
	}
	return -EAGAIN;
}
