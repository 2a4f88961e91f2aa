/*
 * range.h: byte-range lock arithmetic, pure (no I/O), as POSIX fcntl(2)
 * locks behave for one owner: a new lock replaces whatever the owner held
 * in its range (so an upgrade or downgrade replaces in place), adjacent or
 * overlapping ranges of the same type merge, unlocking part of a range
 * splits it. rpc.lockd keeps one list per NLM owner and file, mirroring
 * what the kernel holds for that owner's open file description, so TEST
 * can name the conflicting owner and lockd knows when an owner holds
 * nothing any more.
 *
 * Ranges are [start, end) in 64-bit bytes; end LK_EOF means "to end of
 * file". The kernel's offsets are signed 64-bit (off_t): a range that ends
 * past INT64_MAX is the same as one to end of file there, so lk_range_make
 * normalises it to LK_EOF.
 */
#ifndef LOCKD_RANGE_H
#define LOCKD_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LK_EOF		UINT64_MAX
#define LK_OFF_MAX	((uint64_t)INT64_MAX)	/* the largest start */

struct lk_range {
	uint64_t	start, end;	/* [start, end), end LK_EOF: to EOF */
	bool		excl;
};

struct lk_list {
	struct lk_range	*r;		/* sorted by start, disjoint */
	size_t		 n, cap;
};

/*
 * The range of an NLM request: offset and length as the protocol carries
 * them (len 0: to end of file), for a version with `bits` (32 or 64) wide
 * fields. Returns 0 and *r, or -EOVERFLOW when offset + len does not fit
 * the version's width or the start does not fit an off_t (never wrapped).
 * For 32-bit versions a length of 0xffffffff also means to end of file
 * (as Solaris and the XNFS text allow).
 */
int	lk_range_make(uint64_t off, uint64_t len, unsigned bits, bool excl,
	    struct lk_range *r);
/* The protocol's offset and length of r (len 0: to end of file), clamped
 * to a 32-bit version's fields when bits is 32: a range reaching past
 * 2^32 - 1 is reported as running to end of file. */
void	lk_range_wire(const struct lk_range *r, unsigned bits, uint64_t *off,
	    uint64_t *len);
/* Do [a) and [b) share a byte? */
bool	lk_overlap(const struct lk_range *a, const struct lk_range *b);
/* Would a lock r held by another owner conflict with q (overlap, and one
 * of them exclusive)? */
bool	lk_conflicts(const struct lk_range *held, const struct lk_range *q);

void	lk_list_init(struct lk_list *l);
void	lk_list_free(struct lk_list *l);
/* Lock q: replace the owner's locks in q's range, merge same-type
 * neighbours. 0 or -ENOMEM (the list is unchanged then). */
int	lk_list_set(struct lk_list *l, const struct lk_range *q);
/* Unlock q's range (type ignored), splitting as needed. 0 or -ENOMEM. */
int	lk_list_clear(struct lk_list *l, const struct lk_range *q);
/* The first range of l that conflicts with q, or NULL. */
const struct lk_range *lk_list_conflict(const struct lk_list *l,
	    const struct lk_range *q);
/* Does l hold all of q with q's type (a repeated request)? */
bool	lk_list_covers(const struct lk_list *l, const struct lk_range *q);
static inline bool
lk_list_empty(const struct lk_list *l)
{
	return l->n == 0;
}

#endif
