/*
 * recmark.c: record marking state machine; see recmark.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/rpc/recmark.h"

void
recmark_init(struct recmark *rm, size_t max)
{
	memset(rm, 0, sizeof(*rm));
	rm->max = max;
}

/* Make room for want more bytes, growing geometrically but never past max. */
static int
reserve(struct recmark *rm, size_t want)
{
	size_t need = rm->len + want, ncap;
	uint8_t *nb;

	if (need <= rm->cap)
		return 0;
	ncap = rm->cap ? rm->cap * 2 : 512;
	if (ncap < need)
		ncap = need;
	if (ncap > rm->max)
		ncap = rm->max;
	if ((nb = realloc(rm->buf, ncap)) == NULL)
		return -ENOMEM;
	rm->buf = nb;
	rm->cap = ncap;
	return 0;
}

int
recmark_feed(struct recmark *rm, const uint8_t *p, size_t n, size_t *used)
{
	size_t off = 0;

	while (off < n || (rm->in_frag && rm->frag_left == 0)) {
		if (!rm->in_frag) {
			uint32_t h;

			while (rm->hdrlen < 4 && off < n)
				rm->hdr[rm->hdrlen++] = p[off++];
			if (rm->hdrlen < 4)
				break;
			h = (uint32_t)rm->hdr[0] << 24 | (uint32_t)rm->hdr[1] << 16 |
			    (uint32_t)rm->hdr[2] << 8 | rm->hdr[3];
			rm->hdrlen = 0;
			rm->last = (h & RM_LAST_FRAG) != 0;
			rm->frag_left = h & ~RM_LAST_FRAG;
			rm->in_frag = true;
			if (++rm->nfrags > RM_MAX_FRAGS)
				return -EPROTO;
			if (rm->frag_left == 0 && !rm->last &&
			    ++rm->nempty > RM_MAX_EMPTY_FRAGS)
				return -EPROTO;
			/* the declared size is checked, never allocated */
			if (rm->frag_left > rm->max - rm->len)
				return -EMSGSIZE;
		}
		if (rm->frag_left > 0) {
			size_t take = n - off;
			int rc;

			if (take > rm->frag_left)
				take = rm->frag_left;
			if (take == 0)
				break;
			if ((rc = reserve(rm, take)) != 0)
				return rc;
			memcpy(rm->buf + rm->len, p + off, take);
			rm->len += take;
			rm->frag_left -= (uint32_t)take;
			off += take;
			if (rm->frag_left > 0)
				break;
		}
		/* fragment complete */
		rm->in_frag = false;
		if (rm->last) {
			*used = off;
			return RM_RECORD;
		}
	}
	*used = off;
	return RM_NEED;
}

uint8_t *
recmark_take(struct recmark *rm, size_t *len)
{
	uint8_t *b = rm->buf;

	*len = rm->len;
	rm->buf = NULL;
	rm->len = rm->cap = 0;
	rm->nfrags = rm->nempty = 0;
	rm->last = false;
	return b;
}

size_t
recmark_pending(const struct recmark *rm)
{
	return rm->len + rm->hdrlen;
}

void
recmark_free(struct recmark *rm)
{
	free(rm->buf);
	rm->buf = NULL;
	rm->len = rm->cap = 0;
}
