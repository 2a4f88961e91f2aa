/*
 * fhcache.h: the wire handles of recently listed objects, keyed by what a
 * fresh statx() of the object says (device, inode number, birth time), so
 * that READDIRPLUS and LOOKUP need neither name_to_handle_at() nor a MAC
 * for an object they have seen: one statx() per entry, which also gives the
 * attributes, as fresh as the call.
 *
 * Why the key is safe: an inode number is reused only by a new object,
 * which has a new birth time. Birth times are kept only when the file
 * system reports one with a nonzero nanosecond part (a file system with
 * coarse or no birth times is never cached: an inode freed and reused
 * within its granule would otherwise get the old object's handle). The
 * handle depends on the export too: its id, volume id and the handle form
 * are part of the entry. Only handles the server built go in; nothing a
 * client sends is ever looked up here.
 *
 * Bounded: a fixed number of slots (a collision replaces the slot), under
 * striped locks, shared by every thread.
 */
#ifndef NFSD_FHCACHE_H
#define NFSD_FHCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "common/fh.h"

struct fhcache;

/* What identifies an object (from statx). */
struct fhc_key {
	uint64_t	dev;
	uint64_t	ino;
	int64_t		btime_sec;
	uint32_t	btime_nsec;
};

/* A cache of about slots entries (rounded up to a power of two, at least
 * 256); NULL with 0 slots (off) or on allocation failure. */
struct fhcache *fhcache_new(unsigned slots);
void	fhcache_free(struct fhcache *c);
/* Bytes it holds (for the stats and the man page's figure). */
size_t	fhcache_bytes(const struct fhcache *c);

/* May an object with this birth time be cached? */
static inline int
fhcache_keyable(const struct fhc_key *k)
{
	return k->btime_nsec != 0;
}

/*
 * The wire handle of k for (export_id, volid, form): 1 and out[0..*lenp)
 * on a hit (*lenp is the room in out on entry), 0 on a miss. NULL c: 0.
 */
int	fhcache_get(struct fhcache *c, const struct fhc_key *k,
	    uint32_t export_id, const uint8_t volid[FH_VOLID_LEN], int form,
	    uint8_t *out, size_t *lenp);
void	fhcache_put(struct fhcache *c, const struct fhc_key *k,
	    uint32_t export_id, const uint8_t volid[FH_VOLID_LEN], int form,
	    const uint8_t *wire, size_t len);
/* Counters since the start: hits and misses (relaxed). */
void	fhcache_counts(const struct fhcache *c, uint64_t *hits,
	    uint64_t *misses);

#endif
