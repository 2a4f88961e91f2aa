/*
 * recmark.h: TCP record marking (RFC 5531 section 11), as a pure state
 * machine fed with whatever bytes the socket gave. Each fragment starts with
 * a 4-byte big-endian header: the top bit marks the last fragment of a
 * record, the other 31 bits its length. Memory grows only with bytes that
 * actually arrived, never from a declared length, and never past max.
 */
#ifndef NFS_RPC_RECMARK_H
#define NFS_RPC_RECMARK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RM_LAST_FRAG		0x80000000u
#define RM_MAX_EMPTY_FRAGS	8	/* zero-length non-last fragments per record */
#define RM_MAX_FRAGS		8192

struct recmark {
	size_t		 max;		/* cap on a whole record */
	uint8_t		 hdr[4];
	unsigned	 hdrlen;	/* header bytes collected */
	uint32_t	 frag_left;	/* bytes left in the current fragment */
	bool		 in_frag;	/* a header was read, body pending */
	bool		 last;		/* current fragment is the last */
	unsigned	 nfrags, nempty;
	uint8_t		*buf;
	size_t		 len, cap;
};

enum { RM_NEED = 0, RM_RECORD = 1 };

void	recmark_init(struct recmark *rm, size_t max);
/*
 * Consume bytes from p[0..n). Returns RM_RECORD when a record completed
 * (*used says how much was consumed; take it with recmark_take() before
 * feeding the rest), RM_NEED when everything was consumed, -EMSGSIZE when
 * the record would pass the cap, -EPROTO on too many (empty) fragments,
 * -ENOMEM. After an error the stream is unusable.
 */
int	recmark_feed(struct recmark *rm, const uint8_t *p, size_t n, size_t *used);
/* Detach the completed record (malloc'd, may be NULL when len is 0). */
uint8_t	*recmark_take(struct recmark *rm, size_t *len);
/* Bytes buffered for an incomplete record. */
size_t	recmark_pending(const struct recmark *rm);
void	recmark_free(struct recmark *rm);

#endif
