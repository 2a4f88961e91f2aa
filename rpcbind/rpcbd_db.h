/*
 * rpcbd_db.h: rpcbind's registration database and statistics. Pure code:
 * no sockets, no logging, so tests/unit/test_rpcbd.c drives all of it.
 * Every function is safe to call from several worker threads at once.
 */
#ifndef RPCBD_DB_H
#define RPCBD_DB_H

#include <sys/socket.h>
#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/parse.h"

#define RPCBD_NETID_MAX		32	/* "tcp6", "local", ... */
#define RPCBD_UADDR_MAX		128	/* inet6 uaddr, or an AF_LOCAL path */
#define RPCBD_OWNER_MAX		32	/* "superuser", "unknown", a uid */
#define RPCBD_DB_MAX		4096	/* registrations */
/* Entries one owner other than the superuser may hold, and the part of
 * the table only the superuser may fill: a local user cannot crowd out
 * the system's daemons. */
#define RPCBD_OWNER_QUOTA	256
#define RPCBD_ROOT_RESERVE	512
#define RPCBD_STAT_MAX		64	/* getaddr / rmtcall rows per version */

#define RPCBD_SUPERUSER		"superuser"
#define RPCBD_UNKNOWN		"unknown"

/*
 * One registration: (prog, vers, netid) -> uaddr, and who made it. pid and
 * start name the owner process when it is known (a SET over the local
 * socket: SO_PEERCRED), start being its start time in clock ticks after
 * boot (/proc/PID/stat field 22), so a reused pid is not taken for it; 0
 * and 0 when no process is known. checked is when the registration was
 * last found alive, in milliseconds of CLOCK_MONOTONIC (not saved).
 */
struct rpcbd_ent {
	uint32_t	prog;
	uint32_t	vers;
	char		netid[RPCBD_NETID_MAX];
	char		uaddr[RPCBD_UADDR_MAX];
	char		owner[RPCBD_OWNER_MAX];
	pid_t		pid;
	uint64_t	start;
	uint64_t	checked;
};

struct rpcbd_db;

/* New empty database; NULL on allocation failure. */
struct rpcbd_db *rpcbd_db_new(void);
/* NULL-safe. */
void	rpcbd_db_free(struct rpcbd_db *db);

/* Fill e from parts; returns 0, or -ENAMETOOLONG / -EINVAL when a field is
 * too long or holds whitespace or control characters. */
int	rpcbd_ent_make(struct rpcbd_ent *e, uint32_t prog, uint32_t vers,
	    const char *netid, const char *uaddr, const char *owner);
/* Is the uaddr an inet/inet6 address with a port below 1024? */
bool	rpcbd_uaddr_privileged(const char *netid, const char *uaddr);
/* Check the uaddr is well formed for the netid (udp/tcp: inet, udp6/tcp6:
 * inet6, local: an absolute path; other netids: printable). 0 or -EINVAL. */
int	rpcbd_uaddr_check(const char *netid, const char *uaddr);

/*
 * Add a registration. Returns 0; -EEXIST when (prog, vers, netid) is
 * already registered (with any address: the caller must UNSET first);
 * -ENOSPC past RPCBD_DB_MAX, -EDQUOT past an owner's quota; -EINVAL for a bad entry.
 */
int	rpcbd_db_set(struct rpcbd_db *db, const struct rpcbd_ent *e);
/*
 * Remove (prog, vers, netid), or (prog, vers) on every netid when netid is
 * "" or NULL. Only the owner of an entry, or "superuser", may remove it,
 * and an entry with a privileged port needs caller_priv as well. Nothing
 * is removed unless all matching entries may be. Returns the number
 * removed (0 when none matched), or -EPERM.
 */
int	rpcbd_db_unset(struct rpcbd_db *db, uint32_t prog, uint32_t vers,
	    const char *netid, const char *owner, bool caller_priv);
/*
 * Find prog on netid: the entry of version vers if there is one, else the
 * last registered entry of another version of prog (as rpcbind does, so
 * the client gets PROG_MISMATCH with the versions from the server itself).
 * Returns 0 with *out filled, or -ENOENT.
 */
int	rpcbd_db_find(struct rpcbd_db *db, uint32_t prog, uint32_t vers,
	    const char *netid, struct rpcbd_ent *out);
/*
 * The liveness checks (rpcbd_live.c) work on copies and act on the entry
 * only if it is still the same registration: same prog, vers, netid,
 * uaddr, pid and start. remove drops it; disown forgets its owner process
 * (pid and start 0, checked = now): its port is checked from then on.
 * Both return 1 when the entry was there, 0 when it was not.
 */
int	rpcbd_db_remove(struct rpcbd_db *db, const struct rpcbd_ent *e);
int	rpcbd_db_disown(struct rpcbd_db *db, const struct rpcbd_ent *e,
	    uint64_t now);
/*
 * Claim the check of e: true, with its checked time set to now, when it is
 * still registered and was last checked at least min_age ms before now;
 * false otherwise (another thread checks it, or it is fresh).
 */
bool	rpcbd_db_claim_check(struct rpcbd_db *db, const struct rpcbd_ent *e,
	    uint64_t now, uint64_t min_age);
/* Call fn for each entry in registration order, under the lock (fn must
 * not call back into db). Stops and returns fn's value when nonzero. */
int	rpcbd_db_walk(struct rpcbd_db *db,
	    int (*fn)(const struct rpcbd_ent *, void *), void *arg);
size_t	rpcbd_db_count(struct rpcbd_db *db);

/*
 * Address merging: a registration on a wildcard address ("0.0.0.0.p1.p2",
 * "::.p1.p2") is answered with the address the request arrived on (local),
 * keeping the registered port. A request that came over AF_LOCAL gets the
 * loopback address of the registration's family. Other addresses are
 * returned unchanged. Returns 0 or -EINVAL / -ENOSPC.
 */
int	rpcbd_merge_addr(const char *uaddr, const struct sockaddr *local,
	    char *out, size_t outlen);

/*
 * Warm-start state file (format described in rpcbd_db.c). serialize
 * returns a malloc'd NUL-terminated text in *bufp (entries of prog
 * skip_prog are left out: rpcbind's own), or -ENOMEM. parse adds the
 * entries of text to db, skipping skip_prog; it checks the whole text
 * first and adds nothing if a line is malformed (err names it, -EINVAL).
 * It reads both versions of the format (version 1 has no owner process).
 * Entries that clash with existing ones are skipped and counted in
 * *skipped. Returns the number added; their checked time is 0.
 */
int	rpcbd_state_serialize(struct rpcbd_db *db, uint32_t skip_prog,
	    char **bufp, size_t *lenp);
int	rpcbd_state_parse(struct rpcbd_db *db, const char *text,
	    uint32_t skip_prog, unsigned *skipped, struct parse_err *err);

/*
 * GETSTAT counters (RFC 1833 section 2.2, rpcb_stat_byvers). sv is the
 * statistics version index: 0 for portmap v2, 1 for v3, 2 for v4.
 */
#define RPCBD_SV_2	0
#define RPCBD_SV_3	1
#define RPCBD_SV_4	2
#define RPCBD_NSV	3
#define RPCBD_NPROC	13	/* RPCBSTAT_HIGHPROC */

void	rpcbd_stat_proc(struct rpcbd_db *db, int sv, uint32_t proc);
void	rpcbd_stat_set(struct rpcbd_db *db, int sv, bool ok);
void	rpcbd_stat_unset(struct rpcbd_db *db, int sv, bool ok);
void	rpcbd_stat_getaddr(struct rpcbd_db *db, int sv, uint32_t prog,
	    uint32_t vers, const char *netid, bool ok);
/* indirect: the call came through RPCBPROC_INDIRECT. */
void	rpcbd_stat_rmtcall(struct rpcbd_db *db, int sv, uint32_t prog,
	    uint32_t vers, uint32_t proc, const char *netid, bool ok,
	    bool indirect);

/* A copy of the counters, for GETSTAT and the tests. */
struct rpcbd_stat_addr {
	uint32_t	prog, vers;
	int		success, failure;
	char		netid[RPCBD_NETID_MAX];
};
struct rpcbd_stat_rmt {
	uint32_t	prog, vers, proc;
	int		success, failure, indirect;
	char		netid[RPCBD_NETID_MAX];
};
struct rpcbd_stat_vers {
	int			info[RPCBD_NPROC];
	int			setinfo, unsetinfo;
	unsigned		naddr, nrmt;
	struct rpcbd_stat_addr	addr[RPCBD_STAT_MAX];
	struct rpcbd_stat_rmt	rmt[RPCBD_STAT_MAX];
};
void	rpcbd_stat_get(struct rpcbd_db *db, struct rpcbd_stat_vers out[RPCBD_NSV]);

#endif
