/*
 * range.c: byte-range lock arithmetic (see range.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lockd/range.h"

#define OFF_LIMIT	((uint64_t)INT64_MAX + 1)	/* one past the last byte */

int
lk_range_make(uint64_t off, uint64_t len, unsigned bits, bool excl,
    struct lk_range *r)
{
	uint64_t end;

	r->excl = excl;
	r->start = off;
	if (bits == 32) {
		if (off > UINT32_MAX || len > UINT32_MAX)
			return -EOVERFLOW;
		if (len == 0 || len == UINT32_MAX) {
			r->end = LK_EOF;
			return 0;
		}
		if (off + len > (uint64_t)UINT32_MAX + 1)
			return -EOVERFLOW;
		r->end = off + len;
		return 0;
	}
	if (off > LK_OFF_MAX)
		return -EOVERFLOW;
	if (len == 0) {
		r->end = LK_EOF;
		return 0;
	}
	if (len > UINT64_MAX - off)
		return -EOVERFLOW;
	end = off + len;
	/* past the kernel's last offset: the same lock as one to EOF */
	r->end = end >= OFF_LIMIT ? LK_EOF : end;
	return 0;
}

void
lk_range_wire(const struct lk_range *r, unsigned bits, uint64_t *off,
    uint64_t *len)
{
	if (bits == 32) {
		*off = r->start > UINT32_MAX ? UINT32_MAX : r->start;
		if (r->end == LK_EOF || r->end > (uint64_t)UINT32_MAX + 1 ||
		    r->start > UINT32_MAX)
			*len = 0;
		else
			*len = r->end - r->start;
		return;
	}
	*off = r->start;
	*len = r->end == LK_EOF ? 0 : r->end - r->start;
}

bool
lk_overlap(const struct lk_range *a, const struct lk_range *b)
{
	return a->start < b->end && b->start < a->end;
}

bool
lk_conflicts(const struct lk_range *held, const struct lk_range *q)
{
	return lk_overlap(held, q) && (held->excl || q->excl);
}

void
lk_list_init(struct lk_list *l)
{
	memset(l, 0, sizeof(*l));
}

void
lk_list_free(struct lk_list *l)
{
	free(l->r);
	lk_list_init(l);
}

/* Replace l's ranges by what is left outside q (and q itself if insert),
 * merging same-type neighbours when insert. */
static int
rebuild(struct lk_list *l, const struct lk_range *q, bool insert)
{
	struct lk_range *nr, piece;
	size_t i, n = 0, cap = l->n + 2;
	bool placed = !insert;

	if ((nr = calloc(cap, sizeof(*nr))) == NULL)
		return -ENOMEM;
	for (i = 0; i < l->n; i++) {
		const struct lk_range *r = &l->r[i];

		if (!placed && r->start >= q->start) {
			nr[n++] = *q;
			placed = true;
		}
		if (!lk_overlap(r, q)) {
			nr[n++] = *r;
			continue;
		}
		if (r->start < q->start) {
			piece = *r;
			piece.end = q->start;
			nr[n++] = piece;
			if (!placed) {
				nr[n++] = *q;
				placed = true;
			}
		}
		if (q->end != LK_EOF && r->end > q->end) {
			if (!placed) {
				nr[n++] = *q;
				placed = true;
			}
			piece = *r;
			piece.start = q->end;
			nr[n++] = piece;
		}
	}
	if (!placed)
		nr[n++] = *q;
	if (insert && n > 1) {
		/* merge touching ranges of the same type (sorted, disjoint) */
		size_t w = 0;

		for (i = 1; i < n; i++) {
			if (nr[w].excl == nr[i].excl && nr[w].end != LK_EOF &&
			    nr[w].end >= nr[i].start) {
				if (nr[i].end > nr[w].end)
					nr[w].end = nr[i].end;
				continue;
			}
			nr[++w] = nr[i];
		}
		n = w + 1;
	}
	free(l->r);
	l->r = nr;
	l->n = n;
	l->cap = cap;
	return 0;
}

int
lk_list_set(struct lk_list *l, const struct lk_range *q)
{
	return rebuild(l, q, true);
}

int
lk_list_clear(struct lk_list *l, const struct lk_range *q)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (lk_overlap(&l->r[i], q))
			return rebuild(l, q, false);
	return 0;
}

const struct lk_range *
lk_list_conflict(const struct lk_list *l, const struct lk_range *q)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (lk_conflicts(&l->r[i], q))
			return &l->r[i];
	return NULL;
}

bool
lk_list_covers(const struct lk_list *l, const struct lk_range *q)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->r[i].excl == q->excl && l->r[i].start <= q->start &&
		    l->r[i].end >= q->end)
			return true;
	return false;
}
