/*
 * dhcall: an AUTH_DH (RFC 2695 section 2) client for the server's tests,
 * written from the RFC on its own: its own XDR of the call header,
 * credential and verifiers, its own Diffie-Hellman (the RFC's 192-bit
 * modulus and generator 3; the DES key taken from the middle of the
 * common key by shifts, not by the server's byte indexing) and DES from
 * OpenSSL's legacy provider. Nothing of the server's AUTH_DH code is
 * linked in. NFS arguments and results use the suite's generated XDR.
 *
 *	dhcall genkey
 *	    prints "HEXPUBLIC HEXSECRET", a new key pair (48 hex digits each)
 *	dhcall [-p PORT] [-w WINDOW] [-1 [-n N] | -M] SERVER SRVNETNAME SRVHEXPUB
 *	    NETNAME HEXSECRET ROOTFH NAME
 *	    over one TCP connection to SERVER's NFS v3 (PORT, default 2049),
 *	    as NETNAME with secret key HEXSECRET, to a server whose netname
 *	    and public key are SRVNETNAME and SRVHEXPUB:
 *
 *	fullname	NULL, fullname credential; the reply verifier must be
 *			E(timestamp - 1) and carries the nickname
 *	create		CREATE3 of NAME (UNCHECKED, mode 0644) in ROOTFH (hex)
 *			with the nickname: "status=N uid=U gid=G" of the file
 *	nickname	GETATTR of ROOTFH with the nickname
 *	(with -1, only those three, -n N times over, each a new session;
 *	with -M, to MOUNT v3 (PORT 20048
 *	unless given) only fullname and a nickname NULL, "nickname-null";
 *	otherwise also:)
 *	replay-nickname	the nickname GETATTR record sent again, byte for byte
 *	replay-fullname	the fullname NULL record sent again, byte for byte
 *	stale		a new session, its timestamp 10 windows in the past
 *	future		... 10 windows ahead of the clock
 *	wrong-key	a new session whose conversation key is encrypted with
 *			a common key from another secret key (not NETNAME's)
 *	unknown-netname	a fullname for a netname with no public key
 *	ctrl-netname	the same with a newline in the netname
 *	forged-nickname	the nickname with another generation (high 16 bits)
 *	truncated	the fullname credential without its last 4 bytes
 *	long-netname	a 256-byte netname
 *	short-verf	an 8-byte verifier
 *	bad-kind	namekind 2
 *	nickname-again	GETATTR with the nickname: still served
 *
 * One line per check: "NAME: ok [verf=ok] [nickname=0x...] [status=N
 * ...]" for an accepted call, "NAME: autherr N" (the auth_stat) for a
 * refused one, "NAME: error TEXT" otherwise. Exit 0 when every call got
 * an answer, 1 otherwise, 2 on a usage error.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <rpc/rpc.h>

#include "xdr/nfs3.h"

#define MODULUS		"d4a0ba0250b6fd2ec626e7efd637df76c716e22d0944b88b"
#define XDRP(f)		((xdrproc_t)(void (*)(void))(f))
#define MAXMSG		(64 * 1024)

static OSSL_LIB_CTX *libctx;
static EVP_CIPHER *des_ecb, *des_cbc;
static int fd = -1;
static uint32_t next_xid;
static uint32_t prog = 100003;		/* -M: 100005 */
static bool failed;

/* ------------------------------------------------------------ crypto */

static void
die(const char *what)
{
	fprintf(stderr, "dhcall: %s\n", what);
	exit(1);
}

static void
crypto_init(void)
{
	if ((libctx = OSSL_LIB_CTX_new()) == NULL ||
	    OSSL_PROVIDER_load(libctx, "legacy") == NULL ||
	    (des_ecb = EVP_CIPHER_fetch(libctx, "DES-ECB", NULL)) == NULL ||
	    (des_cbc = EVP_CIPHER_fetch(libctx, "DES-CBC", NULL)) == NULL)
		die("no DES in OpenSSL's legacy provider");
}

static void
des(EVP_CIPHER *c, const uint8_t key[8], int enc, uint8_t *buf, int len)
{
	static const uint8_t iv[8];
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int n, m;

	if (x == NULL || EVP_CipherInit_ex2(x, c, key, iv, enc, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(x, 0) != 1 ||
	    EVP_CipherUpdate(x, buf, &n, buf, len) != 1 ||
	    EVP_CipherFinal_ex(x, buf + n, &m) != 1 || n + m != len)
		die("DES failed");
	EVP_CIPHER_CTX_free(x);
}

static BIGNUM *
bn_hex(const char *hex)
{
	BIGNUM *b = NULL;

	if (BN_hex2bn(&b, hex) == 0)
		die("bad hex key");
	return b;
}

static void
print_key(const BIGNUM *b)
{
	uint8_t buf[24];
	int i;

	if (BN_bn2binpad(b, buf, 24) != 24)
		die("key too long");
	for (i = 0; i < 24; i++)
		printf("%02x", buf[i]);
}

static void
genkey(void)
{
	BIGNUM *p = bn_hex(MODULUS), *s = BN_new(), *pub = BN_new(),
	    *g = BN_new();
	BN_CTX *bx = BN_CTX_new();

	if (s == NULL || pub == NULL || g == NULL || bx == NULL ||
	    !BN_set_word(g, 3))
		die("out of memory");
	do {
		if (!BN_rand_range(s, p))
			die("no random numbers");
	} while (BN_is_zero(s) || BN_is_one(s));
	if (!BN_mod_exp(pub, g, s, p, bx))
		die("BN_mod_exp");
	print_key(pub);
	putchar(' ');
	print_key(s);
	putchar('\n');
	BN_free(p);
	BN_free(s);
	BN_free(pub);
	BN_free(g);
	BN_CTX_free(bx);
}

/* The DES key from pub^secret mod p: bits 64 to 127, lowest byte first,
 * each byte as keyserv's des_setparity() leaves it. */
static void
common_key(const char *hexpub, const char *hexsecret, uint8_t key[8])
{
	BIGNUM *p = bn_hex(MODULUS), *pub = bn_hex(hexpub),
	    *s = bn_hex(hexsecret), *ck = BN_new();
	BN_CTX *bx = BN_CTX_new();
	int i;

	if (ck == NULL || bx == NULL || !BN_mod_exp(ck, pub, s, p, bx) ||
	    !BN_rshift(ck, ck, 64) || !BN_mask_bits(ck, 64) ||
	    BN_bn2lebinpad(ck, key, 8) != 8)
		die("common key");
	/* Sun's des_setparity(): bits 1-6 kept, bit 7 dropped, bit 0 the
	 * odd parity of the byte */
	for (i = 0; i < 8; i++)
		key[i] = (uint8_t)((key[i] & 0x7e) |
		    !__builtin_parity(key[i] & 0x7e));
	BN_free(p);
	BN_free(pub);
	BN_free(s);
	BN_free(ck);
	BN_CTX_free(bx);
}

/* ------------------------------------------------------------ XDR by hand */

struct buf {
	uint8_t	b[MAXMSG];
	size_t	n;
};

static void
put32(struct buf *b, uint32_t v)
{
	v = htonl(v);
	memcpy(b->b + b->n, &v, 4);
	b->n += 4;
}

static void
put_bytes(struct buf *b, const void *p, size_t n)
{
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void
put_opaque(struct buf *b, const void *p, size_t n)
{
	put32(b, (uint32_t)n);
	put_bytes(b, p, n);
	while (b->n % 4 != 0)
		b->b[b->n++] = 0;
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

/* ------------------------------------------------------------ sessions */

struct session {
	char		netname[300];
	uint8_t		key[8];		/* conversation key */
	uint32_t	window;
	uint32_t	nickname;
	bool		have_nick;
	uint32_t	last_sec, last_usec;
};

static void
now_ts(struct session *s, int32_t shift, uint32_t *sec, uint32_t *usec)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	*sec = (uint32_t)(tv.tv_sec + shift);
	*usec = (uint32_t)tv.tv_usec;
	/* strictly after the last one, as the RFC asks */
	if (shift == 0 && (*sec < s->last_sec || (*sec == s->last_sec &&
	    *usec <= s->last_usec))) {
		*sec = s->last_sec;
		*usec = s->last_usec + 1;
		if (*usec >= 1000000) {
			*sec += 1;
			*usec = 0;
		}
	}
	if (shift == 0) {
		s->last_sec = *sec;
		s->last_usec = *usec;
	}
}

/* A fullname credential and verifier for s, encrypting its conversation
 * key with ck. */
static void
fullname_auth(struct session *s, const uint8_t ck[8], uint32_t sec,
    uint32_t usec, struct buf *cred, struct buf *verf)
{
	uint8_t ek[8], blk[16];

	cred->n = verf->n = 0;
	memcpy(ek, s->key, 8);
	des(des_ecb, ck, 1, ek, 8);
	/* timestamp, window, window - 1: one CBC chain */
	{
		uint32_t w[4] = { htonl(sec), htonl(usec), htonl(s->window),
		    htonl(s->window - 1) };

		memcpy(blk, w, 16);
	}
	des(des_cbc, s->key, 1, blk, 16);
	put32(cred, 0);				/* ADN_FULLNAME */
	put_opaque(cred, s->netname, strlen(s->netname));
	put_bytes(cred, ek, 8);
	put_bytes(cred, blk + 8, 4);		/* w1: the window */
	put_bytes(verf, blk, 8);		/* the timestamp */
	put_bytes(verf, blk + 12, 4);		/* w2: window - 1 */
}

static void
nickname_auth(struct session *s, uint32_t nick, uint32_t sec, uint32_t usec,
    struct buf *cred, struct buf *verf)
{
	struct buf t = { .n = 0 };

	cred->n = verf->n = 0;
	put32(cred, 1);				/* ADN_NICKNAME */
	put32(cred, nick);
	put32(&t, sec);
	put32(&t, usec);
	des(des_ecb, s->key, 1, t.b, 8);
	put_bytes(verf, t.b, 8);
	put32(verf, 0);
}

static void
new_session(struct session *s, const char *netname, uint32_t window)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->netname, sizeof(s->netname), "%s", netname);
	if (RAND_bytes(s->key, 8) != 1)
		die("no random numbers");
	s->window = window;
}

/* ------------------------------------------------------------ calls */

struct reply {
	bool		accepted;
	uint32_t	auth_stat;	/* denied */
	uint32_t	accept_stat;
	uint32_t	vflavor, vlen;
	uint8_t		verf[400];
	uint8_t		body[MAXMSG];
	size_t		blen;
};

static void
build_call(struct buf *m, uint32_t proc, const struct buf *cred,
    const struct buf *verf, const struct buf *args)
{
	m->n = 4;				/* the record mark, later */
	put32(m, ++next_xid);
	put32(m, 0);				/* CALL */
	put32(m, 2);
	put32(m, prog);
	put32(m, 3);
	put32(m, proc);
	put32(m, 3);				/* AUTH_DH */
	put_opaque(m, cred->b, cred->n);
	put32(m, 3);
	put_opaque(m, verf->b, verf->n);
	if (args != NULL)
		put_bytes(m, args->b, args->n);
	{
		uint32_t rm = htonl(0x80000000u | (uint32_t)(m->n - 4));

		memcpy(m->b, &rm, 4);
	}
}

static bool
read_full(void *p, size_t n)
{
	uint8_t *b = p;
	ssize_t r;

	while (n > 0) {
		if ((r = read(fd, b, n)) <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return false;
		}
		b += r;
		n -= (size_t)r;
	}
	return true;
}

/* Send record m, read the reply. false with a reason printed. */
static bool
exchange(const char *name, const struct buf *m, struct reply *r)
{
	uint8_t *rec = malloc(MAXMSG);
	uint32_t mark, len, off, xid = get32(m->b + 4);
	size_t n = 0;
	bool last = false, ok = false;

	memset(r, 0, sizeof(*r));
	if (rec == NULL)
		die("out of memory");
	if (write(fd, m->b, m->n) != (ssize_t)m->n) {
		printf("%s: error send: %s\n", name, strerror(errno));
		goto out;
	}
	while (!last) {
		if (!read_full(&mark, 4))
			goto eof;
		mark = ntohl(mark);
		last = (mark & 0x80000000u) != 0;
		len = mark & 0x7fffffffu;
		if (len > MAXMSG - n)
			goto eof;
		if (!read_full(rec + n, len))
			goto eof;
		n += len;
	}
	if (n < 12 || get32(rec) != xid || get32(rec + 4) != 1)
		goto eof;
	if (get32(rec + 8) == 1) {		/* MSG_DENIED */
		if (n < 20 || get32(rec + 12) != 1)
			goto eof;
		r->auth_stat = get32(rec + 16);
		ok = true;
		goto out;
	}
	r->accepted = true;
	r->vflavor = get32(rec + 12);
	r->vlen = get32(rec + 16);
	off = 20;
	if (r->vlen > 400 || n < off + ((r->vlen + 3) & ~3u) + 4)
		goto eof;
	memcpy(r->verf, rec + off, r->vlen);
	off += (r->vlen + 3) & ~3u;
	r->accept_stat = get32(rec + off);
	off += 4;
	r->blen = n - off;
	memcpy(r->body, rec + off, r->blen);
	ok = true;
	goto out;
eof:
	printf("%s: error no reply\n", name);
out:
	free(rec);
	if (!ok)
		failed = true;
	return ok;
}

/* Print the outcome; for an accepted call check the reply verifier
 * against s and the timestamp sent (sec, usec), and take the nickname. */
static bool
report(const char *name, struct reply *r, struct session *s, uint32_t sec,
    uint32_t usec, const char *extra)
{
	uint8_t t[8];

	if (!r->accepted) {
		printf("%s: autherr %u\n", name, r->auth_stat);
		return false;
	}
	if (r->accept_stat != 0) {
		printf("%s: error accept_stat %u\n", name, r->accept_stat);
		failed = true;
		return false;
	}
	if (r->vflavor != 3 || r->vlen != 12) {
		printf("%s: ok verf=bad (flavour %u, %u bytes)\n", name,
		    r->vflavor, r->vlen);
		return true;
	}
	memcpy(t, r->verf, 8);
	des(des_ecb, s->key, 0, t, 8);
	s->nickname = get32(r->verf + 8);
	s->have_nick = true;
	printf("%s: ok verf=%s nickname=%#x%s%s\n", name,
	    get32(t) == sec - 1 && get32(t + 4) == usec ? "ok" : "bad",
	    s->nickname, extra != NULL ? " " : "", extra != NULL ? extra : "");
	return true;
}

/* A fullname NULL for s with common key ck, shifted in time. The record
 * is left in *m. */
static void
do_fullname(const char *name, struct session *s, const uint8_t ck[8],
    int32_t shift, struct buf *m)
{
	struct buf cred, verf;
	struct reply *r = malloc(sizeof(*r));
	uint32_t sec, usec;

	if (r == NULL)
		die("out of memory");
	now_ts(s, shift, &sec, &usec);
	fullname_auth(s, ck, sec, usec, &cred, &verf);
	build_call(m, 0, &cred, &verf, NULL);
	if (exchange(name, m, r))
		report(name, r, s, sec, usec, NULL);
	free(r);
}

static void
encode_args(struct buf *a, xdrproc_t fn, void *args)
{
	XDR x;

	xdrmem_create(&x, (char *)a->b, sizeof(a->b), XDR_ENCODE);
	if (!fn(&x, args))
		die("cannot encode arguments");
	a->n = xdr_getpos(&x);
	xdr_destroy(&x);
}

static void
do_getattr(const char *name, struct session *s, uint32_t nick,
    nfs_fh3 *root, struct buf *m)
{
	struct buf cred, verf, a;
	struct reply *r = malloc(sizeof(*r));
	GETATTR3args ga = { .object = *root };
	char extra[64];
	uint32_t sec, usec;

	if (r == NULL)
		die("out of memory");
	encode_args(&a, XDRP(xdr_GETATTR3args), &ga);
	now_ts(s, 0, &sec, &usec);
	nickname_auth(s, nick, sec, usec, &cred, &verf);
	build_call(m, 1, &cred, &verf, &a);
	if (exchange(name, m, r)) {
		snprintf(extra, sizeof(extra), "status=%u",
		    r->blen >= 4 ? get32(r->body) : 9999u);
		report(name, r, s, sec, usec, extra);
	}
	free(r);
}

static void
do_create(struct session *s, nfs_fh3 *root, char *fname)
{
	struct buf cred, verf, a, m;
	struct reply *r = malloc(sizeof(*r));
	CREATE3args ca;
	CREATE3res res;
	char extra[128];
	uint32_t sec, usec;
	XDR x;

	if (r == NULL)
		die("out of memory");
	memset(&ca, 0, sizeof(ca));
	ca.where.dir = *root;
	ca.where.name = fname;
	ca.how.mode = UNCHECKED;
	ca.how.createhow3_u.obj_attributes.mode.set_it = TRUE;
	ca.how.createhow3_u.obj_attributes.mode.set_mode3_u.mode = 0644;
	encode_args(&a, XDRP(xdr_CREATE3args), &ca);
	now_ts(s, 0, &sec, &usec);
	nickname_auth(s, s->nickname, sec, usec, &cred, &verf);
	build_call(&m, 8, &cred, &verf, &a);
	if (exchange("create", &m, r)) {
		memset(&res, 0, sizeof(res));
		snprintf(extra, sizeof(extra), "status=?");
		xdrmem_create(&x, (char *)r->body, (u_int)r->blen, XDR_DECODE);
		if (r->accepted && xdr_CREATE3res(&x, &res)) {
			if (res.status == NFS3_OK && res.CREATE3res_u.resok.
			    obj_attributes.attributes_follow) {
				fattr3 *f = &res.CREATE3res_u.resok.
				    obj_attributes.post_op_attr_u.attributes;

				snprintf(extra, sizeof(extra), "status=0 "
				    "uid=%u gid=%u", f->uid, f->gid);
			} else
				snprintf(extra, sizeof(extra), "status=%d",
				    (int)res.status);
			xdr_free(XDRP(xdr_CREATE3res), &res);
		}
		xdr_destroy(&x);
		report("create", r, s, sec, usec, extra);
	}
	free(r);
}

/* A hand-made credential and verifier, sent with NULL. */
static void
do_raw(const char *name, const struct buf *cred, const struct buf *verf)
{
	struct buf m;
	struct reply *r = malloc(sizeof(*r));

	if (r == NULL)
		die("out of memory");
	build_call(&m, 0, cred, verf, NULL);
	if (exchange(name, &m, r)) {
		if (r->accepted)
			printf("%s: ok (accepted)\n", name);
		else
			printf("%s: autherr %u\n", name, r->auth_stat);
	}
	free(r);
}

static void
do_resend(const char *name, const struct buf *m)
{
	struct reply *r = malloc(sizeof(*r));

	if (r == NULL)
		die("out of memory");
	if (exchange(name, m, r)) {
		if (r->accepted)
			printf("%s: ok (accepted)\n", name);
		else
			printf("%s: autherr %u\n", name, r->auth_stat);
	}
	free(r);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
usage(void)
{
	fprintf(stderr, "usage: dhcall genkey\n"
	    "       dhcall [-p PORT] [-w WINDOW] [-1 [-n N] | -M] SERVER SRVNETNAME "
	    "SRVHEXPUB NETNAME HEXSECRET ROOTFH NAME\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static struct buf full_rec, nick_rec, scratch, cred, verf;
	struct session s, t;
	struct sockaddr_in sin;
	struct addrinfo hints, *ai;
	uint8_t ck[8], wrong[8], fh[NFS3_FHSIZE];
	nfs_fh3 root;
	const char *hex;
	char longname[257];
	long port = 2049, window = 60;
	bool short_run = false, mount = false;
	long repeat = 1;
	size_t i, n;
	int c;

	while ((c = getopt(argc, argv, "p:w:1Mn:")) != -1) {
		switch (c) {
		case 'n':
			repeat = strtol(optarg, NULL, 10);
			break;
		case 'p':
			port = strtol(optarg, NULL, 10);
			break;
		case 'M':
			mount = true;
			prog = 100005;
			if (port == 2049)
				port = 20048;
			break;
		case 'w':
			window = strtol(optarg, NULL, 10);
			break;
		case '1':
			short_run = true;
			break;
		default:
			return usage();
		}
	}
	argc -= optind;
	argv += optind;
	crypto_init();
	if (argc == 1 && strcmp(argv[0], "genkey") == 0) {
		genkey();
		return 0;
	}
	if (argc != 7 || port <= 0 || port > 65535 || window <= 0 ||
	    repeat < 1)
		return usage();
	hex = argv[5];
	n = strlen(hex) / 2;
	if (strlen(hex) % 2 != 0 || n == 0 || n > sizeof(fh))
		return usage();
	for (i = 0; i < n; i++) {
		if (hexval(hex[2 * i]) < 0 || hexval(hex[2 * i + 1]) < 0)
			return usage();
		fh[i] = (uint8_t)(hexval(hex[2 * i]) << 4 |
		    hexval(hex[2 * i + 1]));
	}
	root.data.data_len = (u_int)n;
	root.data.data_val = (char *)fh;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(argv[0], NULL, &hints, &ai) != 0)
		die("unknown server");
	memcpy(&sin, ai->ai_addr, sizeof(sin));
	freeaddrinfo(ai);
	sin.sin_port = htons((uint16_t)port);
	/* a reserved port, as clients of a "secure" export use */
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bindresvport(fd, NULL) != 0 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		die("cannot connect");
	next_xid = (uint32_t)getpid() << 12;

	/* the session: fullname, then nicknames */
	common_key(argv[2], argv[4], ck);
again:
	new_session(&s, argv[3], (uint32_t)window);
	do_fullname("fullname", &s, ck, 0, &full_rec);
	if (mount) {
		uint32_t sec, usec;
		struct reply *r = malloc(sizeof(*r));

		if (r == NULL)
			die("out of memory");
		now_ts(&s, 0, &sec, &usec);
		nickname_auth(&s, s.nickname, sec, usec, &cred, &verf);
		build_call(&scratch, 0, &cred, &verf, NULL);
		if (exchange("nickname-null", &scratch, r))
			report("nickname-null", r, &s, sec, usec, NULL);
		free(r);
		goto out;
	}
	do_create(&s, &root, argv[6]);
	do_getattr("nickname", &s, s.nickname, &root, &nick_rec);
	if (short_run && --repeat > 0)
		goto again;
	if (short_run)
		goto out;

	do_resend("replay-nickname", &nick_rec);
	do_resend("replay-fullname", &full_rec);

	new_session(&t, argv[3], (uint32_t)window);
	do_fullname("stale", &t, ck, -10 * (int32_t)window, &scratch);
	new_session(&t, argv[3], (uint32_t)window);
	do_fullname("future", &t, ck, 10 * (int32_t)window, &scratch);

	/* another secret's common key with the server */
	{
		const char *other =
		    "0123456789abcdef0123456789abcdef0123456789abcdef";

		common_key(argv[2], other, wrong);
	}
	new_session(&t, argv[3], (uint32_t)window);
	do_fullname("wrong-key", &t, wrong, 0, &scratch);
	new_session(&t, "unix.4242@no.such.domain", (uint32_t)window);
	do_fullname("unknown-netname", &t, ck, 0, &scratch);
	new_session(&t, "unix.4243@x\nforged: line", (uint32_t)window);
	do_fullname("ctrl-netname", &t, ck, 0, &scratch);

	do_getattr("forged-nickname", &s, s.nickname ^ 0x5a5a0000u, &root,
	    &scratch);

	/* malformed credentials and verifiers */
	{
		uint32_t sec, usec;

		new_session(&t, argv[3], (uint32_t)window);
		now_ts(&t, 0, &sec, &usec);
		fullname_auth(&t, ck, sec, usec, &cred, &verf);
		cred.n -= 4;
		do_raw("truncated", &cred, &verf);

		memset(longname, 'a', 256);
		longname[256] = '\0';
		new_session(&t, longname, (uint32_t)window);
		now_ts(&t, 0, &sec, &usec);
		fullname_auth(&t, ck, sec, usec, &cred, &verf);
		do_raw("long-netname", &cred, &verf);

		new_session(&t, argv[3], (uint32_t)window);
		now_ts(&t, 0, &sec, &usec);
		fullname_auth(&t, ck, sec, usec, &cred, &verf);
		verf.n = 8;
		do_raw("short-verf", &cred, &verf);

		cred.n = 0;
		put32(&cred, 2);
		put32(&cred, 0);
		verf.n = 12;
		do_raw("bad-kind", &cred, &verf);
	}
	do_getattr("nickname-again", &s, s.nickname, &root, &scratch);
out:
	close(fd);
	return failed ? 1 : 0;
}
