/*
 * cookie.c: cookie verifiers and READDIR reply accounting (see cookie.h).
 */
#include <string.h>

#include "nfsd/cookie.h"

#define XDR_PAD(n)	(((n) + 3) & ~(size_t)3)
#define FATTR3_SIZE	84	/* 21 words */

/* A 64-bit mix (splitmix64's finaliser). */
static uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void
nfsd_cookieverf(uint32_t export_id, uint64_t ino, uint8_t verf[NFSD_VERF_LEN])
{
	uint64_t v = mix(mix(ino) ^ ((uint64_t)export_id << 17 | 0x6e66));
	unsigned i;

	if (v == 0)
		v = 1;
	for (i = 0; i < NFSD_VERF_LEN; i++)
		verf[i] = (uint8_t)(v >> (56 - 8 * i));
}

bool
nfsd_cookie_ok(uint64_t cookie, const uint8_t verf[NFSD_VERF_LEN],
    uint32_t export_id, uint64_t ino)
{
	static const uint8_t zero[NFSD_VERF_LEN];
	uint8_t mine[NFSD_VERF_LEN];

	if (cookie == 0)
		return true;
	if (cookie > (uint64_t)NFSD_COOKIE_MAX)
		return false;
	if (memcmp(verf, zero, sizeof(zero)) == 0)
		return true;
	nfsd_cookieverf(export_id, ino, mine);
	return memcmp(verf, mine, sizeof(mine)) == 0;
}

size_t
nfsd_xdr_entry3(size_t namelen)
{
	/* value_follows, fileid, name, cookie */
	return 4 + 8 + 4 + XDR_PAD(namelen) + 8;
}

size_t
nfsd_xdr_entryplus3(size_t namelen, bool attrs, int fhlen)
{
	size_t n = nfsd_xdr_entry3(namelen);

	n += 4 + (attrs ? FATTR3_SIZE : 0);
	n += 4 + (fhlen >= 0 ? 4 + XDR_PAD((size_t)fhlen) : 0);
	return n;
}

size_t
nfsd_xdr_dirbytes(size_t namelen)
{
	return 8 + 4 + XDR_PAD(namelen) + 8;
}

size_t
nfsd_xdr_dir_overhead(void)
{
	/* status, post_op_attr, cookieverf, no more entries, eof */
	return 4 + 4 + FATTR3_SIZE + NFSD_VERF_LEN + 4 + 4;
}

bool
nfsd_dirbudget_init(struct nfsd_dirbudget *b, size_t maxcount,
    size_t dircount, unsigned nmax)
{
	memset(b, 0, sizeof(*b));
	b->max = maxcount;
	b->dmax = dircount;
	b->nmax = nmax;
	b->used = nfsd_xdr_dir_overhead();
	return b->used <= b->max;
}

bool
nfsd_dirbudget_take(struct nfsd_dirbudget *b, size_t size, size_t dsize)
{
	if (b->n >= b->nmax || size > b->max - b->used)
		return false;
	if (b->dmax != 0 && b->n > 0 &&
	    (b->dused >= b->dmax || dsize > b->dmax - b->dused))
		return false;
	b->used += size;
	b->dused += dsize;
	b->n++;
	return true;
}
