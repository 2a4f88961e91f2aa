/*
 * test_authdh.c: AUTH_DH (RFC 2695 section 2): the strict decoding of the
 * credential and verifier (every truncation, every bad length), the key
 * files, the DES key derivation (known answers for the byte order and the
 * parity), netname2user, and the verifier with the RFC's structures built
 * here: a good fullname and nickname, replays, the window, a wrong key, a
 * forged nickname, the bounded nickname table.
 */
#include <sys/stat.h>
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/bn.h>

#include "common/dhkeys.h"
#include "common/rpc/auth_dh.h"
#include "common/rpc/rpc_int.h"

/* ------------------------------------------------------------ helpers */

struct enc {
	uint8_t	b[1024];
	size_t	n;
};

static void
w32(struct enc *e, uint32_t v)
{
	v = htonl(v);
	memcpy(e->b + e->n, &v, 4);
	e->n += 4;
}

static void
wbytes(struct enc *e, const void *p, size_t n)
{
	memcpy(e->b + e->n, p, n);
	e->n += n;
}

static void
wstr(struct enc *e, const char *s, size_t len)
{
	w32(e, (uint32_t)len);
	wbytes(e, s, len);
	while (e->n % 4 != 0)
		e->b[e->n++] = 0;
}

static uint32_t
r32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

static void
fullname_cred(struct enc *e, const char *name, const uint8_t key[8],
    const uint8_t w1[4])
{
	memset(e, 0, sizeof(*e));
	w32(e, ADN_FULLNAME);
	wstr(e, name, strlen(name));
	wbytes(e, key, 8);
	wbytes(e, w1, 4);
}

static int
dec_cred(const struct enc *e, size_t len, struct authdh_cred *c)
{
	struct rpc_opaque o = { AUTH_DH, (uint32_t)len, e->b };

	return authdh_decode_cred(&o, c);
}

/* A key pair: secret hex -> public hex = 3^secret mod p. */
static void
keypair(const char *sec, char pub[DH_HEXKEYBYTES + 1])
{
	BIGNUM *p = NULL, *s = NULL, *g = BN_new(), *r = BN_new();
	BN_CTX *bx = BN_CTX_new();
	uint8_t b[24];
	int i;

	assert_non_null(g);
	assert_non_null(r);
	assert_non_null(bx);
	assert_true(BN_hex2bn(&p, DH_HEXMODULUS) > 0);
	assert_true(BN_hex2bn(&s, sec) > 0);
	assert_true(BN_set_word(g, 3));
	assert_true(BN_mod_exp(r, g, s, p, bx));
	assert_int_equal(BN_bn2binpad(r, b, 24), 24);
	for (i = 0; i < 24; i++)
		snprintf(pub + 2 * i, 3, "%02x", b[i]);
	BN_free(p);
	BN_free(s);
	BN_free(g);
	BN_free(r);
	BN_CTX_free(bx);
}

/* ------------------------------------------------------------ decoding */

static void
test_decode_fullname(void **state)
{
	static const uint8_t key[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t w1[4] = { 9, 10, 11, 12 };
	struct authdh_cred c;
	struct enc e, x;
	char name[300];
	size_t len;

	(void)state;
	fullname_cred(&e, "unix.1000@example.org", key, w1);
	assert_int_equal(dec_cred(&e, e.n, &c), 0);
	assert_int_equal(c.namekind, ADN_FULLNAME);
	assert_string_equal(c.netname, "unix.1000@example.org");
	assert_memory_equal(c.key, key, 8);
	assert_memory_equal(c.w1, w1, 4);
	/* every truncation, and one byte more (a word more), is refused */
	for (len = 0; len < e.n; len++)
		assert_int_equal(dec_cred(&e, len, &c), -EINVAL);
	x = e;
	w32(&x, 0);
	assert_int_equal(dec_cred(&x, x.n, &c), -EINVAL);
	/* the name's length word claiming more or less than is there */
	x = e;
	x.b[7] = (uint8_t)(strlen("unix.1000@example.org") + 4);
	assert_int_equal(dec_cred(&x, x.n, &c), -EINVAL);
	x.b[7] = (uint8_t)(strlen("unix.1000@example.org") - 4);
	assert_int_equal(dec_cred(&x, x.n, &c), -EINVAL);
	/* 255 bytes is the limit; 0 and 256 are refused */
	memset(name, 'n', sizeof(name));
	name[255] = '\0';
	fullname_cred(&x, name, key, w1);
	assert_int_equal(dec_cred(&x, x.n, &c), 0);
	assert_int_equal(strlen(c.netname), 255);
	name[255] = 'n';
	name[256] = '\0';
	fullname_cred(&x, name, key, w1);
	assert_int_equal(dec_cred(&x, x.n, &c), -EINVAL);
	fullname_cred(&x, "", key, w1);
	assert_int_equal(dec_cred(&x, x.n, &c), -EINVAL);
	/* a NUL in the name; padding that is not zero */
	fullname_cred(&x, "unix.1@x", key, w1);
	x.b[8 + 4] = '\0';
	assert_int_equal(dec_cred(&x, x.n, &c), -EINVAL);
	fullname_cred(&x, "unix.1@xy", key, w1);	/* 9 bytes: 3 of pad */
	x.b[8 + 10] = 'z';
	assert_int_equal(dec_cred(&x, x.n, &c), -EINVAL);
}

static void
test_decode_nickname_kind(void **state)
{
	struct authdh_cred c;
	struct enc e;
	size_t len;

	(void)state;
	memset(&e, 0, sizeof(e));
	w32(&e, ADN_NICKNAME);
	w32(&e, 0x12345678);
	assert_int_equal(dec_cred(&e, e.n, &c), 0);
	assert_int_equal(c.namekind, ADN_NICKNAME);
	assert_int_equal(c.nickname, 0x12345678);
	for (len = 0; len < e.n; len++)
		assert_int_equal(dec_cred(&e, len, &c), -EINVAL);
	w32(&e, 0);
	assert_int_equal(dec_cred(&e, e.n, &c), -EINVAL);
	/* another name kind */
	memset(&e, 0, sizeof(e));
	w32(&e, 2);
	w32(&e, 0);
	assert_int_equal(dec_cred(&e, e.n, &c), -EINVAL);
}

static void
test_decode_verf(void **state)
{
	uint8_t b[16] = { 0 };
	struct rpc_opaque o = { AUTH_DH, 12, b };
	struct authdh_verf v;
	uint32_t len;

	(void)state;
	b[0] = 0xaa;
	b[11] = 0xbb;
	assert_int_equal(authdh_decode_verf(&o, &v), 0);
	assert_int_equal(v.ts[0], 0xaa);
	assert_int_equal(v.w2[3], 0xbb);
	for (len = 0; len <= 16; len++) {
		o.len = len;
		assert_int_equal(authdh_decode_verf(&o, &v),
		    len == 12 ? 0 : -EINVAL);
	}
	o.len = 12;
	o.flavor = AUTH_NONE;
	assert_int_equal(authdh_decode_verf(&o, &v), -EINVAL);
}

/* ------------------------------------------------------------ keys */

struct fx {
	struct dh_crypto	*c;
};

static int
setup_crypto(void **state)
{
	static struct fx f;
	char why[128];

	f.c = dh_crypto_new(why, sizeof(why));
	if (f.c == NULL)
		fprintf(stderr, "dh_crypto_new: %s\n", why);
	*state = &f;
	return f.c != NULL ? 0 : -1;
}

static int
teardown_crypto(void **state)
{
	struct fx *f = *state;

	dh_crypto_free(f->c);
	return 0;
}

static void
test_parity(void **state)
{
	uint8_t k[8] = { 0x00, 0x01, 0xfe, 0xff, 0x10, 0x11, 0x80, 0x7f };
	unsigned i;

	(void)state;
	dh_des_setparity(k);
	for (i = 0; i < 8; i++) {
		assert_int_equal(__builtin_popcount(k[i]) % 2, 1);
		assert_int_equal(k[i] & 0x80, 0);
	}
	/* as Sun's partab[] has them: the top bit goes */
	assert_int_equal(k[0], 0x01);
	assert_int_equal(k[1], 0x01);
	assert_int_equal(k[2], 0x7f);
	assert_int_equal(k[3], 0x7f);
	assert_int_equal(k[4], 0x10);
	assert_int_equal(k[5], 0x10);
	assert_int_equal(k[6], 0x01);
	assert_int_equal(k[7], 0x7f);
}

static void
test_common_key(void **state)
{
	struct fx *f = *state;
	char pa[DH_HEXKEYBYTES + 1], pb[DH_HEXKEYBYTES + 1];
	const char *sa = "1234567890abcdef1234567890abcdef12345678";
	const char *sb = "fedcba0987654321fedcba0987654321fedcba09";
	uint8_t k1[8], k2[8];
	static const uint8_t want[8] = { 0x01, 0x01, 0x01, 0x01, 0x10, 0x01,
	    0x01, 0x01 };

	/* known answer: 2^100 ^ 1 = 2^100; bits 64-127 hold bit 36, in
	 * key[4] (least significant byte first) as 0x10, odd already */
	assert_int_equal(dh_common_key(f->c, "10000000000000000000000000",
	    "1", k1), 0);
	assert_memory_equal(k1, want, 8);
	/* both sides agree */
	keypair(sa, pa);
	keypair(sb, pb);
	assert_int_equal(dh_common_key(f->c, pb, sa, k1), 0);
	assert_int_equal(dh_common_key(f->c, pa, sb, k2), 0);
	assert_memory_equal(k1, k2, 8);
	/* not hex, zero, the modulus itself */
	assert_int_equal(dh_common_key(f->c, "xyz", sa, k1), -EINVAL);
	assert_int_equal(dh_common_key(f->c, "0", sa, k1), -EINVAL);
	assert_int_equal(dh_common_key(f->c, DH_HEXMODULUS, sa, k1), -EINVAL);
	assert_int_equal(dh_common_key(f->c, "", sa, k1), -EINVAL);
}

static void
test_des_known_answer(void **state)
{
	struct fx *f = *state;
	static const uint8_t key[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
	    0xcd, 0xef };
	static const uint8_t c[8] = { 0x3f, 0xa4, 0x0e, 0x8a, 0x98, 0x4d,
	    0x48, 0x15 };
	uint8_t b[16];

	memcpy(b, "Now is t", 8);
	assert_int_equal(dh_des_ecb(f->c, key, true, b, 8), 0);
	assert_memory_equal(b, c, 8);
	assert_int_equal(dh_des_ecb(f->c, key, false, b, 8), 0);
	assert_memory_equal(b, "Now is t", 8);
	/* CBC: the second block depends on the first */
	memcpy(b, "Now is tNow is t", 16);
	assert_int_equal(dh_des_cbc(f->c, key, true, b, 16), 0);
	assert_memory_equal(b, c, 8);
	assert_memory_not_equal(b + 8, c, 8);
	assert_int_equal(dh_des_cbc(f->c, key, false, b, 16), 0);
	assert_memory_equal(b, "Now is tNow is t", 16);
	assert_int_equal(dh_des_ecb(f->c, key, true, b, 7), -EINVAL);
	assert_int_equal(dh_des_ecb(f->c, key, true, b, 0), -EINVAL);
}

static void
test_pubkeys(void **state)
{
	const char *good =
	    "# comment\n"
	    "\n"
	    "unix.1000@example.org 0123456789abcdef0123456789abcdef0123456789abcdef:"
	    "00112233\n"
	    "  unix.0@example.org\t"
	    "fedcba9876543210fedcba9876543210fedcba9876543210:\n";
	struct dh_pubkeys *pk;
	struct parse_err err;
	char line[400], name[300];

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_int_equal(dh_pubkeys_parse(good, strlen(good), &pk, &err), 0);
	assert_int_equal(dh_pubkeys_count(pk), 2);
	assert_string_equal(dh_pubkeys_find(pk, "unix.0@example.org"),
	    "fedcba9876543210fedcba9876543210fedcba9876543210");
	assert_string_equal(dh_pubkeys_find(pk, "unix.1000@example.org"),
	    "0123456789abcdef0123456789abcdef0123456789abcdef");
	assert_null(dh_pubkeys_find(pk, "unix.1@example.org"));
	dh_pubkeys_free(pk);

	/* a short key, no colon, not hex: the line is named */
	snprintf(line, sizeof(line), "\nu 0123:x\n");
	assert_int_equal(dh_pubkeys_parse(line, strlen(line), &pk, &err),
	    -EINVAL);
	assert_null(pk);
	assert_int_equal(err.line, 2);
	snprintf(line, sizeof(line),
	    "u 0123456789abcdef0123456789abcdef0123456789abcdef\n");
	assert_int_equal(dh_pubkeys_parse(line, strlen(line), &pk, &err),
	    -EINVAL);
	snprintf(line, sizeof(line),
	    "u 0123456789abcdef0123456789abcdef0123456789abcdeg:\n");
	assert_int_equal(dh_pubkeys_parse(line, strlen(line), &pk, &err),
	    -EINVAL);
	/* a 256-byte netname */
	memset(name, 'n', 256);
	name[256] = '\0';
	snprintf(line, sizeof(line),
	    "%s 0123456789abcdef0123456789abcdef0123456789abcdef:\n", name);
	assert_int_equal(dh_pubkeys_parse(line, strlen(line), &pk, &err),
	    -EINVAL);
	/* twice the same netname */
	snprintf(line, sizeof(line),
	    "u 0123456789abcdef0123456789abcdef0123456789abcdef:\n"
	    "u 0123456789abcdef0123456789abcdef0123456789abcdef:\n");
	assert_int_equal(dh_pubkeys_parse(line, strlen(line), &pk, &err),
	    -EINVAL);
	assert_non_null(strstr(err.msg, "twice"));
}

static void
test_secret_file(void **state)
{
	char path[] = "/tmp/test_authdh.XXXXXX", name[DH_MAXNETNAME + 1],
	    sec[DH_HEXKEYBYTES + 1];
	struct parse_err err;
	FILE *fp;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	fprintf(fp, "unix.srv@example.org "
	    "00112233445566778899aabbccddeeff0011223344556677\n");
	fclose(fp);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(dh_secret_load(path, name, sec, &err), 0);
	assert_string_equal(name, "unix.srv@example.org");
	assert_string_equal(sec,
	    "00112233445566778899aabbccddeeff0011223344556677");
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(dh_secret_load(path, name, sec, &err), -EPERM);
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(dh_secret_load(path, name, sec, &err), -EPERM);
	/* a short key */
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "unix.srv@example.org 0011\n");
	fclose(fp);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(dh_secret_load(path, name, sec, &err), -EINVAL);
	/* something after the key */
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "unix.srv@example.org "
	    "00112233445566778899aabbccddeeff0011223344556677 more\n");
	fclose(fp);
	assert_int_equal(dh_secret_load(path, name, sec, &err), -EINVAL);
	unlink(path);
	assert_int_equal(dh_secret_load(path, name, sec, &err), -ENOENT);
}

static void
test_netname2user(void **state)
{
	gid_t groups[64], gid;
	unsigned ng;
	uid_t uid;

	(void)state;
	assert_int_equal(dh_netname2user("unix.0@dom", "dom", &uid, &gid,
	    groups, &ng, 64), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(gid, 0);
	assert_true(ng >= 1);
	/* another domain, a host netname, malformed uids */
	assert_int_equal(dh_netname2user("unix.0@other", "dom", &uid, &gid,
	    groups, &ng, 64), -EINVAL);
	assert_int_equal(dh_netname2user("unix.host@dom", "dom", &uid, &gid,
	    groups, &ng, 64), -EINVAL);
	assert_int_equal(dh_netname2user("unix.@dom", "dom", &uid, &gid,
	    groups, &ng, 64), -EINVAL);
	assert_int_equal(dh_netname2user("unix.00@dom", "dom", &uid, &gid,
	    groups, &ng, 64), -EINVAL);
	assert_int_equal(dh_netname2user("unix.-1@dom", "dom", &uid, &gid,
	    groups, &ng, 64), -EINVAL);
	assert_int_equal(dh_netname2user("unix.99999999999@dom", "dom", &uid,
	    &gid, groups, &ng, 64), -EINVAL);
	assert_int_equal(dh_netname2user("unix.0@", "", &uid, &gid,
	    groups, &ng, 64), -EINVAL);
	assert_int_equal(dh_netname2user("nfs.0@dom", "dom", &uid, &gid,
	    groups, &ng, 64), -EINVAL);
	/* a uid with no passwd entry */
	assert_int_equal(dh_netname2user("unix.3999999@dom", "dom", &uid,
	    &gid, groups, &ng, 64), -ENOENT);
	assert_string_equal(dh_netname_domain("unix.1@a@b.c"), "b.c");
	assert_null(dh_netname_domain("unix.1"));
}

/* ------------------------------------------------------------ verification */

#define SRV_SEC	"0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071"
#define CLI_SEC	"123456789abcdef0123456789abcdef0123456789abcdef"
#define T0	1700000000u

struct vfx {
	struct dh_srv	*d;
	struct dh_crypto *c;		/* the client's side of the sums */
	uint8_t		 ck[8];		/* client's common key */
};

static struct dh_srv *
make_srv(unsigned nicknames, struct vfx *v)
{
	char spub[DH_HEXKEYBYTES + 1], cpub[DH_HEXKEYBYTES + 1], text[512],
	    why[128];
	struct dh_pubkeys *pk;
	struct dh_crypto *c;
	struct parse_err err;

	keypair(SRV_SEC, spub);
	keypair(CLI_SEC, cpub);
	snprintf(text, sizeof(text), "unix.srv@dom %s:00\n"
	    "unix.0@dom %s:00\nunix.host1@dom %s:00\n", spub, cpub, cpub);
	assert_int_equal(dh_pubkeys_parse(text, strlen(text), &pk, &err), 0);
	assert_non_null(c = dh_crypto_new(why, sizeof(why)));
	assert_non_null(v->c = dh_crypto_new(why, sizeof(why)));
	assert_int_equal(dh_common_key(v->c, spub, CLI_SEC, v->ck), 0);
	return dh_srv_new(pk, c, "unix.srv@dom", SRV_SEC, nicknames);
}

/* A client session: conversation key K, window W. */
struct sess {
	const char	*netname;
	uint8_t		 k[8];
	uint32_t	 w;
};

static void
put_be(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

/* The RFC's fullname credential and verifier for s at (sec, usec), the
 * conversation key encrypted with ck. */
static void
mk_fullname(struct vfx *v, const struct sess *s, const uint8_t ck[8],
    uint32_t sec, uint32_t usec, struct authdh_cred *cr,
    struct authdh_verf *vf)
{
	uint8_t b[16];

	memset(cr, 0, sizeof(*cr));
	cr->namekind = ADN_FULLNAME;
	snprintf(cr->netname, sizeof(cr->netname), "%s", s->netname);
	memcpy(cr->key, s->k, 8);
	assert_int_equal(dh_des_ecb(v->c, ck, true, cr->key, 8), 0);
	put_be(b, sec);
	put_be(b + 4, usec);
	put_be(b + 8, s->w);
	put_be(b + 12, s->w - 1);
	assert_int_equal(dh_des_cbc(v->c, s->k, true, b, 16), 0);
	memcpy(vf->ts, b, 8);
	memcpy(cr->w1, b + 8, 4);
	memcpy(vf->w2, b + 12, 4);
}

static void
mk_nickname(struct vfx *v, const struct sess *s, uint32_t nick, uint32_t sec,
    uint32_t usec, struct authdh_cred *cr, struct authdh_verf *vf)
{
	memset(cr, 0, sizeof(*cr));
	cr->namekind = ADN_NICKNAME;
	cr->nickname = nick;
	put_be(vf->ts, sec);
	put_be(vf->ts + 4, usec);
	memset(vf->w2, 0, 4);
	assert_int_equal(dh_des_ecb(v->c, s->k, true, vf->ts, 8), 0);
}

/* The reply verifier must be E_K(sec - 1, usec); returns the nickname. */
static uint32_t
check_rverf(struct vfx *v, const struct sess *s, const uint8_t rv[12],
    uint32_t sec, uint32_t usec)
{
	uint8_t b[8];

	memcpy(b, rv, 8);
	assert_int_equal(dh_des_ecb(v->c, s->k, false, b, 8), 0);
	assert_int_equal(r32(b), sec - 1);
	assert_int_equal(r32(b + 4), usec);
	return r32(rv + 8);
}

static enum auth_stat
verify_at(struct vfx *v, struct authdh_cred *cr, struct authdh_verf *vf,
    uint32_t now, struct cred *out, uint8_t rv[12])
{
	struct timeval tv = { (time_t)now, 500000 };

	return dh_srv_verify(v->d, cr, vf, &tv, out, rv);
}

static void
test_verify_session(void **state)
{
	struct vfx v;
	struct sess s = { "unix.0@dom", { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
	    0x77, 0x88 }, 60 };
	struct authdh_cred cr, full;
	struct authdh_verf vf, fullv;
	struct cred *out = calloc(1, sizeof(*out));
	uint8_t rv[12], bad[8];
	uint32_t nick, n2;

	(void)state;
	assert_non_null(out);
	assert_non_null(v.d = make_srv(16, &v));

	/* good fullname: the mapped user, the RFC's reply verifier */
	mk_fullname(&v, &s, v.ck, T0, 1000, &full, &fullv);
	assert_int_equal(verify_at(&v, &full, &fullv, T0, out, rv), AUTH_OK);
	assert_int_equal(out->flavor, CRED_AUTH_DH);
	assert_int_equal(out->uid, 0);
	assert_int_equal(out->gid, 0);
	assert_string_equal(out->principal, "unix.0@dom");
	nick = check_rverf(&v, &s, rv, T0, 1000);
	assert_int_equal(dh_srv_nicknames(v.d), 1);

	/* the same fullname again: a replay */
	assert_int_equal(verify_at(&v, &full, &fullv, T0, out, rv),
	    AUTH_REJECTEDCRED);

	/* nickname, a later timestamp: served, same nickname */
	mk_nickname(&v, &s, nick, T0 + 1, 0, &cr, &vf);
	assert_int_equal(verify_at(&v, &cr, &vf, T0 + 1, out, rv), AUTH_OK);
	assert_int_equal(out->uid, 0);
	n2 = check_rverf(&v, &s, rv, T0 + 1, 0);
	assert_int_equal(n2, nick);
	/* the same timestamp, and an earlier one: replays */
	assert_int_equal(verify_at(&v, &cr, &vf, T0 + 1, out, rv),
	    AUTH_REJECTEDVERF);
	mk_nickname(&v, &s, nick, T0, 999999, &cr, &vf);
	assert_int_equal(verify_at(&v, &cr, &vf, T0 + 1, out, rv),
	    AUTH_REJECTEDVERF);
	/* outside the window: expired, and too far ahead */
	mk_nickname(&v, &s, nick, T0 + 2, 0, &cr, &vf);
	assert_int_equal(verify_at(&v, &cr, &vf, T0 + 2 + 61, out, rv),
	    AUTH_REJECTEDVERF);
	assert_int_equal(verify_at(&v, &cr, &vf, T0 + 2 - 61, out, rv),
	    AUTH_REJECTEDVERF);
	/* microseconds out of range */
	mk_nickname(&v, &s, nick, T0 + 3, 1000000, &cr, &vf);
	assert_int_equal(verify_at(&v, &cr, &vf, T0 + 3, out, rv),
	    AUTH_REJECTEDVERF);
	/* forged nicknames: another generation, an index out of range */
	mk_nickname(&v, &s, nick ^ 0x00010000u, T0 + 4, 0, &cr, &vf);
	assert_int_equal(verify_at(&v, &cr, &vf, T0 + 4, out, rv),
	    AUTH_REJECTEDCRED);
	mk_nickname(&v, &s, (nick & 0xffff0000u) | 0xfff0u, T0 + 4, 0, &cr,
	    &vf);
	assert_int_equal(verify_at(&v, &cr, &vf, T0 + 4, out, rv),
	    AUTH_REJECTEDCRED);
	/* a nickname verifier under another key decrypts to garbage */
	s.k[0] ^= 0x02;
	mk_nickname(&v, &s, nick, T0 + 5, 0, &cr, &vf);
	s.k[0] ^= 0x02;
	assert_int_not_equal(verify_at(&v, &cr, &vf, T0 + 5, out, rv),
	    AUTH_OK);
	/* and the session still works */
	mk_nickname(&v, &s, nick, T0 + 6, 0, &cr, &vf);
	assert_int_equal(verify_at(&v, &cr, &vf, T0 + 6, out, rv), AUTH_OK);
	/* a new fullname of the same session, later: accepted again */
	mk_fullname(&v, &s, v.ck, T0 + 7, 0, &full, &fullv);
	assert_int_equal(verify_at(&v, &full, &fullv, T0 + 7, out, rv),
	    AUTH_OK);
	assert_int_equal(check_rverf(&v, &s, rv, T0 + 7, 0), nick);

	/* fullname errors */
	s.k[7] ^= 0x10;		/* a new conversation key */
	mk_fullname(&v, &s, v.ck, T0 - 600, 0, &full, &fullv);
	assert_int_equal(verify_at(&v, &full, &fullv, T0, out, rv),
	    AUTH_REJECTEDVERF);	/* stale */
	mk_fullname(&v, &s, v.ck, T0 + 600, 0, &full, &fullv);
	assert_int_equal(verify_at(&v, &full, &fullv, T0, out, rv),
	    AUTH_REJECTEDVERF);	/* future */
	memcpy(bad, v.ck, 8);
	bad[3] ^= 0x40;
	mk_fullname(&v, &s, bad, T0 + 8, 0, &full, &fullv);
	assert_int_equal(verify_at(&v, &full, &fullv, T0 + 8, out, rv),
	    AUTH_BADCRED);	/* wrong key: window verifier mismatch */
	mk_fullname(&v, &s, v.ck, T0 + 8, 0, &full, &fullv);
	fullv.w2[0] ^= 1;
	assert_int_equal(verify_at(&v, &full, &fullv, T0 + 8, out, rv),
	    AUTH_BADCRED);	/* tampered window verifier */
	s.netname = "unix.5@dom";
	mk_fullname(&v, &s, v.ck, T0 + 8, 0, &full, &fullv);
	assert_int_equal(verify_at(&v, &full, &fullv, T0 + 8, out, rv),
	    AUTH_BADCRED);	/* no public key */
	s.netname = "unix.0@dom";
	s.w = 0;
	mk_fullname(&v, &s, v.ck, T0 + 8, 0, &full, &fullv);
	assert_int_equal(verify_at(&v, &full, &fullv, T0 + 8, out, rv),
	    AUTH_BADCRED);	/* window 0 */
	s.w = DH_MAX_WINDOW + 1;
	mk_fullname(&v, &s, v.ck, T0 + 8, 0, &full, &fullv);
	assert_int_equal(verify_at(&v, &full, &fullv, T0 + 8, out, rv),
	    AUTH_BADCRED);	/* window too wide */
	s.w = 60;
	mk_fullname(&v, &s, v.ck, T0 + 8, 1000000, &full, &fullv);
	assert_int_equal(verify_at(&v, &full, &fullv, T0 + 8, out, rv),
	    AUTH_BADVERF);	/* microseconds */

	/* a host netname has a key but no user: anonymous */
	s.netname = "unix.host1@dom";
	mk_fullname(&v, &s, v.ck, T0 + 9, 0, &full, &fullv);
	assert_int_equal(verify_at(&v, &full, &fullv, T0 + 9, out, rv),
	    AUTH_OK);
	assert_int_equal(out->uid, (uid_t)-1);
	assert_int_equal(out->gid, (gid_t)-1);
	assert_int_equal(out->ngroups, 0);

	dh_srv_free(v.d);
	dh_crypto_free(v.c);
	free(out);
}

static void
test_verify_bounded(void **state)
{
	struct vfx v;
	struct sess s = { "unix.0@dom", { 0 }, 60 };
	struct authdh_cred cr;
	struct authdh_verf vf;
	struct cred *out = calloc(1, sizeof(*out));
	uint8_t rv[12];
	uint32_t nicks[3];
	unsigned i;

	(void)state;
	assert_non_null(out);
	assert_non_null(v.d = make_srv(2, &v));
	/* three sessions in a table of two: the least recently used goes */
	for (i = 0; i < 3; i++) {
		s.k[0] = (uint8_t)(i + 1);
		mk_fullname(&v, &s, v.ck, T0 + i, 0, &cr, &vf);
		assert_int_equal(verify_at(&v, &cr, &vf, T0 + i, out, rv),
		    AUTH_OK);
		nicks[i] = check_rverf(&v, &s, rv, T0 + i, 0);
		assert_true(dh_srv_nicknames(v.d) <= 2);
	}
	assert_int_equal(dh_srv_nicknames(v.d), 2);
	/* the slot of the first now has a new generation */
	assert_int_not_equal(nicks[2], nicks[0]);
	s.k[0] = 1;
	mk_nickname(&v, &s, nicks[0], T0 + 5, 0, &cr, &vf);
	assert_int_equal(verify_at(&v, &cr, &vf, T0 + 5, out, rv),
	    AUTH_REJECTEDCRED);
	for (i = 1; i < 3; i++) {
		s.k[0] = (uint8_t)(i + 1);
		mk_nickname(&v, &s, nicks[i], T0 + 5, 0, &cr, &vf);
		assert_int_equal(verify_at(&v, &cr, &vf, T0 + 5, out, rv),
		    AUTH_OK);
	}
	dh_srv_free(v.d);
	dh_crypto_free(v.c);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_fullname),
		cmocka_unit_test(test_decode_nickname_kind),
		cmocka_unit_test(test_decode_verf),
		cmocka_unit_test(test_parity),
		cmocka_unit_test_setup_teardown(test_common_key, setup_crypto,
		    teardown_crypto),
		cmocka_unit_test_setup_teardown(test_des_known_answer,
		    setup_crypto, teardown_crypto),
		cmocka_unit_test(test_pubkeys),
		cmocka_unit_test(test_secret_file),
		cmocka_unit_test(test_netname2user),
		cmocka_unit_test(test_verify_session),
		cmocka_unit_test(test_verify_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
