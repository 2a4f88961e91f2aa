/*
 * dhkeys.c: AUTH_DH keys, Diffie-Hellman and DES (see dhkeys.h for the
 * file formats).
 *
 * OpenSSL 3 keeps single DES in its legacy provider only; it is loaded
 * into a library context of our own so that nothing else in the process
 * sees it. The modular exponentiation is OpenSSL's BN.
 */
#include <sys/stat.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "common/dhkeys.h"

#define PUBKEYS_MAX_BYTES	(16 * 1024 * 1024)

/* ------------------------------------------------------------ key files */

struct dh_pubkey {
	char	*netname;
	char	 hexpub[DH_HEXKEYBYTES + 1];
};

struct dh_pubkeys {
	struct dh_pubkey	*keys;		/* sorted by netname */
	size_t			 n;
};

static bool
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct dh_pubkey *)a)->netname,
	    ((const struct dh_pubkey *)b)->netname);
}

void
dh_pubkeys_free(struct dh_pubkeys *pk)
{
	size_t i;

	if (pk == NULL)
		return;
	for (i = 0; i < pk->n; i++)
		free(pk->keys[i].netname);
	free(pk->keys);
	free(pk);
}

/* One line [p, e): netname, blanks, 48 hex digits, ':', anything. */
static int
parse_line(const char *p, const char *e, unsigned line, struct dh_pubkey *k,
    struct parse_err *err)
{
	const char *s = p, *h;
	size_t n;

	while (p < e && !isspace((unsigned char)*p))
		p++;
	n = (size_t)(p - s);
	if (n > DH_MAXNETNAME)
		return parse_err_set(err, line, 1, "netname longer than %d "
		    "bytes", DH_MAXNETNAME);
	if (memchr(s, '\0', n) != NULL)
		return parse_err_set(err, line, 1, "NUL byte in the netname");
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	h = p;
	while (p < e && *p != ':' && !isspace((unsigned char)*p))
		p++;
	if (p == h || p == e || *p != ':')
		return parse_err_set(err, line, (unsigned)(h - s) + 1,
		    "expected \"hexpublic:hexsecret\" after the netname");
	if ((size_t)(p - h) != DH_HEXKEYBYTES || !is_hex(h, DH_HEXKEYBYTES))
		return parse_err_set(err, line, (unsigned)(h - s) + 1,
		    "the public key is not %d hex digits", DH_HEXKEYBYTES);
	if ((k->netname = strndup(s, n)) == NULL)
		return -ENOMEM;
	memcpy(k->hexpub, h, DH_HEXKEYBYTES);
	k->hexpub[DH_HEXKEYBYTES] = '\0';
	return 0;
}

int
dh_pubkeys_parse(const char *text, size_t len, struct dh_pubkeys **out,
    struct parse_err *err)
{
	struct dh_pubkeys *pk;
	struct dh_pubkey *nk;
	const char *p = text, *end = text + len, *nl, *q;
	size_t cap = 0, i;
	unsigned line = 0;
	int rc;

	*out = NULL;
	if ((pk = calloc(1, sizeof(*pk))) == NULL)
		return -ENOMEM;
	for (; p < end; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		q = nl;
		while (q > p && isspace((unsigned char)q[-1]))
			q--;
		while (p < q && isspace((unsigned char)*p))
			p++;
		if (p == q || *p == '#')
			continue;
		if (pk->n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((nk = reallocarray(pk->keys, cap,
			    sizeof(*nk))) == NULL) {
				rc = -ENOMEM;
				goto fail;
			}
			pk->keys = nk;
		}
		if ((rc = parse_line(p, q, line, &pk->keys[pk->n], err)) != 0)
			goto fail;
		pk->n++;
	}
	if (pk->n > 0)
		qsort(pk->keys, pk->n, sizeof(*pk->keys), cmp_key);
	for (i = 1; i < pk->n; i++)
		if (strcmp(pk->keys[i - 1].netname, pk->keys[i].netname) == 0) {
			rc = parse_err_set(err, 0, 0, "netname %s is given "
			    "twice", pk->keys[i].netname);
			goto fail;
		}
	*out = pk;
	return 0;
fail:
	dh_pubkeys_free(pk);
	return rc;
}

/* Read a whole regular file of at most max bytes into a new buffer. */
static int
read_file(const char *path, size_t max, char **buf, size_t *len,
    struct stat *st)
{
	char *b = NULL;
	size_t n = 0;
	ssize_t r;
	int fd, rc = 0;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return -errno;
	if (fstat(fd, st) != 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st->st_mode) || (uintmax_t)st->st_size > max) {
		rc = S_ISREG(st->st_mode) ? -EFBIG : -EINVAL;
		goto out;
	}
	if ((b = malloc((size_t)st->st_size + 1)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	while (n < (size_t)st->st_size) {
		if ((r = read(fd, b + n, (size_t)st->st_size - n)) < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
out:
	free(b);
	close(fd);
	return rc;
}

int
dh_pubkeys_load(const char *path, struct dh_pubkeys **out,
    struct parse_err *err)
{
	struct stat st;
	char *buf;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = read_file(path, PUBKEYS_MAX_BYTES, &buf, &len, &st)) != 0)
		return rc;
	rc = dh_pubkeys_parse(buf, len, out, err);
	free(buf);
	return rc;
}

const char *
dh_pubkeys_find(const struct dh_pubkeys *pk, const char *netname)
{
	struct dh_pubkey k, *f;

	if (pk == NULL || pk->n == 0)
		return NULL;
	k.netname = (char *)(uintptr_t)netname;
	f = bsearch(&k, pk->keys, pk->n, sizeof(*pk->keys), cmp_key);
	return f != NULL ? f->hexpub : NULL;
}

size_t
dh_pubkeys_count(const struct dh_pubkeys *pk)
{
	return pk != NULL ? pk->n : 0;
}

int
dh_secret_load(const char *path, char *netname, char *hexsecret,
    struct parse_err *err)
{
	struct stat st;
	char *buf, *p, *e, *s;
	size_t len, n;
	int rc;

	netname[0] = hexsecret[0] = '\0';
	if ((rc = read_file(path, 4096, &buf, &len, &st)) != 0)
		return rc;
	if ((st.st_mode & 077) != 0 || (st.st_uid != 0 &&
	    st.st_uid != geteuid())) {
		rc = -EPERM;
		goto out;
	}
	rc = parse_err_set(err, 1, 1, "expected \"netname hexsecret\" "
	    "(%d hex digits)", DH_HEXKEYBYTES);
	if (memchr(buf, '\0', len) != NULL)
		goto out;
	p = buf;
	e = buf + len;
	while (p < e && isspace((unsigned char)*p))
		p++;
	s = p;
	while (p < e && !isspace((unsigned char)*p))
		p++;
	if ((n = (size_t)(p - s)) == 0 || n > DH_MAXNETNAME)
		goto out;
	memcpy(netname, s, n);
	netname[n] = '\0';
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	s = p;
	while (p < e && !isspace((unsigned char)*p))
		p++;
	if ((size_t)(p - s) != DH_HEXKEYBYTES || !is_hex(s, DH_HEXKEYBYTES))
		goto out;
	while (p < e && isspace((unsigned char)*p))
		p++;
	if (p != e)
		goto out;
	memcpy(hexsecret, s, DH_HEXKEYBYTES);
	hexsecret[DH_HEXKEYBYTES] = '\0';
	rc = 0;
out:
	if (rc != 0)
		netname[0] = '\0';
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}

/* ------------------------------------------------------------ crypto */

struct dh_crypto {
	OSSL_LIB_CTX	*lib;
	OSSL_PROVIDER	*legacy;
	EVP_CIPHER	*ecb, *cbc;
	BIGNUM		*mod;
};

void
dh_crypto_free(struct dh_crypto *c)
{
	if (c == NULL)
		return;
	EVP_CIPHER_free(c->ecb);
	EVP_CIPHER_free(c->cbc);
	BN_free(c->mod);
	if (c->legacy != NULL)
		OSSL_PROVIDER_unload(c->legacy);
	OSSL_LIB_CTX_free(c->lib);
	free(c);
}

static int
des(const struct dh_crypto *c, const EVP_CIPHER *ciph, const uint8_t key[8],
    bool enc, uint8_t *buf, size_t len)
{
	static const uint8_t zero_iv[8];
	EVP_CIPHER_CTX *x;
	int n = 0, m = 0, rc = -EIO;

	(void)c;
	if (len == 0 || len % 8 != 0 || len > INT_MAX)
		return -EINVAL;
	if ((x = EVP_CIPHER_CTX_new()) == NULL)
		return -ENOMEM;
	if (EVP_CipherInit_ex2(x, ciph, key, zero_iv, enc ? 1 : 0, NULL) == 1 &&
	    EVP_CIPHER_CTX_set_padding(x, 0) == 1 &&
	    EVP_CipherUpdate(x, buf, &n, buf, (int)len) == 1 &&
	    EVP_CipherFinal_ex(x, buf + n, &m) == 1 && (size_t)(n + m) == len)
		rc = 0;
	EVP_CIPHER_CTX_free(x);
	return rc;
}

int
dh_des_ecb(const struct dh_crypto *c, const uint8_t key[8], bool enc,
    uint8_t *buf, size_t len)
{
	return des(c, c->ecb, key, enc, buf, len);
}

int
dh_des_cbc(const struct dh_crypto *c, const uint8_t key[8], bool enc,
    uint8_t *buf, size_t len)
{
	return des(c, c->cbc, key, enc, buf, len);
}

void
dh_des_setparity(uint8_t key[8])
{
	unsigned i, b, ones;

	/* Sun's des_setparity() (keyserv's, glibc's, libtirpc's) looks the
	 * byte up with its top bit masked off: bit 7 comes out 0, so the
	 * key really is this, whatever the DES standard would say. */
	for (i = 0; i < 8; i++) {
		key[i] &= 0x7eu;
		ones = 0;
		for (b = 1; b < 7; b++)
			ones += (key[i] >> b) & 1u;
		key[i] = (uint8_t)(key[i] | ((ones & 1u) ? 0u : 1u));
	}
}

/* Parse a hex key into a BIGNUM in (0, mod). */
static int
hex_bn(const struct dh_crypto *c, const char *hex, BIGNUM **out)
{
	size_t n = strlen(hex);

	*out = NULL;
	if (n == 0 || n > DH_HEXKEYBYTES || !is_hex(hex, n))
		return -EINVAL;
	if (BN_hex2bn(out, hex) != (int)n)
		return -ENOMEM;
	if (BN_is_zero(*out) || BN_cmp(*out, c->mod) >= 0) {
		BN_free(*out);
		*out = NULL;
		return -EINVAL;
	}
	return 0;
}

int
dh_common_key(const struct dh_crypto *c, const char *hexpub,
    const char *hexsecret, uint8_t key[8])
{
	BIGNUM *pub = NULL, *sec = NULL, *r = NULL;
	BN_CTX *bx = NULL;
	uint8_t be[24];
	unsigned i;
	int rc;

	if ((rc = hex_bn(c, hexpub, &pub)) != 0 ||
	    (rc = hex_bn(c, hexsecret, &sec)) != 0)
		goto out;
	rc = -ENOMEM;
	if ((r = BN_new()) == NULL || (bx = BN_CTX_new()) == NULL)
		goto out;
	BN_set_flags(sec, BN_FLG_CONSTTIME);
	if (BN_mod_exp(r, pub, sec, c->mod, bx) != 1 ||
	    BN_bn2binpad(r, be, sizeof(be)) != (int)sizeof(be))
		goto out;
	/* be[] is big-endian: bits 64-127 are be[8..15], key[0] the lowest */
	for (i = 0; i < 8; i++)
		key[i] = be[15 - i];
	dh_des_setparity(key);
	explicit_bzero(be, sizeof(be));
	rc = 0;
out:
	BN_clear_free(sec);
	BN_free(pub);
	BN_clear_free(r);
	BN_CTX_free(bx);
	return rc;
}

struct dh_crypto *
dh_crypto_new(char *why, size_t whylen)
{
	/* FIPS 81 / NBS test: key 0123456789abcdef, "Now is t" */
	static const uint8_t tkey[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
	    0xcd, 0xef };
	static const uint8_t tplain[8] = { 'N', 'o', 'w', ' ', 'i', 's', ' ',
	    't' };
	static const uint8_t tcipher[8] = { 0x3f, 0xa4, 0x0e, 0x8a, 0x98, 0x4d,
	    0x48, 0x15 };
	struct dh_crypto *c;
	uint8_t b[16], k[8];
	char hex[DH_HEXKEYBYTES + 1];

	snprintf(why, whylen, "out of memory");
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->lib = OSSL_LIB_CTX_new()) == NULL)
		goto fail;
	if ((c->legacy = OSSL_PROVIDER_load(c->lib, "legacy")) == NULL) {
		snprintf(why, whylen, "OpenSSL's legacy provider (DES) cannot "
		    "be loaded");
		goto fail;
	}
	c->ecb = EVP_CIPHER_fetch(c->lib, "DES-ECB", NULL);
	c->cbc = EVP_CIPHER_fetch(c->lib, "DES-CBC", NULL);
	if (c->ecb == NULL || c->cbc == NULL) {
		snprintf(why, whylen, "DES is not in OpenSSL's legacy provider");
		goto fail;
	}
	if (BN_hex2bn(&c->mod, DH_HEXMODULUS) != DH_HEXKEYBYTES)
		goto fail;
	/* DES known answer, both modes, both ways */
	memcpy(b, tplain, 8);
	memcpy(b + 8, tplain, 8);
	if (dh_des_ecb(c, tkey, true, b, 8) != 0 ||
	    memcmp(b, tcipher, 8) != 0 ||
	    dh_des_ecb(c, tkey, false, b, 8) != 0 ||
	    memcmp(b, tplain, 8) != 0 ||
	    dh_des_cbc(c, tkey, true, b, 16) != 0 ||
	    memcmp(b, tcipher, 8) != 0 ||
	    dh_des_cbc(c, tkey, false, b, 16) != 0 ||
	    memcmp(b + 8, tplain, 8) != 0) {
		snprintf(why, whylen, "DES self-test failed");
		goto fail;
	}
	/* 3^1 is 3: the arithmetic answers (and BN's tables are set up) */
	snprintf(hex, sizeof(hex), "%048x", DH_GENERATOR);
	if (dh_common_key(c, hex, "1", k) != 0) {
		snprintf(why, whylen, "Diffie-Hellman self-test failed");
		goto fail;
	}
	return c;
fail:
	dh_crypto_free(c);
	return NULL;
}

/* ------------------------------------------------------------ names */

const char *
dh_netname_domain(const char *netname)
{
	const char *at = strrchr(netname, '@');

	return at != NULL && at[1] != '\0' ? at + 1 : NULL;
}

int
dh_netname2user(const char *netname, const char *domain, uid_t *uid,
    gid_t *gid, gid_t *groups, unsigned *ngroups, unsigned maxgroups)
{
	struct passwd pw, *pwp = NULL;
	const char *p, *at;
	unsigned long v = 0;
	char *buf;
	long sz;
	int ng, rc;

	*ngroups = 0;
	if (strncmp(netname, "unix.", 5) != 0)
		return -EINVAL;
	p = netname + 5;
	if ((at = strchr(p, '@')) == NULL || at == p || at - p > 10)
		return -EINVAL;
	for (; p < at; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;	/* a host netname, not a user */
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v >= (unsigned long)(uid_t)-1 || at[1] == '\0' ||
	    domain == NULL || strcmp(at + 1, domain) != 0)
		return -EINVAL;
	if (at - (netname + 5) > 1 && netname[5] == '0')
		return -EINVAL;		/* one spelling per uid */
	if ((sz = sysconf(_SC_GETPW_R_SIZE_MAX)) < 16384)
		sz = 16384;
	if ((buf = malloc((size_t)sz)) == NULL)
		return -ENOMEM;
	if (getpwuid_r((uid_t)v, &pw, buf, (size_t)sz, &pwp) != 0 ||
	    pwp == NULL) {
		rc = -ENOENT;
		goto out;
	}
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
	ng = maxgroups > INT_MAX ? INT_MAX : (int)maxgroups;
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &ng) < 0)
		ng = (int)maxgroups;	/* truncated to what fits */
	*ngroups = ng < 0 ? 0 : (unsigned)ng;
	rc = 0;
out:
	free(buf);
	return rc;
}
