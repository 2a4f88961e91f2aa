/*
 * rpcbd_live.h: is the owner of a registration still there? The probe
 * (rpcbd_probe.c: sockets, no daemon state, unit-tested) and the owner
 * watch (rpcbd_live.c: pidfds, a thread, the policy).
 */
#ifndef RPCBD_LIVE_H
#define RPCBD_LIVE_H

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpcbind/rpcbd_db.h"

/* What a probe of a registration found. */
enum rpcbd_liveness {
	RPCBD_LIVE_YES,		/* an RPC answer but PROG_UNAVAIL */
	RPCBD_LIVE_NO,		/* refused, ICMP port unreachable, or
				   PROG_UNAVAIL */
	RPCBD_LIVE_UNSURE,	/* no answer in time, not on this host, or
				   a netid we cannot reach: keep it */
};

/*
 * Probe the n registrations e[] at once, filling res[]: a NULL call to
 * each one's program and version at its address (a wildcard address is
 * reached over loopback; an address that is not this host's is not
 * probed). Waits at most timeout_ms in all. Only positive evidence gives
 * RPCBD_LIVE_NO, so a busy service is never taken for a dead one.
 */
void	rpcbd_probe(const struct rpcbd_ent *e, size_t n,
	    enum rpcbd_liveness *res, unsigned timeout_ms);

/* The start time (field 22) in the text of a /proc/PID/stat file; 0 if it
 * cannot be read. */
uint64_t rpcbd_stat_starttime(const char *text);
/* The start time of process pid, from /proc; 0 if it is gone or
 * unreadable. */
uint64_t rpcbd_proc_start(pid_t pid);
/* CLOCK_MONOTONIC in milliseconds. */
uint64_t rpcbd_now_ms(void);

struct rpcbd;
struct rpcbd_live;

/* New owner watch (no thread yet); NULL on failure. interval: seconds
 * between two port checks of every registration with no owner process. */
struct rpcbd_live *rpcbd_live_new(struct rpcbd *rb, unsigned interval);
/* Start the thread: after daemon_detach(), which keeps no thread. 0 or
 * -errno. */
int	rpcbd_live_start(struct rpcbd_live *lv);
/* Stop and join the thread (SETs may still add watches). NULL-safe. */
void	rpcbd_live_stop(struct rpcbd_live *lv);
/* Stop, close the pidfds, free: once no worker runs. NULL-safe. */
void	rpcbd_live_free(struct rpcbd_live *lv);
/* Change the interval (SIGHUP). */
void	rpcbd_live_set_interval(struct rpcbd_live *lv, unsigned interval);

/*
 * A SET from process pid (SO_PEERCRED): fill e->pid and e->start and
 * watch the process, or leave them 0 when it cannot be watched (gone
 * already, too many processes watched, no pidfd_open(2)).
 */
void	rpcbd_live_owner(struct rpcbd_live *lv, pid_t pid,
	    struct rpcbd_ent *e);
/*
 * After a warm start: keep each loaded registration whose owner process
 * still runs (same pid, same start time), watching it; probe the others
 * and drop those whose port is closed. Logs what it dropped. Returns the
 * number dropped.
 */
int	rpcbd_live_warm(struct rpcbd_live *lv);
/*
 * rpcbd_db_find() for GETPORT/GETADDR: a registration with no owner
 * process that was last checked more than RPCBD_RECHECK_MS ago is probed
 * first, and dropped if its port is closed (then the lookup is made
 * again). 0 with *out filled, or -ENOENT.
 */
int	rpcbd_live_find(struct rpcbd *rb, uint32_t prog, uint32_t vers,
	    const char *netid, struct rpcbd_ent *out);

#define RPCBD_RECHECK_MS	2000	/* on-demand port checks, at most */
#define RPCBD_WATCH_MAX		512	/* owner processes watched */

#endif
