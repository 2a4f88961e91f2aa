/*
 * statd.h: rpc.statd, the Network Status Monitor (NSM, program 100024,
 * version 1; X/Open XNFS chapter 11).
 *
 * The local lock manager asks statd to monitor the hosts holding (or
 * granting) its locks (SM_MON). When one of them reboots, its statd tells
 * ours (SM_NOTIFY) and ours calls the lock manager back at 127.0.0.1 with
 * the cookie it registered. When we restart, we tell every monitored host.
 *
 *	main.c		flags, config, privileges, start-up, the loop
 *	statd_procs.c	the dispatch table (index == procedure number),
 *			the daemon's context
 *	statd_mon.c	SM_STAT, SM_MON, SM_UNMON, SM_UNMON_ALL
 *	statd_reboot.c	SM_SIMU_CRASH, SM_NOTIFY, the start-up notify set
 *	statd_db.c	the registration table (in memory, saved per host)
 *	statd_file.c	the state directory: state, sm/, sm.bak/ (formats)
 *	statd_name.c	host-name validation, numeric names, log limiter
 *	statd_resolve.c	bounded name lookups in threads of their own
 *	statd_send.c	outgoing calls with retries: SM_NOTIFY to peers,
 *			the callbacks to the lock manager
 *	statd_ha.c	the -H high-availability callout
 */
#ifndef STATD_STATD_H
#define STATD_STATD_H

#include <sys/socket.h>
#include <sys/types.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/ratelog.h"
#include "common/rpc/rpc_srv.h"
#include "xdr/nsm.h"

/* Longest host name kept. It becomes a file name, and atomic_write_file()
 * writes ".NAME.xxxxxxxx" first: NAME_MAX (255) less 10. DNS names are at
 * most 253 bytes; the XDR bound is SM_MAXSTRLEN (1024). */
#define STATD_NAME_MAX		245
#define STATD_MAXADDRS		8	/* addresses kept per monitored host */
#define STATD_RESOLVE_MS	3000	/* SM_MON waits this long for a lookup */
#define STATD_FILE_MAX		(256 * 1024)	/* a host file we read */

/* The argument/result type of procedures without one. */
typedef int statd_void;
bool_t	xdr_statd_void(XDR *xdrs, statd_void *p);

/* ------------------------------------------------------------ statd_name.c */

struct statd_addrs {
	unsigned		 n;
	struct sockaddr_storage	 a[STATD_MAXADDRS];
};

/*
 * Is name acceptable as a mon_name / my_name (it becomes a file name and a
 * log word)? NULL if so, else why not: empty, longer than STATD_NAME_MAX,
 * "." / ".." or a leading '.', a '/', or a byte outside printable ASCII
 * (control characters, blanks, DEL, 8-bit bytes). Numeric IPv4 and IPv6
 * addresses pass.
 */
const char *statd_name_invalid(const char *name);
/*
 * May an SM_MON registration name this callback? As nfs-utils' rpc.statd:
 * only the lock manager's reboot procedure (program 100021, procedure 16,
 * or 24 of older Linux kernels), whatever the version. The callback comes
 * from our reserved port at 127.0.0.1: aimed at any other service it
 * would let a local user make calls that service trusts.
 */
bool	statd_callback_allowed(uint32_t prog, uint32_t vers, uint32_t proc);
/* Is name a numeric address? If so (and ss is not NULL) it goes to ss. */
bool	statd_name_numeric(const char *name, struct sockaddr_storage *ss);
/* The file name of a host: name in lower case (names compare
 * case-insensitively). key has STATD_NAME_MAX + 1 bytes. */
void	statd_name_key(const char *name, char *key);
/* s as it may be logged (an untrusted string): at most len - 1 bytes,
 * unprintable bytes as '?'. Returns buf. */
const char *statd_name_safe(const char *s, char *buf, size_t len);

/* ------------------------------------------------------------ statd_db.c */

/* One SM_MON registration. */
struct statd_reg {
	char		mon_name[STATD_NAME_MAX + 1];
	char		my_name[STATD_NAME_MAX + 1];
	uint32_t	prog, vers, proc;
	uint8_t		priv[SM_PRIVLEN];
};

/* The registrations for one monitored host (one file in sm/). */
struct statd_host {
	struct statd_host	*next;
	char			 key[STATD_NAME_MAX + 1];	/* file name */
	bool			 numeric;	/* key is an address */
	struct statd_addrs	 addrs;		/* numeric, or resolved */
	bool			 have_state;	/* an SM_NOTIFY was passed on */
	int32_t			 state;		/* its state number */
	struct statd_reg	*regs;
	size_t			 nregs, cap;
};

/*
 * Called under the table's lock after a host's registrations changed:
 * text/len is the host's new file (NULL: no registration left, remove it).
 * Returns 0 or -errno.
 */
typedef int (*statd_save_fn)(void *arg, const char *key, const char *text,
    size_t len);

struct statd_db {
	pthread_mutex_t		 lock;
	struct statd_host	*hosts;
	size_t			 nregs, max;
	statd_save_fn		 save;		/* NULL: memory only */
	void			*save_arg;
};

void	statd_db_init(struct statd_db *db, size_t max, statd_save_fn save,
	    void *save_arg);
void	statd_db_destroy(struct statd_db *db);
/*
 * Add r (dedupe on mon_name case-insensitive, my_name, prog, vers, proc; a
 * repeat updates priv) and save the host. addrs (NULL: none) are the host's
 * resolved addresses, kept if it has none yet; a numeric mon_name is its own
 * address. Returns 1 (added), 0 (updated), -ENOSPC (max registrations),
 * -ENOMEM, or the save error (the change is undone).
 */
int	statd_db_add(struct statd_db *db, const struct statd_reg *r,
	    const struct statd_addrs *addrs);
/* The same for records read back at start: no save. */
int	statd_db_load(struct statd_db *db, const struct statd_reg *r);
/*
 * Remove the registration of mon_name by my_id (SM_UNMON). Returns the
 * number removed (0 or 1) or a save error (the removal stays).
 */
int	statd_db_del(struct statd_db *db, const char *mon_name,
	    const char *my_name, uint32_t prog, uint32_t vers, uint32_t proc);
/*
 * Remove every registration of my_id (SM_UNMON_ALL). *removedp (may be
 * NULL) gets a malloc'd copy of what was removed, *np their number.
 * Returns the number removed or -ENOMEM / a save error.
 */
int	statd_db_del_all(struct statd_db *db, const char *my_name,
	    uint32_t prog, uint32_t vers, uint32_t proc,
	    struct statd_reg **removedp, size_t *np);
/*
 * The registrations to call back for an SM_NOTIFY of state from a
 * notifier: its source address from equals one of the host's addresses
 * (v4-mapped IPv6 equals IPv4); a host with no known address matches by
 * name (case-insensitive). A host whose last SM_NOTIFY passed on had the
 * same state is left out (a replayed notification: rpc.statd(8)); the
 * others remember state. *outp gets a malloc'd copy (NULL when none), and
 * *matchedp (may be NULL) the number of hosts that matched, replays
 * included. Returns the number of registrations, or -ENOMEM.
 */
int	statd_db_match(struct statd_db *db, const struct sockaddr *from,
	    const char *name, int32_t state, struct statd_reg **outp,
	    unsigned *matchedp);
/* Does host h match the notifier (from, name)? (the rule above) */
bool	statd_host_matches(const struct statd_host *h,
	    const struct sockaddr *from, const char *name);
/* Would statd_db_add(r) find room: r is there already (an update), or
 * the table is not full? (SM_MON asks before it looks a name up.) */
bool	statd_db_room(struct statd_db *db, const struct statd_reg *r);
/* Is name monitored with a known address (or numeric)? Then SM_MON need
 * not look it up again. */
bool	statd_db_known(struct statd_db *db, const char *name);
/* Give host key the addresses a (a background lookup finished); a numeric
 * host keeps its own. 0, or -ENOENT if the host is gone. */
int	statd_db_set_addrs(struct statd_db *db, const char *key,
	    const struct statd_addrs *a);
size_t	statd_db_count(struct statd_db *db);
/*
 * Take everything out (SM_SIMU_CRASH): retire(arg, key) is called for each
 * host under the lock (it moves the file to sm.bak/), then the table is
 * empty. *keysp gets a malloc'd array of the keys (STATD_NAME_MAX + 1 bytes
 * each). Returns the number of hosts, or -ENOMEM (nothing changed).
 */
int	statd_db_retire(struct statd_db *db, void (*retire)(void *arg,
	    const char *key), void *arg, char (**keysp)[STATD_NAME_MAX + 1]);
/* Keys of the hosts with no address that are not numeric (to resolve
 * after start), as statd_db_retire's array. Returns the number or -ENOMEM. */
int	statd_db_unresolved(struct statd_db *db,
	    char (**keysp)[STATD_NAME_MAX + 1]);

/* ------------------------------------------------------------ statd_file.c */

/* The next state number: the next odd number strictly greater than s
 * (0 -> 1, 1 -> 3, 2 -> 3, 3 -> 5); past INT32_MAX it starts again at 1. */
uint32_t statd_state_next(uint32_t s);
/* Read the state file: 0 and *sp (a missing file is state 0), -EINVAL if
 * it is not 4 bytes, or -errno. */
int	statd_state_read(const char *path, uint32_t *sp);
/* Write it atomically (4 bytes, host byte order). 0 or -errno. */
int	statd_state_write(const char *path, uint32_t s);

/* One record line of a host file (see statd_file.c); returns its length,
 * or 0 if it does not fit len. */
size_t	statd_rec_format(const struct statd_reg *r, char *buf, size_t len);
/* A host's file: every registration, one line each. 0 or -ENOMEM; *textp
 * is malloc'd (NULL and 0 when n is 0). */
int	statd_rec_serialize(const struct statd_reg *regs, size_t n,
	    char **textp, size_t *lenp);
/*
 * Parse a host file's text: *regsp gets a malloc'd array of the valid
 * records, *np their number; malformed lines (and lines whose mon_name is
 * not the file's key, when key is not NULL) are skipped and counted in
 * *skippedp. 0 or -ENOMEM.
 */
int	statd_rec_parse(const char *text, size_t len, const char *key,
	    struct statd_reg **regsp, size_t *np, unsigned *skippedp);

/* The host files of dir: names of regular files that are valid host names
 * (temporary files start with '.'). *namesp is a malloc'd array as
 * statd_db_retire's; *badp (may be NULL) counts other names skipped.
 * Returns the number of names, or -errno. */
int	statd_dir_list(const char *dir, char (**namesp)[STATD_NAME_MAX + 1],
	    unsigned *badp);
/* Write (text non-NULL) or remove (NULL) dir/name, durably. 0 or -errno
 * (removing a missing file is 0). */
int	statd_file_put(const char *dir, const char *name, const char *text,
	    size_t len);
/* Read dir/name whole. 0 or -errno. */
int	statd_file_get(const char *dir, const char *name, char **textp,
	    size_t *lenp);
/* Move from/name to to/name (replacing it), durably. 0 or -errno. */
int	statd_file_move(const char *from, const char *to, const char *name);
/* Copy from/name to to/name, durably. 0 or -errno. */
int	statd_file_copy(const char *from, const char *to, const char *name);
/* Create dir and its sm/ and sm.bak/ (mode 0700), and give dir, state, sm,
 * sm.bak and the regular files in them (one link only) to uid:gid when we
 * are root. Never follows a symbolic link: dir, sm or sm.bak being one is
 * an error (-ELOOP or -ENOTDIR), and links inside are left alone. 0 or
 * -errno. */
int	statd_dir_prepare(const char *dir, uid_t uid, gid_t gid);

/* ------------------------------------------------------------ statd_resolve.c */

/*
 * Name lookups (getaddrinfo) each in a detached thread of its own, so no
 * caller waits longer than it chooses to. A resolver is where results
 * arrive: its fd becomes readable when one does. A lookup still running
 * when its resolver is released finishes and frees what it holds.
 */
struct statd_resolver;
struct statd_resolver *statd_resolver_new(void);
void	statd_resolver_put(struct statd_resolver *r);
/* Readable (an eventfd) when a result may be waiting. */
int	statd_resolver_fd(const struct statd_resolver *r);
/* Start looking name up; tag comes back with the result. 0, -EAGAIN (too
 * many lookups running in the process), -ENOMEM or -errno. */
int	statd_resolver_start(struct statd_resolver *r, const char *name,
	    uint64_t tag);
/* Take one finished lookup: 0 with *tagp, *errp (0 or -ENOENT/-EAGAIN/...)
 * and *a; -EAGAIN when none is waiting. */
int	statd_resolver_take(struct statd_resolver *r, uint64_t *tagp,
	    int *errp, struct statd_addrs *a);
/* Look name up, waiting at most timeout_ms. 0 and *a, -ETIMEDOUT,
 * -ENOENT (no such host) or -errno. */
int	statd_resolve(const char *name, unsigned timeout_ms,
	    struct statd_addrs *a);
/* A lookup's error (-errno as above) in words. */
const char *statd_resolve_strerror(int err);

/* ------------------------------------------------------------ statd_send.c */

struct statd_send;
struct statd_send_cfg {
	int		 udp4_fd, udp6_fd;	/* SM_NOTIFY's sockets, adopted */
	int		 cb_fd;		/* IPv4 socket of callbacks, adopted */
	const char	*our_name;		/* mon_name of our SM_NOTIFY */
	unsigned	 retry_secs;		/* SM_NOTIFY: give up after */
	/* In the sender's thread, no lock held: a host answered our
	 * SM_NOTIFY; a background lookup of a monitored host finished. */
	void		(*acked)(void *arg, const char *host);
	void		(*resolved)(void *arg, const char *host,
			    const struct statd_addrs *a);
	void		*arg;
};
/* Start the sender (its thread and the RPC client). NULL on failure, errno
 * set; the fds are closed then too. */
struct statd_send *statd_send_new(const struct statd_send_cfg *cfg);
/* Stop: calls still pending are given up. */
void	statd_send_free(struct statd_send *s);
/* Tell host (a monitored name) we rebooted with this state; replaces a
 * pending notification of host. 0 or -errno (-EAGAIN: queue full). */
int	statd_send_notify(struct statd_send *s, const char *host,
	    int32_t state);
/* Call the lock manager back for registration r: host r->mon_name
 * rebooted with state. A pending callback of the same registration is
 * updated instead of repeated. 0 or -errno. */
int	statd_send_callback(struct statd_send *s, const struct statd_reg *r,
	    int32_t state);
/* Look host up in the background, then the resolved hook. 0 or -errno. */
int	statd_send_resolve(struct statd_send *s, const char *host);
/* Notifications not yet answered or given up. */
unsigned statd_send_notify_pending(struct statd_send *s);
/* Readable (an eventfd) each time the last pending notification ended. */
int	statd_send_idle_fd(const struct statd_send *s);

/* ------------------------------------------------------------ statd_ha.c */

/* At most this many callouts run at once; this many more wait. */
#define STATD_HA_RUNNING	4
#define STATD_HA_QUEUED		256

struct statd_ha;
/*
 * Fork the callout runner for program prog (absolute path): before the
 * sandbox, while statd has one thread. detach: the runner leaves statd's
 * session and stdio as daemon_detach() will. NULL on failure, errno set.
 */
struct statd_ha *statd_ha_new(const char *prog, bool detach);
/* Start passing requests to the runner (a thread: after detaching). 0 or
 * -errno. */
int	statd_ha_start(struct statd_ha *ha);
/* Stop; the runner exits when it sees statd's end close. */
void	statd_ha_free(struct statd_ha *ha);
/*
 * Queue "prog verb arg1 arg2 [arg3]" (never waits; a full queue drops it
 * with a warning); arg3 NULL: left out. ha may be NULL (no callout). The
 * calls are nfs-utils' (rpc.statd(8)): "add-client MON_NAME MY_NAME",
 * "del-client MON_NAME MY_NAME", "sm-notify MON_NAME ADDRESS STATE".
 */
void	statd_ha_run(struct statd_ha *ha, const char *verb, const char *arg1,
	    const char *arg2, const char *arg3);

/* ------------------------------------------------------------ the daemon */

struct statd {
	struct statd_db		 db;
	_Atomic int32_t		 state;		/* our NSM state number */
	char			 dir[PATH_MAX];	/* state directory */
	char			 sm[PATH_MAX];	/* dir/sm */
	char			 smbak[PATH_MAX];	/* dir/sm.bak */
	char			 statefile[PATH_MAX];	/* dir/state */
	pthread_mutex_t		 crash_lock;	/* SIMU_CRASH, state writes */
	struct statd_send	*send;		/* NULL: nothing sent (tests) */
	struct statd_ha		*ha;		/* NULL: no callout */
	bool			 persist;	/* write files (false: tests) */
	/* log limiters: refused calls from remote callers, per kind; local
	 * SM_MONs refused; SM_NOTIFYs received */
	struct ratelog		 rate_mon, rate_unmon, rate_unmon_all,
				 rate_crash, rate_refused, rate_notify;
};

/* Set up st for state directory dir (paths, table, limiters). 0 or
 * -ENAMETOOLONG. save: write the host files (false: memory only). */
int	statd_init(struct statd *st, const char *dir, size_t max_monitors,
	    bool save);
void	statd_destroy(struct statd *st);
/* Log what the limiters suppressed (once a second). */
void	statd_rate_tick(struct statd *st);

/* Handlers (XNFS chapter 11). */
enum disp statd_proc_null(struct req *rq, statd_void *a, statd_void *res);
enum disp statd_proc_stat(struct req *rq, sm_name *a, sm_stat_res *res);
enum disp statd_proc_mon(struct req *rq, sm_mon *a, sm_stat_res *res);
enum disp statd_proc_unmon(struct req *rq, sm_mon_id *a, sm_stat *res);
enum disp statd_proc_unmon_all(struct req *rq, sm_my_id *a, sm_stat *res);
enum disp statd_proc_simu_crash(struct req *rq, statd_void *a,
	    statd_void *res);
enum disp statd_proc_notify(struct req *rq, sm_stat_chge *a,
	    statd_void *res);

/*
 * The start-up notification (sm-notify's job): every host in sm/ is copied
 * to sm.bak/, and every host in sm.bak/ is then notified of state (via
 * st->send). Returns the number of hosts to notify, or -errno.
 */
int	statd_notify_restart(struct statd *st, int32_t state);
/* Load sm/ into the table (malformed records skipped with a warning
 * naming the file). Returns the number of registrations. */
int	statd_load_monitors(struct statd *st);
/* The sender's hooks (cfg.arg: st): a host answered our SM_NOTIFY (its
 * sm.bak/ file goes); a monitored name was looked up. */
void	statd_on_acked(void *arg, const char *host);
void	statd_on_resolved(void *arg, const char *host,
	    const struct statd_addrs *a);

/* The program: version 1 (ctx: struct statd). */
const struct rpc_program *statd_program(void);

#endif
