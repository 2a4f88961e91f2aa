/*
 * test_xdr.c: the rpcgen-generated XDR routines of the xdr/ directory.
 *
 * Round trips (encode, decode, encode again, compare bytes) for
 * representative types of every protocol file, byte-exact checks of a few
 * encodings against bytes worked out by hand from RFC 4506, and decoding
 * limits: oversized counted fields, absurd lengths, bad union arms and
 * every truncation of several encodings must fail cleanly (no crash, and
 * xdr_free() afterwards releases whatever was decoded; the sanitizer build
 * checks for leaks and double frees).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <rpc/rpc.h>

#include "xdr/mount.h"
#include "xdr/nfs2.h"
#include "xdr/nfs3.h"
#include "xdr/nlm4.h"
#include "xdr/nsm.h"
#include "xdr/rquota.h"

/* xdr_free() takes the generic xdrproc_t; the detour keeps
 * -Wcast-function-type quiet about a deliberate cast. */
#define XP(f)		((xdrproc_t)(void (*)(void))(f))

#define XBUF_SIZE	(64 * 1024)

struct xbuf {
	u_int	len;
	char	b[XBUF_SIZE];
};

/* An XDR decoding stream over buf[0..len). */
static XDR *
dec_open(XDR *x, const void *buf, u_int len)
{
	xdrmem_create(x, (char *)(uintptr_t)buf, len, XDR_DECODE);
	return x;
}

/* An XDR encoding stream over xb, reset to empty. */
static XDR *
enc_open(XDR *x, struct xbuf *xb)
{
	xb->len = 0;
	xdrmem_create(x, xb->b, sizeof(xb->b), XDR_ENCODE);
	return x;
}

/* Encode *objp with xdr_T into xb; the encoding must succeed. */
#define ENCODE(T, objp, xb) do {					\
	XDR ex_;							\
	assert_true(xdr_##T(enc_open(&ex_, (xb)), (objp)));		\
	(xb)->len = xdr_getpos(&ex_);					\
	xdr_destroy(&ex_);						\
} while (0)

/*
 * Encode *in, decode the bytes into *out (zeroed first), check that the
 * decoder consumed everything, encode *out and compare the two encodings.
 * The caller checks fields of *out and frees it with xdr_free().
 */
#define ROUNDTRIP(T, in, out) do {					\
	struct xbuf *a_ = malloc(sizeof(*a_));				\
	struct xbuf *b_ = malloc(sizeof(*b_));				\
	XDR dx_;							\
	assert_non_null(a_);						\
	assert_non_null(b_);						\
	ENCODE(T, (in), a_);						\
	memset((out), 0, sizeof(*(out)));				\
	assert_true(xdr_##T(dec_open(&dx_, a_->b, a_->len), (out)));	\
	assert_int_equal(xdr_getpos(&dx_), a_->len);			\
	xdr_destroy(&dx_);						\
	ENCODE(T, (out), b_);						\
	assert_int_equal(a_->len, b_->len);				\
	assert_memory_equal(a_->b, b_->b, a_->len);			\
	free(a_);							\
	free(b_);							\
} while (0)

/* Decoding buf[0..len) as T must fail; whatever was decoded is freed. */
#define DECODE_FAILS(T, buf, len) do {					\
	T o_;								\
	XDR fx_;							\
	memset(&o_, 0, sizeof(o_));					\
	assert_false(xdr_##T(dec_open(&fx_, (buf), (len)), &o_));	\
	xdr_destroy(&fx_);						\
	xdr_free(XP(xdr_##T), &o_);					\
} while (0)

/* Every strict prefix of a valid encoding must fail to decode. */
#define TRUNCATIONS_FAIL(T, buf, len) do {				\
	for (u_int l_ = 0; l_ < (len); l_++)				\
		DECODE_FAILS(T, (buf), l_);				\
} while (0)

/* Big-endian 32-bit words into a byte buffer, for hand-made encodings. */
static size_t
put32(unsigned char *p, size_t off, uint32_t v)
{
	p[off] = (unsigned char)(v >> 24);
	p[off + 1] = (unsigned char)(v >> 16);
	p[off + 2] = (unsigned char)(v >> 8);
	p[off + 3] = (unsigned char)v;
	return off + 4;
}

static void
fill_fattr3(fattr3 *a, ftype3 type, uint64 fileid)
{
	memset(a, 0, sizeof(*a));
	a->type = type;
	a->mode = type == NF3DIR ? 0755 : 0644;
	a->nlink = type == NF3DIR ? 2 : 1;
	a->uid = 1000;
	a->gid = 100;
	a->size = 0x123456789ULL;	/* needs the high word */
	a->used = 4096;
	a->rdev.specdata1 = 8;
	a->rdev.specdata2 = 1;
	a->fsid = 0xfedcba9876543210ULL;
	a->fileid = fileid;
	a->atime.seconds = 1700000000;
	a->atime.nseconds = 1;
	a->mtime.seconds = 1700000001;
	a->mtime.nseconds = 999999999;
	a->ctime.seconds = 1700000002;
	a->ctime.nseconds = 0;
}

/* ------------------------------------------------------------ NFS v3 */

/* nfs_fh3 {01 02 03 04 05}: length word, five bytes, three zero pad bytes */
static void
test_nfs_fh3_bytes(void **state)
{
	static const unsigned char want[] = {
		0x00, 0x00, 0x00, 0x05, 0x01, 0x02, 0x03, 0x04,
		0x05, 0x00, 0x00, 0x00,
	};
	char data[] = { 1, 2, 3, 4, 5 };
	struct xbuf *xb = malloc(sizeof(*xb));
	nfs_fh3 fh, out;

	(void)state;
	assert_non_null(xb);
	fh.data.data_len = sizeof(data);
	fh.data.data_val = data;
	ENCODE(nfs_fh3, &fh, xb);
	assert_int_equal(xb->len, sizeof(want));
	assert_memory_equal(xb->b, want, sizeof(want));

	ROUNDTRIP(nfs_fh3, &fh, &out);
	assert_int_equal(out.data.data_len, 5);
	assert_memory_equal(out.data.data_val, data, 5);
	xdr_free(XP(xdr_nfs_fh3), &out);

	/* An empty handle is legal XDR: one zero word. */
	fh.data.data_len = 0;
	fh.data.data_val = NULL;
	ENCODE(nfs_fh3, &fh, xb);
	assert_int_equal(xb->len, 4);
	free(xb);
}

/* LOOKUP3args {dir = 8 bytes of 0xaa, name = "foo"} */
static void
test_lookup3args_bytes(void **state)
{
	static const unsigned char want[] = {
		0x00, 0x00, 0x00, 0x08,				/* fh length */
		0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,	/* fh */
		0x00, 0x00, 0x00, 0x03,				/* name length */
		'f', 'o', 'o', 0x00,				/* name + pad */
	};
	char fhb[8];
	struct xbuf *xb = malloc(sizeof(*xb));
	LOOKUP3args a, out;

	(void)state;
	assert_non_null(xb);
	memset(fhb, 0xaa, sizeof(fhb));
	a.what.dir.data.data_len = sizeof(fhb);
	a.what.dir.data.data_val = fhb;
	a.what.name = "foo";
	ENCODE(LOOKUP3args, &a, xb);
	assert_int_equal(xb->len, sizeof(want));
	assert_memory_equal(xb->b, want, sizeof(want));

	ROUNDTRIP(LOOKUP3args, &a, &out);
	assert_string_equal(out.what.name, "foo");
	assert_int_equal(out.what.dir.data.data_len, 8);
	xdr_free(XP(xdr_LOOKUP3args), &out);

	TRUNCATIONS_FAIL(LOOKUP3args, want, sizeof(want));
	free(xb);
}

/* GETATTR3res: union arm by status, 64-bit fields in network order. */
static void
test_getattr3res(void **state)
{
	GETATTR3res r, out;
	struct xbuf *xb = malloc(sizeof(*xb));
	const unsigned char *p;

	(void)state;
	assert_non_null(xb);
	memset(&r, 0, sizeof(r));
	r.status = NFS3_OK;
	fill_fattr3(&r.GETATTR3res_u.resok.obj_attributes, NF3REG, 77);
	ENCODE(GETATTR3res, &r, xb);
	/* status + fattr3 (21 words, RFC 1813 says 84 bytes) */
	assert_int_equal(xb->len, 4 + 84);
	/* size is words 6-7 of fattr3: 0x00000001 0x23456789 */
	p = (const unsigned char *)xb->b + 4 + 5 * 4;
	assert_memory_equal(p, "\x00\x00\x00\x01\x23\x45\x67\x89", 8);

	ROUNDTRIP(GETATTR3res, &r, &out);
	assert_int_equal(out.GETATTR3res_u.resok.obj_attributes.size,
	    0x123456789ULL);
	assert_int_equal(out.GETATTR3res_u.resok.obj_attributes.fsid,
	    0xfedcba9876543210ULL);
	xdr_free(XP(xdr_GETATTR3res), &out);

	/* An error carries no body. */
	r.status = NFS3ERR_STALE;
	ENCODE(GETATTR3res, &r, xb);
	assert_int_equal(xb->len, 4);
	free(xb);
}

/* SETATTR3args: every set_* arm, the time_how arms and the guard. */
static void
test_setattr3args(void **state)
{
	SETATTR3args a, out;
	char fhb[16];

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(fhb, 7, sizeof(fhb));
	a.object.data.data_len = sizeof(fhb);
	a.object.data.data_val = fhb;
	a.new_attributes.mode.set_it = TRUE;
	a.new_attributes.mode.set_mode3_u.mode = 04755;
	a.new_attributes.uid.set_it = FALSE;
	a.new_attributes.gid.set_it = TRUE;
	a.new_attributes.gid.set_gid3_u.gid = 42;
	a.new_attributes.size.set_it = TRUE;
	a.new_attributes.size.set_size3_u.size = 1ULL << 40;
	a.new_attributes.atime.set_it = SET_TO_CLIENT_TIME;
	a.new_attributes.atime.set_atime_u.atime.seconds = 12345;
	a.new_attributes.atime.set_atime_u.atime.nseconds = 678;
	a.new_attributes.mtime.set_it = SET_TO_SERVER_TIME;
	a.guard.check = TRUE;
	a.guard.sattrguard3_u.obj_ctime.seconds = 99;

	ROUNDTRIP(SETATTR3args, &a, &out);
	assert_true(out.new_attributes.mode.set_it);
	assert_int_equal(out.new_attributes.mode.set_mode3_u.mode, 04755);
	assert_false(out.new_attributes.uid.set_it);
	assert_int_equal(out.new_attributes.gid.set_gid3_u.gid, 42);
	assert_int_equal(out.new_attributes.size.set_size3_u.size, 1ULL << 40);
	assert_int_equal(out.new_attributes.atime.set_it, SET_TO_CLIENT_TIME);
	assert_int_equal(out.new_attributes.atime.set_atime_u.atime.nseconds,
	    678);
	assert_int_equal(out.new_attributes.mtime.set_it, SET_TO_SERVER_TIME);
	assert_true(out.guard.check);
	assert_int_equal(out.guard.sattrguard3_u.obj_ctime.seconds, 99);
	xdr_free(XP(xdr_SETATTR3args), &out);
}

/* WRITE3args with a payload that needs padding; the hyper offset. */
static void
test_write3args(void **state)
{
	static const unsigned char head[] = {
		0x00, 0x00, 0x00, 0x04, 'h', 'a', 'n', 'd',	/* file */
		0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,	/* offset */
		0x00, 0x00, 0x03, 0xe9,				/* count */
		0x00, 0x00, 0x00, 0x02,				/* FILE_SYNC */
		0x00, 0x00, 0x03, 0xe9,				/* data length */
	};
	enum { N = 1001 };
	char *data = malloc(N);
	struct xbuf *xb = malloc(sizeof(*xb));
	WRITE3args a, out;

	(void)state;
	assert_non_null(data);
	assert_non_null(xb);
	for (int i = 0; i < N; i++)
		data[i] = (char)(i * 7);
	a.file.data.data_len = 4;
	a.file.data.data_val = "hand";
	a.offset = 0x100000002ULL;
	a.count = N;
	a.stable = FILE_SYNC;
	a.data.data_len = N;
	a.data.data_val = data;

	ENCODE(WRITE3args, &a, xb);
	assert_int_equal(xb->len, sizeof(head) + N + 3);
	assert_memory_equal(xb->b, head, sizeof(head));
	assert_memory_equal(xb->b + sizeof(head), data, N);
	assert_memory_equal(xb->b + sizeof(head) + N, "\0\0\0", 3);

	ROUNDTRIP(WRITE3args, &a, &out);
	assert_int_equal(out.offset, 0x100000002ULL);
	assert_int_equal(out.stable, FILE_SYNC);
	assert_int_equal(out.data.data_len, N);
	assert_memory_equal(out.data.data_val, data, N);
	xdr_free(XP(xdr_WRITE3args), &out);

	/* Every cut short of the end, padding included, is refused. */
	TRUNCATIONS_FAIL(WRITE3args, xb->b, xb->len);
	free(xb);
	free(data);
}

/* WRITE3args declaring more data than NFS3_MAXDATA is refused before any
 * allocation, even when the bytes are there. */
static void
test_write3args_too_big(void **state)
{
	size_t len = 8 + 8 + 4 + 4 + 4 + NFS3_MAXDATA + 4;
	unsigned char *b = calloc(1, len);
	size_t off = 0;

	(void)state;
	assert_non_null(b);
	off = put32(b, off, 4);		/* fh */
	off += 4;
	off += 8;			/* offset */
	off = put32(b, off, NFS3_MAXDATA + 1);	/* count */
	off = put32(b, off, UNSTABLE);
	off = put32(b, off, NFS3_MAXDATA + 1);	/* data length */
	DECODE_FAILS(WRITE3args, b, (u_int)len);

	/* Exactly NFS3_MAXDATA is fine. */
	off -= 4;
	put32(b, off, NFS3_MAXDATA);
	{
		WRITE3args out;
		XDR x;

		memset(&out, 0, sizeof(out));
		assert_true(xdr_WRITE3args(dec_open(&x, b, (u_int)len - 4),
		    &out));
		assert_int_equal(out.data.data_len, NFS3_MAXDATA);
		xdr_free(XP(xdr_WRITE3args), &out);
	}
	free(b);
}

/* Three READDIRPLUS entries: with and without attributes and handles. */
static void
test_readdirplus3res(void **state)
{
	READDIRPLUS3res r, out;
	entryplus3 e[3];
	entryplus3 *ep;
	char fh1[] = "handle-one", fh3[] = "h3";
	static const char *names[] = { ".", "a-longer-name.txt", "z" };
	struct xbuf *xb = malloc(sizeof(*xb));
	int n;

	(void)state;
	assert_non_null(xb);
	memset(&r, 0, sizeof(r));
	memset(e, 0, sizeof(e));
	r.status = NFS3_OK;
	r.READDIRPLUS3res_u.resok.dir_attributes.attributes_follow = TRUE;
	fill_fattr3(&r.READDIRPLUS3res_u.resok.dir_attributes.
	    post_op_attr_u.attributes, NF3DIR, 2);
	memcpy(r.READDIRPLUS3res_u.resok.cookieverf, "verifier", 8);
	for (int i = 0; i < 3; i++) {
		e[i].fileid = 100 + (uint64)i;
		e[i].name = (char *)(uintptr_t)names[i];
		e[i].cookie = (1ULL << 63) + (uint64)i;
		e[i].nextentry = i < 2 ? &e[i + 1] : NULL;
	}
	e[0].name_attributes.attributes_follow = TRUE;
	fill_fattr3(&e[0].name_attributes.post_op_attr_u.attributes, NF3DIR,
	    100);
	e[0].name_handle.handle_follows = TRUE;
	e[0].name_handle.post_op_fh3_u.handle.data.data_len = sizeof(fh1) - 1;
	e[0].name_handle.post_op_fh3_u.handle.data.data_val = fh1;
	e[2].name_handle.handle_follows = TRUE;
	e[2].name_handle.post_op_fh3_u.handle.data.data_len = sizeof(fh3) - 1;
	e[2].name_handle.post_op_fh3_u.handle.data.data_val = fh3;
	r.READDIRPLUS3res_u.resok.reply.entries = &e[0];
	r.READDIRPLUS3res_u.resok.reply.eof = TRUE;

	ROUNDTRIP(READDIRPLUS3res, &r, &out);
	assert_int_equal(out.status, NFS3_OK);
	assert_memory_equal(out.READDIRPLUS3res_u.resok.cookieverf,
	    "verifier", 8);
	assert_true(out.READDIRPLUS3res_u.resok.reply.eof);
	n = 0;
	for (ep = out.READDIRPLUS3res_u.resok.reply.entries; ep != NULL;
	    ep = ep->nextentry, n++) {
		assert_true(n < 3);
		assert_int_equal(ep->fileid, 100 + n);
		assert_string_equal(ep->name, names[n]);
		assert_int_equal(ep->cookie, (1ULL << 63) + (uint64)n);
	}
	assert_int_equal(n, 3);
	ep = out.READDIRPLUS3res_u.resok.reply.entries;
	assert_true(ep->name_attributes.attributes_follow);
	assert_int_equal(ep->name_handle.post_op_fh3_u.handle.data.data_len,
	    sizeof(fh1) - 1);
	assert_false(ep->nextentry->name_attributes.attributes_follow);
	assert_false(ep->nextentry->name_handle.handle_follows);
	assert_memory_equal(ep->nextentry->nextentry->name_handle.
	    post_op_fh3_u.handle.data.data_val, "h3", 2);
	xdr_free(XP(xdr_READDIRPLUS3res), &out);

	/* Truncated anywhere, even inside the list, is refused and the
	 * entries decoded so far are freed. */
	ENCODE(READDIRPLUS3res, &r, xb);
	TRUNCATIONS_FAIL(READDIRPLUS3res, xb->b, xb->len);

	/* An empty directory: no entries, eof. */
	r.READDIRPLUS3res_u.resok.reply.entries = NULL;
	ROUNDTRIP(READDIRPLUS3res, &r, &out);
	assert_null(out.READDIRPLUS3res_u.resok.reply.entries);
	xdr_free(XP(xdr_READDIRPLUS3res), &out);
	free(xb);
}

/* READDIR3res with a list of a realistic length (a 64 KiB reply of short
 * names): rpcgen's list code recurses once per entry. */
static void
test_readdir3res_long(void **state)
{
	enum { N = 2000 };
	READDIR3res r, out;
	entry3 *e = calloc(N, sizeof(*e));
	entry3 *ep;
	int n;

	(void)state;
	assert_non_null(e);
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < N; i++) {
		e[i].fileid = (uint64)i;
		e[i].name = "n";
		e[i].cookie = (uint64)i + 1;
		e[i].nextentry = i + 1 < N ? &e[i + 1] : NULL;
	}
	r.status = NFS3_OK;
	r.READDIR3res_u.resok.reply.entries = e;
	ROUNDTRIP(READDIR3res, &r, &out);
	n = 0;
	for (ep = out.READDIR3res_u.resok.reply.entries; ep != NULL;
	    ep = ep->nextentry)
		assert_int_equal(ep->cookie, (uint64)++n);
	assert_int_equal(n, N);
	assert_false(out.READDIR3res_u.resok.reply.eof);
	xdr_free(XP(xdr_READDIR3res), &out);
	free(e);
}

/* CREATE3args: the createhow3 arms; a mode outside the enum is refused. */
static void
test_create3args(void **state)
{
	CREATE3args a, out;
	struct xbuf *xb = malloc(sizeof(*xb));
	u_int mode_off;

	(void)state;
	assert_non_null(xb);
	memset(&a, 0, sizeof(a));
	a.where.dir.data.data_len = 4;
	a.where.dir.data.data_val = "dir!";
	a.where.name = "new";
	a.how.mode = EXCLUSIVE;
	memcpy(a.how.createhow3_u.verf, "12345678", 8);
	ROUNDTRIP(CREATE3args, &a, &out);
	assert_int_equal(out.how.mode, EXCLUSIVE);
	assert_memory_equal(out.how.createhow3_u.verf, "12345678", 8);
	xdr_free(XP(xdr_CREATE3args), &out);

	a.how.mode = GUARDED;
	a.how.createhow3_u.obj_attributes.mode.set_it = TRUE;
	a.how.createhow3_u.obj_attributes.mode.set_mode3_u.mode = 0600;
	ROUNDTRIP(CREATE3args, &a, &out);
	assert_int_equal(out.how.createhow3_u.obj_attributes.mode.
	    set_mode3_u.mode, 0600);
	xdr_free(XP(xdr_CREATE3args), &out);

	/* fh (8) + name (8): the mode word follows; make it 3. */
	ENCODE(CREATE3args, &a, xb);
	mode_off = 8 + 8;
	put32((unsigned char *)xb->b, mode_off, 3);
	DECODE_FAILS(CREATE3args, xb->b, xb->len);
	free(xb);
}

/* An nfs_fh3 declaring 65 bytes is refused even with 65 bytes present. */
static void
test_nfs_fh3_too_long(void **state)
{
	unsigned char b[4 + 68];

	(void)state;
	memset(b, 0x5a, sizeof(b));
	put32(b, 0, NFS3_FHSIZE + 1);
	DECODE_FAILS(nfs_fh3, b, sizeof(b));

	/* 64 is the limit and decodes. */
	put32(b, 0, NFS3_FHSIZE);
	{
		nfs_fh3 out;
		XDR x;

		memset(&out, 0, sizeof(out));
		assert_true(xdr_nfs_fh3(dec_open(&x, b, 4 + 64), &out));
		assert_int_equal(out.data.data_len, 64);
		xdr_free(XP(xdr_nfs_fh3), &out);
	}
}

/* filename3 lengths: absurd ones and ones past the decode bound fail;
 * a long-but-plausible name decodes (NAMETOOLONG is the handler's). */
static void
test_filename3_limits(void **state)
{
	static const uint32_t absurd[] = {
		0xffffffffu, 0xfffffffeu, 0x80000000u, 0x7fffffffu,
		NFS3_XDR_NAMELEN + 1,
	};
	size_t len = 8 + 4 + NFS3_XDR_NAMELEN + 8;
	unsigned char *b = calloc(1, len);

	(void)state;
	assert_non_null(b);
	put32(b, 0, 4);			/* fh: 4 bytes */
	memset(b + 4, 0x11, 4);
	memset(b + 12, 'x', NFS3_XDR_NAMELEN + 4);
	for (size_t i = 0; i < sizeof(absurd) / sizeof(absurd[0]); i++) {
		put32(b, 8, absurd[i]);
		DECODE_FAILS(LOOKUP3args, b, (u_int)len);
		DECODE_FAILS(filename3, b + 8, (u_int)len - 8);
	}

	put32(b, 8, 300);
	{
		LOOKUP3args out;
		XDR x;

		memset(&out, 0, sizeof(out));
		assert_true(xdr_LOOKUP3args(dec_open(&x, b, (u_int)len),
		    &out));
		assert_int_equal(strlen(out.what.name), 300);
		xdr_free(XP(xdr_LOOKUP3args), &out);
	}
	free(b);
}

/*
 * libtirpc's xdr_bool reads any non-zero word as TRUE (RFC 4506 allows only
 * 0 and 1), so a post_op_attr whose discriminant is 2 decodes as "attributes
 * follow" and encodes back as 1.  Pinned here so a change in libtirpc shows
 * up; enum discriminants without a default arm are strict (see
 * test_create3args and test_getquota_rslt).
 */
static void
test_bool_discriminant(void **state)
{
	unsigned char b[4 + 84];
	post_op_attr out;
	struct xbuf *xb = malloc(sizeof(*xb));
	XDR x;

	(void)state;
	assert_non_null(xb);
	memset(b, 0, sizeof(b));
	put32(b, 0, 2);
	put32(b, 4, NF3REG);
	memset(&out, 0, sizeof(out));
	assert_true(xdr_post_op_attr(dec_open(&x, b, sizeof(b)), &out));
	assert_int_equal(out.attributes_follow, TRUE);
	ENCODE(post_op_attr, &out, xb);
	assert_int_equal(xb->len, sizeof(b));
	assert_memory_equal(xb->b, "\0\0\0\1", 4);
	xdr_free(XP(xdr_post_op_attr), &out);

	/* Without the attributes it needs, the same word fails cleanly. */
	DECODE_FAILS(post_op_attr, b, 4 + 40);
	free(xb);
}

/* ------------------------------------------------------------ NFS v2 */

static void
fill_fattr2(fattr2 *a)
{
	memset(a, 0, sizeof(*a));
	a->type = NFREG;
	a->mode = 0100644;
	a->nlink = 1;
	a->uid = 1000;
	a->gid = 1000;
	a->size = 12345;
	a->blocksize = 4096;
	a->rdev = 0;
	a->blocks = 4;
	a->fsid = 0x801;
	a->fileid = 424242;
	a->atime.seconds = 1;
	a->atime.useconds = 2;
	a->mtime.seconds = 3;
	a->mtime.useconds = 4;
	a->ctime.seconds = 5;
	a->ctime.useconds = 999999;
}

static void
test_v2_diropres(void **state)
{
	diropres2 r, out;
	struct xbuf *xb = malloc(sizeof(*xb));

	(void)state;
	assert_non_null(xb);
	memset(&r, 0, sizeof(r));
	r.status = NFS_OK;
	memset(r.diropres2_u.diropok.file, 0x3c, NFS2_FHSIZE);
	fill_fattr2(&r.diropres2_u.diropok.attributes);
	ENCODE(diropres2, &r, xb);
	/* status, a 32-byte handle, fattr (17 words) */
	assert_int_equal(xb->len, 4 + 32 + 68);

	ROUNDTRIP(diropres2, &r, &out);
	assert_memory_equal(out.diropres2_u.diropok.file,
	    r.diropres2_u.diropok.file, NFS2_FHSIZE);
	assert_int_equal(out.diropres2_u.diropok.attributes.fileid, 424242);
	assert_int_equal(out.diropres2_u.diropok.attributes.ctime.useconds,
	    999999);
	xdr_free(XP(xdr_diropres2), &out);

	TRUNCATIONS_FAIL(diropres2, xb->b, xb->len);

	r.status = NFSERR_NOENT;
	ENCODE(diropres2, &r, xb);
	assert_int_equal(xb->len, 4);
	free(xb);
}

static void
test_v2_attrstat_and_args(void **state)
{
	attrstat2 r, rout;
	diropargs2 d, dout;
	unsigned char fh[NFS2_FHSIZE];
	struct xbuf *xb = malloc(sizeof(*xb));

	(void)state;
	assert_non_null(xb);
	memset(&r, 0, sizeof(r));
	r.status = NFS_OK;
	fill_fattr2(&r.attrstat2_u.attributes);
	ROUNDTRIP(attrstat2, &r, &rout);
	assert_int_equal(rout.attrstat2_u.attributes.mode, 0100644);
	xdr_free(XP(xdr_attrstat2), &rout);

	/* diropargs: the fixed 32-byte handle has no length word. */
	memset(d.dir, 0x01, NFS2_FHSIZE);
	d.name = "file";
	ENCODE(diropargs2, &d, xb);
	assert_int_equal(xb->len, 32 + 4 + 4);
	ROUNDTRIP(diropargs2, &d, &dout);
	assert_string_equal(dout.name, "file");
	xdr_free(XP(xdr_diropargs2), &dout);

	/* A handle cut short is refused (fhandle2 is an array type). */
	memset(fh, 0, sizeof(fh));
	{
		fhandle2 o;
		XDR x;

		assert_false(xdr_fhandle2(dec_open(&x, fh, NFS2_FHSIZE - 1),
		    o));
		assert_true(xdr_fhandle2(dec_open(&x, fh, NFS2_FHSIZE), o));
	}
	free(xb);
}

static void
test_v2_readdirres(void **state)
{
	readdirres2 r, out;
	entry2 e[2];

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(e, 0, sizeof(e));
	e[0].fileid = 1;
	e[0].name = ".";
	memcpy(e[0].cookie, "\0\0\0\1", 4);
	e[0].nextentry = &e[1];
	e[1].fileid = 2;
	e[1].name = "..";
	memcpy(e[1].cookie, "\0\0\0\2", 4);
	r.status = NFS_OK;
	r.readdirres2_u.readdirok.entries = e;
	r.readdirres2_u.readdirok.eof = TRUE;
	ROUNDTRIP(readdirres2, &r, &out);
	assert_string_equal(out.readdirres2_u.readdirok.entries->nextentry->
	    name, "..");
	assert_null(out.readdirres2_u.readdirok.entries->nextentry->nextentry);
	xdr_free(XP(xdr_readdirres2), &out);
}

/* ------------------------------------------------------------ MOUNT */

static void
test_mountres3(void **state)
{
	mountres3 r, out;
	int flavors[] = { 390003, 1 };	/* krb5, then AUTH_SYS */
	char fh[] = "0123456789abcdefghij";
	struct xbuf *xb = malloc(sizeof(*xb));

	(void)state;
	assert_non_null(xb);
	memset(&r, 0, sizeof(r));
	r.fhs_status = MNT3_OK;
	r.mountres3_u.mountinfo.fhandle.fhandle3_len = 20;
	r.mountres3_u.mountinfo.fhandle.fhandle3_val = fh;
	r.mountres3_u.mountinfo.auth_flavors.auth_flavors_len = 2;
	r.mountres3_u.mountinfo.auth_flavors.auth_flavors_val = flavors;
	ENCODE(mountres3, &r, xb);
	assert_int_equal(xb->len, 4 + 4 + 20 + 4 + 8);

	ROUNDTRIP(mountres3, &r, &out);
	assert_int_equal(out.mountres3_u.mountinfo.fhandle.fhandle3_len, 20);
	assert_memory_equal(out.mountres3_u.mountinfo.fhandle.fhandle3_val,
	    fh, 20);
	assert_int_equal(out.mountres3_u.mountinfo.auth_flavors.
	    auth_flavors_len, 2);
	assert_int_equal(out.mountres3_u.mountinfo.auth_flavors.
	    auth_flavors_val[0], 390003);
	xdr_free(XP(xdr_mountres3), &out);

	TRUNCATIONS_FAIL(mountres3, xb->b, xb->len);

	/* An error is the status word alone: 13 = MNT3ERR_ACCES. */
	r.fhs_status = MNT3ERR_ACCES;
	ENCODE(mountres3, &r, xb);
	assert_int_equal(xb->len, 4);
	assert_memory_equal(xb->b, "\0\0\0\x0d", 4);
	free(xb);
}

/* A fhandle3 of 65 bytes and an absurd flavor count are refused. */
static void
test_mountres3_limits(void **state)
{
	unsigned char b[4 + 4 + 68 + 4];

	(void)state;
	memset(b, 0, sizeof(b));
	put32(b, 0, MNT3_OK);
	put32(b, 4, FHSIZE3 + 1);
	DECODE_FAILS(mountres3, b, sizeof(b));

	put32(b, 4, 4);
	put32(b, 12, 0x40000000u);	/* auth_flavors count */
	DECODE_FAILS(mountres3, b, sizeof(b));
	put32(b, 12, MNT3_MAXFLAVORS + 1);
	DECODE_FAILS(mountres3, b, sizeof(b));
}

static void
test_exports(void **state)
{
	struct groupnode g[3];
	struct exportnode ex[2];
	mnt_exports list = &ex[0], out = NULL;
	struct exportnode *ep;
	struct xbuf *xb = malloc(sizeof(*xb));

	(void)state;
	assert_non_null(xb);
	g[0].gr_name = "192.0.2.0/24";
	g[0].gr_next = &g[1];
	g[1].gr_name = "@trusted";
	g[1].gr_next = NULL;
	g[2].gr_name = "*";
	g[2].gr_next = NULL;
	ex[0].ex_dir = "/srv/data";
	ex[0].ex_groups = &g[0];
	ex[0].ex_next = &ex[1];
	ex[1].ex_dir = "/srv/pub";
	ex[1].ex_groups = &g[2];
	ex[1].ex_next = NULL;

	ROUNDTRIP(mnt_exports, &list, &out);
	ep = out;
	assert_non_null(ep);
	assert_string_equal(ep->ex_dir, "/srv/data");
	assert_string_equal(ep->ex_groups->gr_name, "192.0.2.0/24");
	assert_string_equal(ep->ex_groups->gr_next->gr_name, "@trusted");
	assert_null(ep->ex_groups->gr_next->gr_next);
	ep = ep->ex_next;
	assert_string_equal(ep->ex_dir, "/srv/pub");
	assert_string_equal(ep->ex_groups->gr_name, "*");
	assert_null(ep->ex_next);
	xdr_free(XP(xdr_mnt_exports), &out);

	ENCODE(mnt_exports, &list, xb);
	TRUNCATIONS_FAIL(mnt_exports, xb->b, xb->len);

	/* No exports: a single FALSE word. */
	list = NULL;
	ENCODE(mnt_exports, &list, xb);
	assert_int_equal(xb->len, 4);
	free(xb);
}

static void
test_mountlist_and_fhstatus(void **state)
{
	struct mountbody m[2];
	mnt_mountlist ml = &m[0], mout = NULL;
	fhstatus f, fout;
	mnt_dirpath dp = "/srv/data", dout = NULL;
	struct xbuf *xb = malloc(sizeof(*xb));

	(void)state;
	assert_non_null(xb);
	m[0].ml_hostname = "client1";
	m[0].ml_directory = "/srv/data";
	m[0].ml_next = &m[1];
	m[1].ml_hostname = "client2";
	m[1].ml_directory = "/srv/pub";
	m[1].ml_next = NULL;
	ROUNDTRIP(mnt_mountlist, &ml, &mout);
	assert_string_equal(mout->ml_next->ml_hostname, "client2");
	xdr_free(XP(xdr_mnt_mountlist), &mout);

	memset(&f, 0, sizeof(f));
	f.fhs_status = 0;
	memset(f.fhstatus_u.fhs_fhandle, 0x42, FHSIZE);
	ENCODE(fhstatus, &f, xb);
	assert_int_equal(xb->len, 4 + FHSIZE);
	ROUNDTRIP(fhstatus, &f, &fout);
	assert_memory_equal(fout.fhstatus_u.fhs_fhandle,
	    f.fhstatus_u.fhs_fhandle, FHSIZE);
	xdr_free(XP(xdr_fhstatus), &fout);

	f.fhs_status = 13;		/* EACCES */
	ENCODE(fhstatus, &f, xb);
	assert_int_equal(xb->len, 4);

	ROUNDTRIP(mnt_dirpath, &dp, &dout);
	assert_string_equal(dout, "/srv/data");
	xdr_free(XP(xdr_mnt_dirpath), &dout);
	free(xb);
}

/* ------------------------------------------------------------ NLM */

static void
test_nlm4_lockargs(void **state)
{
	nlm4_lockargs a, out;
	char cookie[] = { 0, 0, 0, 9 };
	char fh[] = "0123456789012345678901234567";	/* 28 bytes */
	char oh[] = "1234@client";
	struct xbuf *xb = malloc(sizeof(*xb));

	(void)state;
	assert_non_null(xb);
	memset(&a, 0, sizeof(a));
	a.cookie.n_len = sizeof(cookie);
	a.cookie.n_bytes = cookie;
	a.block = TRUE;
	a.exclusive = TRUE;
	a.alock.caller_name = "client.example";
	a.alock.fh.n_len = sizeof(fh) - 1;
	a.alock.fh.n_bytes = fh;
	a.alock.oh.n_len = sizeof(oh) - 1;
	a.alock.oh.n_bytes = oh;
	a.alock.svid = 1234;
	a.alock.l_offset = 0xffffffff00000000ULL;
	a.alock.l_len = 0;		/* to end of file */
	a.reclaim = FALSE;
	a.state = 17;

	ROUNDTRIP(nlm4_lockargs, &a, &out);
	assert_int_equal(out.cookie.n_len, 4);
	assert_memory_equal(out.cookie.n_bytes, cookie, 4);
	assert_true(out.block);
	assert_string_equal(out.alock.caller_name, "client.example");
	assert_int_equal(out.alock.fh.n_len, 28);
	assert_memory_equal(out.alock.oh.n_bytes, oh, sizeof(oh) - 1);
	assert_int_equal(out.alock.svid, 1234);
	assert_int_equal(out.alock.l_offset, 0xffffffff00000000ULL);
	assert_int_equal(out.state, 17);
	xdr_free(XP(xdr_nlm4_lockargs), &out);

	ENCODE(nlm4_lockargs, &a, xb);
	TRUNCATIONS_FAIL(nlm4_lockargs, xb->b, xb->len);
	free(xb);
}

/* TEST answer with a conflicting holder; the v1 32-bit form. */
static void
test_nlm_testres(void **state)
{
	nlm4_testres r, out;
	nlm_lockargs v1, v1out;
	struct xbuf *xb = malloc(sizeof(*xb));

	(void)state;
	assert_non_null(xb);
	memset(&r, 0, sizeof(r));
	r.cookie.n_len = 0;
	r.stat.stat = NLM4_DENIED;
	r.stat.nlm4_testrply_u.holder.exclusive = TRUE;
	r.stat.nlm4_testrply_u.holder.svid = 99;
	r.stat.nlm4_testrply_u.holder.oh.n_len = 2;
	r.stat.nlm4_testrply_u.holder.oh.n_bytes = "ab";
	r.stat.nlm4_testrply_u.holder.l_offset = 1ULL << 33;
	r.stat.nlm4_testrply_u.holder.l_len = 10;
	ROUNDTRIP(nlm4_testres, &r, &out);
	assert_int_equal(out.stat.stat, NLM4_DENIED);
	assert_int_equal(out.stat.nlm4_testrply_u.holder.l_offset, 1ULL << 33);
	xdr_free(XP(xdr_nlm4_testres), &out);

	/* Granted: the holder is absent. cookie (4) + stat (4). */
	r.stat.stat = NLM4_GRANTED;
	ENCODE(nlm4_testres, &r, xb);
	assert_int_equal(xb->len, 8);

	memset(&v1, 0, sizeof(v1));
	v1.alock.caller_name = "old";
	v1.alock.l_offset = 0xfffffff0u;
	v1.alock.l_len = 16;
	ROUNDTRIP(nlm_lockargs, &v1, &v1out);
	assert_int_equal(v1out.alock.l_offset, 0xfffffff0u);
	xdr_free(XP(xdr_nlm_lockargs), &v1out);
	free(xb);
}

/* A netobj over libtirpc's 1024-byte limit is refused. */
static void
test_nlm4_netobj_limit(void **state)
{
	size_t len = 4 + 1028 + 64;
	unsigned char *b = calloc(1, len);

	(void)state;
	assert_non_null(b);
	put32(b, 0, 1025);
	DECODE_FAILS(nlm4_res, b, (u_int)len);
	put32(b, 0, 0xfffffff0u);
	DECODE_FAILS(nlm4_unlockargs, b, (u_int)len);
	free(b);
}

static void
test_nlm4_share_notify(void **state)
{
	nlm4_shareargs s, sout;
	nlm4_notify n, nout;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.share.caller_name = "host";
	s.share.mode = fsm_DW;
	s.share.access = fsa_RW;
	s.reclaim = TRUE;
	ROUNDTRIP(nlm4_shareargs, &s, &sout);
	assert_int_equal(sout.share.mode, fsm_DW);
	assert_int_equal(sout.share.access, fsa_RW);
	xdr_free(XP(xdr_nlm4_shareargs), &sout);

	n.name = "rebooted-host";
	n.state = 3;
	ROUNDTRIP(nlm4_notify, &n, &nout);
	assert_string_equal(nout.name, "rebooted-host");
	xdr_free(XP(xdr_nlm4_notify), &nout);
}

/* ------------------------------------------------------------ NSM */

static void
test_sm_mon(void **state)
{
	sm_mon m, out;
	struct xbuf *xb = malloc(sizeof(*xb));

	(void)state;
	assert_non_null(xb);
	memset(&m, 0, sizeof(m));
	m.mon_id.mon_name = "client.example";
	m.mon_id.my_id.my_name = "127.0.0.1";
	m.mon_id.my_id.my_prog = 100021;
	m.mon_id.my_id.my_vers = 3;
	m.mon_id.my_id.my_proc = NLMPROC_NSM_NOTIFY;
	memcpy(m.priv, "0123456789abcdef", SM_PRIVLEN);

	ROUNDTRIP(sm_mon, &m, &out);
	assert_string_equal(out.mon_id.mon_name, "client.example");
	assert_string_equal(out.mon_id.my_id.my_name, "127.0.0.1");
	assert_int_equal(out.mon_id.my_id.my_prog, 100021);
	assert_int_equal(out.mon_id.my_id.my_proc, 16);
	assert_memory_equal(out.priv, "0123456789abcdef", SM_PRIVLEN);
	xdr_free(XP(xdr_sm_mon), &out);

	ENCODE(sm_mon, &m, xb);
	TRUNCATIONS_FAIL(sm_mon, xb->b, xb->len);
	free(xb);
}

/* sm_stat_chge {"h1", 7}: byte-exact, then a name over SM_MAXSTRLEN. */
static void
test_sm_stat_chge(void **state)
{
	static const unsigned char want[] = {
		0x00, 0x00, 0x00, 0x02, 'h', '1', 0x00, 0x00,
		0x00, 0x00, 0x00, 0x07,
	};
	sm_stat_chge c, out;
	sm_status st, stout;
	struct xbuf *xb = malloc(sizeof(*xb));
	unsigned char *big;

	(void)state;
	assert_non_null(xb);
	c.mon_name = "h1";
	c.state = 7;
	ENCODE(sm_stat_chge, &c, xb);
	assert_int_equal(xb->len, sizeof(want));
	assert_memory_equal(xb->b, want, sizeof(want));
	ROUNDTRIP(sm_stat_chge, &c, &out);
	assert_string_equal(out.mon_name, "h1");
	assert_int_equal(out.state, 7);
	xdr_free(XP(xdr_sm_stat_chge), &out);

	st.mon_name = "h1";
	st.state = 9;
	memset(st.priv, 0xee, SM_PRIVLEN);
	ROUNDTRIP(sm_status, &st, &stout);
	assert_int_equal(stout.state, 9);
	assert_memory_equal(stout.priv, st.priv, SM_PRIVLEN);
	xdr_free(XP(xdr_sm_status), &stout);

	big = calloc(1, 4 + SM_MAXSTRLEN + 8);
	assert_non_null(big);
	put32(big, 0, SM_MAXSTRLEN + 1);
	memset(big + 4, 'a', SM_MAXSTRLEN + 4);
	DECODE_FAILS(sm_stat_chge, big, 4 + SM_MAXSTRLEN + 8);
	free(big);
	free(xb);
}

static void
test_sm_stat_res(void **state)
{
	sm_stat_res r, out;

	(void)state;
	r.res_stat = stat_succ;
	r.state = 5;
	ROUNDTRIP(sm_stat_res, &r, &out);
	assert_int_equal(out.res_stat, stat_succ);
	assert_int_equal(out.state, 5);
	xdr_free(XP(xdr_sm_stat_res), &out);
}

/* ------------------------------------------------------------ RQUOTA */

static void
test_getquota_rslt(void **state)
{
	getquota_rslt r, out;
	struct xbuf *xb = malloc(sizeof(*xb));

	(void)state;
	assert_non_null(xb);
	memset(&r, 0, sizeof(r));
	r.status = Q_OK;
	r.getquota_rslt_u.gqr_rquota.rq_bsize = 1024;
	r.getquota_rslt_u.gqr_rquota.rq_active = TRUE;
	r.getquota_rslt_u.gqr_rquota.rq_bhardlimit = 1000000;
	r.getquota_rslt_u.gqr_rquota.rq_bsoftlimit = 900000;
	r.getquota_rslt_u.gqr_rquota.rq_curblocks = 12;
	r.getquota_rslt_u.gqr_rquota.rq_fhardlimit = 5000;
	r.getquota_rslt_u.gqr_rquota.rq_fsoftlimit = 4000;
	r.getquota_rslt_u.gqr_rquota.rq_curfiles = 3;
	r.getquota_rslt_u.gqr_rquota.rq_btimeleft = 0;
	r.getquota_rslt_u.gqr_rquota.rq_ftimeleft = 604800;
	ENCODE(getquota_rslt, &r, xb);
	assert_int_equal(xb->len, 4 + 10 * 4);

	ROUNDTRIP(getquota_rslt, &r, &out);
	assert_int_equal(out.status, Q_OK);
	assert_true(out.getquota_rslt_u.gqr_rquota.rq_active);
	assert_int_equal(out.getquota_rslt_u.gqr_rquota.rq_bhardlimit,
	    1000000);
	assert_int_equal(out.getquota_rslt_u.gqr_rquota.rq_ftimeleft, 604800);
	xdr_free(XP(xdr_getquota_rslt), &out);

	TRUNCATIONS_FAIL(getquota_rslt, xb->b, xb->len);

	r.status = Q_NOQUOTA;
	ENCODE(getquota_rslt, &r, xb);
	assert_int_equal(xb->len, 4);
	/* No arm for 0 or 4: there is no default. */
	put32((unsigned char *)xb->b, 0, 4);
	DECODE_FAILS(getquota_rslt, xb->b, 4);
	free(xb);
}

static void
test_rquota_args(void **state)
{
	getquota_args g1, g1out;
	ext_getquota_args g2, g2out;
	ext_setquota_args s2, s2out;

	(void)state;
	g1.gqa_pathp = "/home";
	g1.gqa_uid = 1000;
	ROUNDTRIP(getquota_args, &g1, &g1out);
	assert_string_equal(g1out.gqa_pathp, "/home");
	assert_int_equal(g1out.gqa_uid, 1000);
	xdr_free(XP(xdr_getquota_args), &g1out);

	g2.gqa_pathp = "/home";
	g2.gqa_type = RQUOTA_GRPQUOTA;
	g2.gqa_id = 100;
	ROUNDTRIP(ext_getquota_args, &g2, &g2out);
	assert_int_equal(g2out.gqa_type, RQUOTA_GRPQUOTA);
	assert_int_equal(g2out.gqa_id, 100);
	xdr_free(XP(xdr_ext_getquota_args), &g2out);

	memset(&s2, 0, sizeof(s2));
	s2.sqa_qcmd = 1;
	s2.sqa_pathp = "/home";
	s2.sqa_id = 1000;
	s2.sqa_type = RQUOTA_USRQUOTA;
	s2.sqa_dqblk.rq_bhardlimit = 77;
	ROUNDTRIP(ext_setquota_args, &s2, &s2out);
	assert_int_equal(s2out.sqa_dqblk.rq_bhardlimit, 77);
	xdr_free(XP(xdr_ext_setquota_args), &s2out);
}

/* A name with a NUL inside is refused, never cut short to another name. */
static void
test_embedded_nul_refused(void **state)
{
	static const uint8_t wire[] = {
		0, 0, 0, 4, 1, 2, 3, 4,		/* nfs_fh3: 4 bytes */
		0, 0, 0, 3, 'a', 0, 'b', 0,	/* filename3 "a\0b" */
	};
	static const uint8_t good[] = {
		0, 0, 0, 4, 1, 2, 3, 4,
		0, 0, 0, 3, 'a', 'x', 'b', 0,
	};
	LOOKUP3args a;
	XDR x;

	(void)state;
	memset(&a, 0, sizeof(a));
	xdrmem_create(&x, (char *)(uintptr_t)wire, sizeof(wire), XDR_DECODE);
	assert_false(xdr_LOOKUP3args(&x, &a));
	xdr_free((xdrproc_t)(void (*)(void))xdr_LOOKUP3args, (char *)&a);
	memset(&a, 0, sizeof(a));
	xdrmem_create(&x, (char *)(uintptr_t)good, sizeof(good), XDR_DECODE);
	assert_true(xdr_LOOKUP3args(&x, &a));
	assert_string_equal(a.what.name, "axb");
	xdr_free((xdrproc_t)(void (*)(void))xdr_LOOKUP3args, (char *)&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nfs_fh3_bytes),
		cmocka_unit_test(test_lookup3args_bytes),
		cmocka_unit_test(test_getattr3res),
		cmocka_unit_test(test_setattr3args),
		cmocka_unit_test(test_write3args),
		cmocka_unit_test(test_write3args_too_big),
		cmocka_unit_test(test_readdirplus3res),
		cmocka_unit_test(test_readdir3res_long),
		cmocka_unit_test(test_create3args),
		cmocka_unit_test(test_nfs_fh3_too_long),
		cmocka_unit_test(test_filename3_limits),
		cmocka_unit_test(test_bool_discriminant),
		cmocka_unit_test(test_v2_diropres),
		cmocka_unit_test(test_v2_attrstat_and_args),
		cmocka_unit_test(test_v2_readdirres),
		cmocka_unit_test(test_mountres3),
		cmocka_unit_test(test_mountres3_limits),
		cmocka_unit_test(test_exports),
		cmocka_unit_test(test_mountlist_and_fhstatus),
		cmocka_unit_test(test_nlm4_lockargs),
		cmocka_unit_test(test_nlm_testres),
		cmocka_unit_test(test_nlm4_netobj_limit),
		cmocka_unit_test(test_nlm4_share_notify),
		cmocka_unit_test(test_sm_mon),
		cmocka_unit_test(test_sm_stat_chge),
		cmocka_unit_test(test_sm_stat_res),
		cmocka_unit_test(test_getquota_rslt),
		cmocka_unit_test(test_rquota_args),
		cmocka_unit_test(test_embedded_nul_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
