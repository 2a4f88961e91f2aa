/*
 * fhmemo.h: per-thread memory of recent handle MACs. Every call decodes
 * a handle and many results encode some (READDIRPLUS: one per entry), each
 * costing an HMAC-SHA-256. A worker thread remembers, in a small
 * direct-mapped table of its own (no locks), the handles it verified and
 * built: a handle seen again byte for byte is known good, and an object
 * seen again gets the same bytes. Only handles that verified are kept, so
 * a forged handle can never hit.
 */
#ifndef NFSD_FHMEMO_H
#define NFSD_FHMEMO_H

#include <stddef.h>
#include <stdint.h>

#include "common/fh.h"

/* fh_decode() through the memo: 0 and *f, or -EBADMSG. */
int	fhmemo_decode(const struct fh_key *key, const uint8_t *buf, size_t len,
	    struct fh_fields *f);
/* fh_encode() through the memo; same contract. */
int	fhmemo_encode(const struct fh_key *key, const struct fh_fields *f,
	    int form, uint8_t *out, size_t *lenp);

#endif
