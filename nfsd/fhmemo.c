/*
 * fhmemo.c: see fhmemo.h. Two tables per thread, indexed by a hash of the
 * key: wire bytes -> decoded fields, and (export, volume, kernel handle,
 * form) -> wire bytes. A collision simply replaces the slot.
 */
#include <errno.h>
#include <string.h>

#include "nfsd/fhmemo.h"

#define MEMO_SLOTS	1024	/* per table and thread: ~150 KiB */

struct dec_slot {
	uint8_t		len;		/* 0: empty */
	uint8_t		wire[FH_MAXSIZE];
	struct fh_fields f;
};

struct enc_slot {
	uint8_t		len;		/* 0: empty */
	uint8_t		wire[FH_MAXSIZE];
	int		form;
	uint32_t	export_id;
	uint8_t		volid[FH_VOLID_LEN];
	struct fh_khandle kh;
};

static __thread struct dec_slot dec[MEMO_SLOTS];
static __thread struct enc_slot enc[MEMO_SLOTS];

static uint32_t
fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n-- > 0) {
		h ^= *b++;
		h *= 16777619u;
	}
	return h;
}

int
fhmemo_decode(const struct fh_key *key, const uint8_t *buf, size_t len,
    struct fh_fields *f)
{
	struct dec_slot *s;
	int rc;

	if (len == 0 || len > FH_MAXSIZE)
		return fh_decode(key, buf, len, f);
	s = &dec[fnv(2166136261u, buf, len) % MEMO_SLOTS];
	if (s->len == len && memcmp(s->wire, buf, len) == 0) {
		*f = s->f;
		return 0;
	}
	if ((rc = fh_decode(key, buf, len, f)) != 0)
		return rc;
	s->len = (uint8_t)len;
	memcpy(s->wire, buf, len);
	s->f = *f;
	return 0;
}

int
fhmemo_encode(const struct fh_key *key, const struct fh_fields *f, int form,
    uint8_t *out, size_t *lenp)
{
	struct enc_slot *s;
	uint32_t h;
	size_t cap = *lenp;
	int rc;

	if (f->kh.len > FH_KHANDLE_MAX)
		return fh_encode(key, f, form, out, lenp);
	h = fnv(2166136261u, &f->export_id, sizeof(f->export_id));
	h = fnv(h, &form, sizeof(form));
	h = fnv(h, &f->kh.type, sizeof(f->kh.type));
	h = fnv(h, f->kh.bytes, f->kh.len);
	s = &enc[h % MEMO_SLOTS];
	if (s->len != 0 && s->form == form && s->export_id == f->export_id &&
	    s->kh.type == f->kh.type && s->kh.len == f->kh.len &&
	    memcmp(s->kh.bytes, f->kh.bytes, f->kh.len) == 0 &&
	    memcmp(s->volid, f->volid, FH_VOLID_LEN) == 0) {
		if (cap < s->len)
			return -ENOBUFS;
		memcpy(out, s->wire, s->len);
		*lenp = s->len;
		return 0;
	}
	if ((rc = fh_encode(key, f, form, out, lenp)) != 0)
		return rc;
	s->len = (uint8_t)*lenp;
	memcpy(s->wire, out, *lenp);
	s->form = form;
	s->export_id = f->export_id;
	memcpy(s->volid, f->volid, FH_VOLID_LEN);
	s->kh = f->kh;
	return 0;
}
