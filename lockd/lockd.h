/*
 * lockd.h: rpc.lockd, the Network Lock Manager (program 100021, versions
 * 1, 3 and 4).
 *
 * Locks are real: each NLM owner (host, caller_name, svid, oh) gets one
 * open file description per file (lk_ofd) and its locks are taken on it
 * with F_OFD_SETLK, so NFS clients and local processes on the server see
 * each other's locks and two NFS owners conflict exactly as two local
 * processes would. lockd mirrors what each description holds (range.h)
 * to name holders in TEST and to know when an owner holds nothing.
 *
 *   main.c          flags, config, exports, listeners, statd, the loop
 *   lockd_procs.c   the dispatch tables; v1/v3 <-> v4 forms; _MSG -> _RES
 *   lockd_lock.c    TEST, LOCK, CANCEL, UNLOCK, GRANTED_RES; deadlocks
 *   lockd_block.c   blocked locks: the waiter queue, NLM_GRANTED callbacks
 *   lockd_share.c   SHARE, UNSHARE (DOS share reservations)
 *   lockd_file.c    handle -> file (export and client checks as nfsd)
 *   lockd_state.c   hosts, owners, files, descriptions; the host list file
 *   lockd_nsm.c     statd: SM_MON, reboot callbacks, FREE_ALL, start-up
 *   range.c grace.c pure lock arithmetic and grace rules (unit-tested)
 *
 * One mutex (lockd.lock) guards every table; it is never held across a
 * blocking call (statd is asked with it released).
 */
#ifndef LOCKD_LOCKD_H
#define LOCKD_LOCKD_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/exports_live.h"
#include "common/fh.h"
#include "common/ratelog.h"
#include "common/rpc/clnt.h"
#include "common/rpc/rpc_srv.h"
#include "lockd/grace.h"
#include "lockd/range.h"
#include "xdr/nlm4.h"
#include "xdr/nsm.h"

#define LK_CALLER_MAX	255	/* caller_name bytes we keep */
#define LK_OH_MAX	256	/* owner handle bytes */
#define LK_COOKIE_MAX	64	/* cookie bytes */
#define LK_FH_MAX	64	/* NFS handle bytes (v3 at most 64) */
#define LK_NAME_WAIT_MS	2000	/* first lookup of a client's name */
#define LK_FILE_BUCKETS	256

/* The callback lockd gives statd in SM_MON (statd calls it at 127.0.0.1). */
#define LK_NSM_PROG	100021
#define LK_NSM_VERS	4
#define LK_NSM_PROC	NLMPROC_NSM_NOTIFY
#define LK_MY_NAME	"127.0.0.1"

struct lockd_limits {
	unsigned	max_hosts;		/* client hosts (4096) */
	unsigned	max_owners_per_host;	/* (1024) */
	unsigned	max_files;		/* open descriptions in all (8192) */
	unsigned	max_waiters;		/* blocked locks in all (4096) */
	unsigned	max_waiters_per_host;	/* (64) */
	unsigned	max_shares_per_host;	/* (1024) */
	unsigned	host_idle;		/* s before an idle host is
						   forgotten (300) */
};

struct lk_owner;
struct lk_file;
struct lk_waiter;

enum lk_mon { MON_NO, MON_BUSY, MON_YES };

struct lk_host {
	struct lk_host		*next;
	struct sockaddr_storage	 addr;		/* port 0 */
	char			 key[64];	/* numeric address: the key,
						   and the name statd monitors */
	uint64_t		 id;		/* in the SM_MON cookie */
	struct lk_owner		*owners;
	unsigned		 nowners, nwaiters, nshares;
	unsigned		 busy;		/* requests using it now */
	enum lk_mon		 mon;
	bool			 listed;	/* in the host list file */
	int			 nsm_state;	/* its last state (LOCK args) */
	time_t			 last_used;
};

struct lk_owner {
	struct lk_owner		*next;		/* host->owners */
	struct lk_host		*host;
	char			*caller;
	int32_t			 svid;
	uint8_t			*oh;
	size_t			 ohlen;
	unsigned		 refs;		/* descriptions + waiters */
	struct lk_waiter	*waiters;	/* via onext */
};

/* One owner's open file description of one file. */
struct lk_ofd {
	struct lk_ofd		*next;		/* file->ofds */
	struct lk_owner		*owner;
	struct lk_file		*file;
	int			 fd;
	bool			 rw;
	struct lk_list		 locks;
	unsigned		 nwaiters;
};

struct lk_share {
	struct lk_share		*next;
	struct lk_host		*host;
	char			*caller;
	uint8_t			*oh;
	size_t			 ohlen;
	int			 mode, access;	/* fsh_mode, fsh_access */
};

struct lk_file {
	struct lk_file		*next;		/* hash bucket */
	dev_t			 dev;
	ino_t			 ino;
	struct lk_ofd		*ofds;
	struct lk_waiter	*wq, *wq_tail;	/* FIFO, via fnext */
	struct lk_share		*shares;
	unsigned		 nwaiting;	/* W_WAITING on wq */
	uint8_t			 fh[LK_FH_MAX];	/* a handle it was named by, */
	size_t			 fhlen;		/* for UNLOCK after it is gone */
};

enum lk_wstate { W_WAITING, W_GRANTING };

/* A blocked lock; once granted (W_GRANTING) it holds the lock until the
 * client answers the GRANTED callback. */
struct lk_waiter {
	struct lk_waiter	*fnext;		/* file->wq */
	struct lk_waiter	*onext;		/* owner->waiters */
	uint64_t		 id;		/* our GRANTED cookie */
	struct lk_ofd		*ofd;
	struct lk_range		 range;
	uint64_t		 wire_off, wire_len;	/* as the client sent */
	uint8_t			 fh[LK_FH_MAX];
	size_t			 fhlen;
	unsigned		 vers;		/* NLM version of the request */
	enum rpc_clnt_proto	 proto;
	bool			 msg;		/* came as LOCK_MSG: GRANTED_MSG */
	enum lk_wstate		 state;
	bool			 inflight;	/* a callback is out */
	time_t			 next_try;
	unsigned		 backoff;
	unsigned		 attempts;
};

struct lockd {
	pthread_mutex_t		 lock;
	pthread_cond_t		 mon_cond;	/* a host's SM_MON finished */
	struct exp_holder	 exports;
	struct fh_key		 key;
	struct hostcache	*names;
	struct rpc_clnt		*clnt;
	struct lockd_limits	 lim;
	char			 hostname[LK_CALLER_MAX + 1];

	struct lk_host		*hosts;
	unsigned		 nhosts;
	struct lk_file		*files[LK_FILE_BUCKETS];
	unsigned		 nfiles, nofds, nwaiters;
	uint64_t		 next_id;
	uint8_t			 boot[8];	/* this run, in SM_MON cookies */

	struct grace		 grace;
	time_t			 grace_logged;
	char			 hosts_file[4096];	/* lockd's host list */
	int			 statd_state;	/* as statd last said */
	bool			 list_dirty;
	unsigned		 statd_timeout_ms;
	/* lock requests refused by the exports, and for lack of room
	 * (hosts, statd, waiters): a few lines, then a count */
	struct ratelog		 rate_denied, rate_limits;
};

/* ------------------------------------------------------------ requests */

/* A request in one form for every version (lockd_procs.c fills it). */
struct lk_args {
	const netobj		*cookie;
	const char		*caller;
	const netobj		*fh;
	const netobj		*oh;
	int32_t			 svid;
	uint64_t		 off, len;	/* as on the wire */
	struct lk_range		 range;
	bool			 excl, block, reclaim;
	int			 state;
	unsigned		 vers;		/* 1, 3 or 4 */
	bool			 msg;		/* a _MSG procedure */
	bool			 monitor;	/* LOCK (not NM_LOCK) */
};

/* The conflicting lock TEST reports. */
struct lk_holder {
	bool			 excl;
	int32_t			 svid;
	uint8_t			 oh[LK_OH_MAX];
	size_t			 ohlen;
	struct lk_range		 range;
};

/* Per call, in the arena: rq->priv (see lockd_check). */
struct lk_rq {
	struct exp_live		*gen;
};

static inline struct lockd *
lockd_of(const struct req *rq)
{
	return rq->ctx;
}

/* lockd_procs.c */
const struct rpc_program *lockd_program(struct lockd *lk);
/* The v1/v3 status for a v4 one (the statuses v4 added become denied). */
nlm_stats lk_stat_v3(nlm4_stats s);
const char *lk_stat_name(nlm4_stats s);

/* lockd_lock.c: each returns the NLM4 status of the answer. */
nlm4_stats lk_do_test(struct req *rq, const struct lk_args *a,
	    struct lk_holder *h);
nlm4_stats lk_do_lock(struct req *rq, const struct lk_args *a);
nlm4_stats lk_do_cancel(struct req *rq, const struct lk_args *a);
nlm4_stats lk_do_unlock(struct req *rq, const struct lk_args *a);
/* A GRANTED_RES for our GRANTED_MSG. */
void	lk_granted_res(struct req *rq, const netobj *cookie, nlm4_stats st);
/* Validate the sizes of a request's strings: 0 or an NLM4 status. */
nlm4_stats lk_check_args(const struct lk_args *a);

/* lockd_share.c */
nlm4_stats lk_do_share(struct req *rq, const netobj *fh, const char *caller,
	    const netobj *oh, int mode, int access, bool reclaim, bool unshare);

/* lockd_file.c */
struct lk_target {
	int			 fd;	/* O_PATH, as root */
	struct stat		 st;
	bool			 ro;	/* ro export for this caller */
};
/*
 * Resolve the handle of a lock request for rq's caller: decode (-EBADMSG),
 * export (-ESTALE), admission (-EACCES, -EPERM), open as root, inside the
 * export, a regular file (-EINVAL), and unless the export has
 * insecure_locks the caller may read it or owns it (-EACCES). Returns 0
 * and t (close t->fd with lk_target_close).
 */
int	lk_target_open(struct req *rq, const netobj *fh, struct lk_target *t);
void	lk_target_close(struct lk_target *t);
/* Kernel operations on a description. */
int	lk_k_setlk(int fd, const struct lk_range *r, bool unlock);
/* F_OFD_GETLK: 0 and *conflict set false, or the conflicting range and
 * pid (-1 for another description's lock) with *conflict true. */
int	lk_k_getlk(int fd, const struct lk_range *q, bool *conflict,
	    struct lk_range *held, pid_t *pid);
/* Map a -errno of lk_target_open or the kernel to an NLM4 status. */
nlm4_stats lk_errno_stat(int err);

/* lockd_state.c (all with lk->lock held) */
struct lk_host *lk_host_get(struct lockd *lk, const struct sockaddr *sa,
	    bool create);
struct lk_host *lk_host_by_id(struct lockd *lk, uint64_t id);
struct lk_owner *lk_owner_get(struct lockd *lk, struct lk_host *h,
	    const char *caller, int32_t svid, const netobj *oh, bool create);
void	lk_owner_unref(struct lockd *lk, struct lk_owner *o);
struct lk_file *lk_file_get(struct lockd *lk, dev_t dev, ino_t ino,
	    bool create);
void	lk_file_maybe_free(struct lockd *lk, struct lk_file *f);
struct lk_ofd *lk_ofd_find(struct lk_file *f, const struct lk_owner *o);
/* The owner's description of f, opened from t when new (O_RDWR unless
 * the export is ro or the file cannot be opened so, else O_RDONLY).
 * NULL with *errp. */
struct lk_ofd *lk_ofd_get(struct lockd *lk, struct lk_file *f,
	    struct lk_owner *o, const struct lk_target *t, int *errp);
/* Close d if it holds no lock and no waiter uses it. */
void	lk_ofd_maybe_close(struct lockd *lk, struct lk_ofd *d);
/* Drop everything a host holds (locks, waiters, shares); then retry the
 * waiters of the files it touched. If caller is not NULL, only the owners
 * and shares with that caller_name (FREE_ALL). */
void	lk_host_free_all(struct lockd *lk, struct lk_host *h,
	    const char *caller);
/* Forget hosts idle for lim.host_idle with nothing held: unmonitor them
 * (asynchronously) and take them out of the host list. */
void	lk_hosts_gc(struct lockd *lk, time_t now);
/* Free every table (exit), leaving the host list file as it is. */
void	lk_state_free(struct lockd *lk);
/* The host list file: write it if it changed (list_dirty); load it. */
void	lk_hosts_save(struct lockd *lk);
int	lk_hosts_load(const char *path, char ***keysp, size_t *np,
	    int *statd_statep);
/* The file format (pure, for the tests). */
int	lk_hosts_format(char *const *keys, size_t n, int statd_state,
	    char **outp);
int	lk_hosts_parse(const char *text, char ***keysp, size_t *np,
	    int *statd_statep);
void	lk_keys_free(char **keys, size_t n);

/* lockd_block.c (with lk->lock held) */
/* Queue a blocked lock for d. -ENOLCK beyond the limits. */
int	lk_waiter_add(struct lockd *lk, struct lk_ofd *d, const struct lk_args *a,
	    enum rpc_clnt_proto proto, struct lk_waiter **wp);
struct lk_waiter *lk_waiter_find(struct lk_ofd *d, const struct lk_range *r);
/* Unqueue and free w; if it holds a lock not yet acknowledged, release
 * that too (release). */
void	lk_waiter_remove(struct lockd *lk, struct lk_waiter *w, bool release);
/* Try the waiters of f in order; grant and call back what can go. */
void	lk_file_wake(struct lockd *lk, struct lk_file *f);
/* Every second: retry waiting locks, resend due callbacks. */
void	lk_blocks_timer(struct lockd *lk, time_t now);
/* A GRANTED(_MSG) answer came for waiter id: err from our callback, or
 * st the client's answer (-1: GRANTED_MSG delivered, its GRANTED_RES to
 * come). from: the host a GRANTED_RES came from (NULL: our callback). */
void	lk_grant_answer(struct lockd *lk, uint64_t id, int err, nlm4_stats st,
	    const struct lk_host *from);

/* lockd_nsm.c */
/* Make sure statd monitors h (SM_MON, waiting with the lock released).
 * Called and returns with lk->lock held. 0 or -errno. */
int	lk_monitor(struct lockd *lk, struct lk_host *h);
/* Start-up: learn statd's state, ask it to notify clients of a lockd
 * restart when it will not do so itself, drop stale registrations; and
 * load the expected reclaimers. Returns the keys for the grace period. */
void	lk_nsm_startup(struct lockd *lk, char ***keysp, size_t *np);
/* Every 30 s: notice a statd restart (its state changed). */
void	lk_nsm_timer(struct lockd *lk, time_t now);
/* SM_UNMON of a forgotten host (asynchronous). */
void	lk_unmonitor(struct lockd *lk, const char *key);
enum disp lk_proc_nsm_notify(struct req *rq, sm_status *a, void *res);
/* FREE_ALL (v3/v4): the caller's owners named name. */
void	lk_free_all(struct req *rq, const char *name);

/* main.c-level helpers */
bool	lk_in_grace(struct lockd *lk, time_t now);

#endif
