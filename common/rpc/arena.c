/*
 * arena.c: the per-request arena and the small request helpers. Everything
 * a handler allocates for its result comes from here and is released in
 * one go after the reply has been sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/rpc/rpc_srv.h"

#define ARENA_CHUNK	4096

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 size, used;
	_Alignas(16) unsigned char data[];
};

void
arena_init(struct arena *a, size_t limit)
{
	a->head = NULL;
	a->total = 0;
	a->limit = limit;
}

void *
arena_alloc(struct arena *a, size_t len)
{
	void *p = arena_alloc_raw(a, len);

	if (p != NULL)
		memset(p, 0, len);
	return p;
}

void *
arena_alloc_raw(struct arena *a, size_t len)
{
	struct arena_chunk *c = a->head;
	size_t alen = (len + 15) & ~(size_t)15, csize;
	void *p;

	if (alen < len)
		return NULL;
	if (c == NULL || c->size - c->used < alen) {
		csize = alen > ARENA_CHUNK ? alen : ARENA_CHUNK;
		if (a->limit != 0 && a->total + csize > a->limit)
			return NULL;
		if ((c = malloc(sizeof(*c) + csize)) == NULL)
			return NULL;
		c->size = csize;
		c->used = 0;
		a->total += csize;
		/* a big private chunk goes behind the current one */
		if (alen > ARENA_CHUNK && a->head != NULL) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = c->data + c->used;
	c->used += alen;
	return p;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *n;

	for (c = a->head; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	a->head = NULL;
	a->total = 0;
}

void *
req_alloc(struct req *rq, size_t len)
{
	return arena_alloc(&rq->arena, len);
}

void *
req_alloc_raw(struct req *rq, size_t len)
{
	return arena_alloc_raw(&rq->arena, len);
}

void
req_set_zerocopy(struct req *rq, const void *buf, size_t len)
{
	rq->zc_buf = len > 0 ? buf : NULL;
	rq->zc_len = len;
}

char *
req_strdup(struct req *rq, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = req_alloc(rq, n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

const char *
req_peer_str(struct req *rq)
{
	char *b = req_alloc(rq, ADDR_STRLEN + 8);

	if (b == NULL)
		return "?";
	if (rq->kind == RPC_XPRT_LOCAL) {
		if (rq->has_peercred)
			snprintf(b, ADDR_STRLEN + 8, "local:uid=%u",
			    (unsigned)rq->peer_uid);
		else
			snprintf(b, ADDR_STRLEN + 8, "local");
		return b;
	}
	return addr_fmt((const struct sockaddr *)&rq->peer, b, ADDR_STRLEN + 8);
}

bool
req_is_local(const struct req *rq)
{
	if (rq->kind == RPC_XPRT_LOCAL)
		return true;
	/* both ends on loopback: a spoofed source arriving from outside
	 * would have to be addressed to a non-loopback address */
	return addr_is_loopback((const struct sockaddr *)&rq->peer) &&
	    rq->locallen > 0 &&
	    addr_is_loopback((const struct sockaddr *)&rq->local);
}

bool
req_is_privileged(const struct req *rq)
{
	int port;

	if (rq->kind == RPC_XPRT_LOCAL)
		return rq->has_peercred && rq->peer_uid == 0;
	port = addr_port((const struct sockaddr *)&rq->peer);
	return port > 0 && port < 1024;
}
