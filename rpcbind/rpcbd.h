/*
 * rpcbd.h: rpcbind's run-time context, shared by main.c, the dispatch
 * table and the handlers. The handlers find it as rq->ctx.
 */
#ifndef RPCBD_H
#define RPCBD_H

#include <sys/types.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <rpc/rpc.h>
#include <rpc/pmap_prot.h>
#include <rpc/rpcb_prot.h>

#include "common/ratelog.h"
#include "common/rpc/rpc_srv.h"
#include "rpcbind/rpcbd_db.h"
#include "rpcbind/rpcbd_live.h"

#define RPCBD_PROG		100000u
#define RPCBPROC_NULL		0	/* libtirpc leaves it out */
#define RPCBD_DENY_MAX		64

/* What may change on SIGHUP: swapped whole under policy_lock. */
struct rpcbd_policy {
	bool		remote_calls;
	unsigned	ndeny;
	uint32_t	deny[RPCBD_DENY_MAX];	/* from remote-calls-deny */
};

/* Kinds of refusal, logged apart. */
#define RPCBD_REFUSE_SET	0
#define RPCBD_REFUSE_UNSET	1
#define RPCBD_REFUSE_REMOTE	2	/* CALLIT, INDIRECT */
#define RPCBD_REFUSE_KINDS	3

struct rpcbd {
	struct rpcbd_db		*db;
	char			*state_path;	/* NULL: warm start off */
	pthread_mutex_t		 save_lock;	/* orders state file writes */
	struct rpcbd_live	*live;		/* owner watch, port checks */

	pthread_mutex_t		 policy_lock;
	struct rpcbd_policy	 policy;
	unsigned		 callit_timeout_ms;
	atomic_uint		 callit_busy;	/* forwards in progress */
	unsigned		 callit_max;	/* leave one worker free */

	/* refusals logged per kind, a few then a count (ratelog.h) */
	struct ratelog		 refused[RPCBD_REFUSE_KINDS];
};

/* The program table (versions 2, 3, 4 of 100000), ctx NULL. */
const struct rpc_program *rpcbd_program(void);

/* rpcbd_rpcb.c: helpers shared by the handler files. */
/* The owner string for a caller: "superuser", a uid, or "unknown". */
void	rpcbd_owner(const struct req *rq, char *buf, size_t len);
/* Log a refused request at notice: a few per interval for each kind (SET,
 * UNSET, remote calls: by the procedure), then a count. */
void	rpcbd_refuse(struct rpcbd *rb, struct req *rq, const char *what,
	    uint32_t prog, uint32_t vers);
/* The limiters: set up, log what they counted (a timer, once a second),
 * tear down. */
void	rpcbd_refuse_init(struct rpcbd *rb);
void	rpcbd_refuse_flush(struct rpcbd *rb);
void	rpcbd_refuse_destroy(struct rpcbd *rb);
/* Write the state file if warm start is on; logs failures. */
void	rpcbd_save(struct rpcbd *rb);
/* Statistics version index of the request (0: v2, 1: v3, 2: v4). */
int	rpcbd_sv(const struct req *rq);
/* Register rpcbind itself (portmapper) on the listeners srv has. */
int	rpcbd_self_register(struct rpcbd *rb, struct rpc_srv *srv,
	    const char *const *bind, const char *local_path);
/* SET and UNSET as both protocols do them: *ok is the boolean answer;
 * a non-local caller gets DISP_AUTHERR (AUTH_TOOWEAK). */
enum disp rpcbd_do_set(struct req *rq, uint32_t prog, uint32_t vers,
	    const char *netid, const char *uaddr, bool_t *ok);
enum disp rpcbd_do_unset(struct req *rq, uint32_t prog, uint32_t vers,
	    const char *netid, bool_t *ok);
/* Is prog on the built-in or configured deny list for remote calls? */
bool	rpcbd_callit_denied(struct rpcbd *rb, uint32_t prog);

/* Argument and result types for the table (see rpcbd_procs.c). */
typedef struct pmap	rpcbd_pmap;
typedef rpcb		rpcbd_rpcb;
typedef struct pmaplist	*rpcbd_pmaplist;
typedef bool_t		rpcbd_bool;
typedef uint32_t	rpcbd_u32;
typedef char		*rpcbd_str;
typedef struct netbuf	rpcbd_netbuf;
typedef rpcblist_ptr	rpcbd_rpcblist;
typedef rpcb_entry_list_ptr rpcbd_entlist;

/* CALLIT / INDIRECT arguments as they come off the wire. */
struct rpcbd_rmtargs {
	uint32_t	prog, vers, proc;
	u_int		args_len;
	char		*args_val;
};
typedef struct rpcbd_rmtargs rpcbd_rmtargs;
/* Results: v2 answers the port, v3/v4 the universal address. */
struct rpcbd_rmtres {
	uint32_t	port;		/* v2 */
	char		*uaddr;		/* v3, v4 */
	u_int		res_len;
	char		*res_val;
};
typedef struct rpcbd_rmtres rpcbd_rmtres2;
typedef struct rpcbd_rmtres rpcbd_rmtres;
typedef struct rpcb_stat rpcbd_stat[RPCBVERS_STAT];
typedef int		rpcbd_void;

/* Handlers (RFC 1833). */
enum disp rpcbd_null(struct req *, void *, void *);
enum disp rpcbd_pmap_set(struct req *, rpcbd_pmap *, rpcbd_bool *);
enum disp rpcbd_pmap_unset(struct req *, rpcbd_pmap *, rpcbd_bool *);
enum disp rpcbd_pmap_getport(struct req *, rpcbd_pmap *, rpcbd_u32 *);
enum disp rpcbd_pmap_dump(struct req *, void *, rpcbd_pmaplist *);
enum disp rpcbd_pmap_callit(struct req *, rpcbd_rmtargs *, rpcbd_rmtres2 *);

enum disp rpcbd_rpcb_set(struct req *, rpcb *, rpcbd_bool *);
enum disp rpcbd_rpcb_unset(struct req *, rpcb *, rpcbd_bool *);
enum disp rpcbd_rpcb_getaddr(struct req *, rpcb *, rpcbd_str *);
enum disp rpcbd_rpcb_getversaddr(struct req *, rpcb *, rpcbd_str *);
enum disp rpcbd_rpcb_dump(struct req *, void *, rpcbd_rpcblist *);
enum disp rpcbd_rpcb_callit(struct req *, rpcbd_rmtargs *, rpcbd_rmtres *);
enum disp rpcbd_rpcb_indirect(struct req *, rpcbd_rmtargs *, rpcbd_rmtres *);
enum disp rpcbd_rpcb_gettime(struct req *, void *, rpcbd_u32 *);
enum disp rpcbd_rpcb_uaddr2taddr(struct req *, rpcbd_str *, rpcbd_netbuf *);
enum disp rpcbd_rpcb_taddr2uaddr(struct req *, rpcbd_netbuf *, rpcbd_str *);
enum disp rpcbd_rpcb_getaddrlist(struct req *, rpcb *, rpcbd_entlist *);
enum disp rpcbd_rpcb_getstat(struct req *, void *, struct rpcb_stat *);

/* rpcbd_callit.c: forward a call; fills res (res_val in the arena) and
 * *svc with the service's registration. 0, or -errno on any failure. */
int	rpcbd_forward(struct req *rq, const rpcbd_rmtargs *a,
	    struct rpcbd_ent *svc, rpcbd_rmtres *res);

#endif
