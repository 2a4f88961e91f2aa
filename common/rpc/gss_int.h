/*
 * gss_int.h: RPCSEC_GSS internals shared by gss.c and gss_ctx.c (and the
 * unit tests): the context and the context table.
 */
#ifndef NFS_GSS_INT_H
#define NFS_GSS_INT_H

#include <sys/socket.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <gssapi/gssapi.h>

#include "common/cred.h"
#include "common/rpc/rpc_gss.h"

#define GSS_HANDLE_LEN	16
#define GSS_BUCKETS	1024

/* One context. Fixed size: its identity is mapped once, when complete. */
struct gctx {
	struct gctx		*hnext;		/* bucket */
	struct gctx		*lprev, *lnext;	/* LRU: head most recent */
	uint8_t			 handle[GSS_HANDLE_LEN];
	struct sockaddr_storage	 client;	/* host part, for the cap */
	pthread_mutex_t		 lock;		/* gctx and win */
	gss_ctx_id_t		 gctx;
	struct gss_seqwin	 win;
	bool			 complete;
	bool			 anon;		/* no local user: anonymous */
	bool			 dead;		/* out of the table */
	int			 refs;		/* the table's + users' */
	time_t			 expiry;
	struct cred		 id;		/* uid, gid, groups, principal */
};

/*
 * The table: hashed by handle, a least-recently-used list, at most max
 * contexts in all and max_client per client address (the least recently
 * used go first to make room).
 */
struct gss_table {
	pthread_mutex_t		 lock;
	struct gctx		*buckets[GSS_BUCKETS];
	struct gctx		*lru, *lru_tail;
	unsigned		 n, max, max_client;
};

void	gss_table_init(struct gss_table *t, unsigned max, unsigned max_client);
/* Free every context (none may be in use). */
void	gss_table_destroy(struct gss_table *t);
/* A new, incomplete context of client (its port is ignored) with a fresh
 * random handle, in the table, with a reference for the caller. NULL: no
 * memory. */
struct gctx *gss_ctx_new(struct gss_table *t, const struct sockaddr *client);
/* The context of handle with a reference, now the most recently used;
 * NULL if none. */
struct gctx *gss_ctx_get(struct gss_table *t, const uint8_t *h, size_t hlen);
/* Drop a reference: the last frees it (and its GSS context). */
void	gss_ctx_put(struct gss_table *t, struct gctx *c);
/* Take c out of the table (users keep it until they put it). */
void	gss_ctx_remove(struct gss_table *t, struct gctx *c);
unsigned gss_table_count(struct gss_table *t);

#endif
