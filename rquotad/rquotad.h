/*
 * rquotad.h: rpc.rquotad, the remote quota server (program 100011,
 * versions 1 and 2). Handlers by concern:
 *   rquotad_procs.c  the dispatch table and the daemon's context
 *   rquotad_quota.c  GETQUOTA, GETACTIVEQUOTA, SETQUOTA, SETACTIVEQUOTA:
 *                    the path into an export, the access rules, quotactl
 *   rquota_conv.c    pure: kernel quota <-> RQUOTA units, who may ask
 *   qctl.c           quotactl_fd(2), or quotactl(2) on the device the
 *                    mount table names
 */
#ifndef NFS_RQUOTAD_H
#define NFS_RQUOTAD_H

#include <linux/quota.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/cred.h"
#include "common/exports_live.h"
#include "common/ratelog.h"
#include "common/rpc/rpc_srv.h"
#include "xdr/rquota.h"

struct hostcache;

#define RQUOTAD_NAME_WAIT_MS	2000	/* first lookup of a wildcard name */

struct rquotad {
	struct exp_holder	 exports;
	struct hostcache	*hosts;
	bool			 allow_set;	/* [rquotad] setquota, -S */
	struct ratelog		 rate_refused;
};

/* The dispatch table, with ctx as rq->ctx. */
const struct rpc_program *rquotad_program(struct rquotad *rqd);
void	rquotad_init(struct rquotad *rqd);
void	rquotad_destroy(struct rquotad *rqd);
void	rquotad_rate_tick(struct rquotad *rqd);

bool_t	xdr_rquotad_void(XDR *xdrs, void *p);
typedef char rquotad_void;

enum disp rquotad_proc_null(struct req *rq, rquotad_void *a,
	    rquotad_void *res);
enum disp rquotad_getquota1(struct req *rq, getquota_args *a,
	    getquota_rslt *res);
enum disp rquotad_getactivequota1(struct req *rq, getquota_args *a,
	    getquota_rslt *res);
enum disp rquotad_setquota1(struct req *rq, setquota_args *a,
	    setquota_rslt *res);
enum disp rquotad_setactivequota1(struct req *rq, setquota_args *a,
	    setquota_rslt *res);
enum disp rquotad_getquota2(struct req *rq, ext_getquota_args *a,
	    getquota_rslt *res);
enum disp rquotad_getactivequota2(struct req *rq, ext_getquota_args *a,
	    getquota_rslt *res);
enum disp rquotad_setquota2(struct req *rq, ext_setquota_args *a,
	    setquota_rslt *res);
enum disp rquotad_setactivequota2(struct req *rq, ext_setquota_args *a,
	    setquota_rslt *res);

/* ------------------------------------------------------------ conversion */

/*
 * The kernel's quota (struct if_dqblk: limits in 1024-byte blocks, usage
 * in bytes, absolute grace deadlines) as RQUOTA reports it, at time now:
 * rq_bsize is the smallest power of two from 1024 up for which every
 * block count fits 32 bits (at most 2^30, past which counts saturate at
 * 2^32-1); usage rounds up to a whole 1024-byte block, then every count
 * rounds down to rq_bsize; inode counts saturate at 2^32-1; 0 stays 0
 * ("no limit"). A grace deadline becomes the seconds left as a signed
 * 32-bit value (the quota tools read it so): negative once it has passed,
 * never 0 while a deadline is set (0 means none).
 */
void	rquota_from_kernel(const struct if_dqblk *d, bool active, time_t now,
	    rquota *out);
/*
 * What a SETQUOTA asks for, as the kernel's Q_SETQUOTA takes it: qcmd's
 * command part (RQUOTA_Q_SETQLIM: limits, and the grace times given;
 * RQUOTA_Q_SETUSE: usage; RQUOTA_Q_SETQUOTA: both) selects dqb_valid.
 * Blocks in sq are 1024 bytes. Returns 0, or -EINVAL for another command.
 */
int	rquota_to_kernel(const sq_dqblk *sq, int qcmd, time_t now,
	    struct if_dqblk *out);

/*
 * May caller c (already squashed by the export) read quota type/id?
 * Its own uid's user quota, its gid's or one of its groups' group quota;
 * uid 0 (root not squashed: no_root_squash) any.
 */
bool	rquota_may_get(const struct cred *c, int type, int id);
/*
 * May c set quotas? Only when the admin turned SETQUOTA on, only uid 0
 * after squashing (no_root_squash), only on a read-write export.
 */
bool	rquota_may_set(const struct cred *c, bool allow_set,
	    bool export_ro);
/* Quota type of the protocol -> kernel's (USRQUOTA, GRPQUOTA) or -1. */
int	rquota_type(int type);

/* ------------------------------------------------------------ quotactl */

/*
 * Q_GETQUOTA of type/id on the filesystem holding fd (any descriptor,
 * O_PATH too), and whether its limits are enforced. quotactl_fd(2) where
 * the kernel has it, else quotactl(2) on the block device the mount table
 * gives for fd's mount. Returns 0, -ESRCH (no quota on that filesystem),
 * or another -errno.
 */
int	qctl_get(int fd, int type, uint32_t id, struct if_dqblk *d,
	    bool *active);
int	qctl_set(int fd, int type, uint32_t id, struct if_dqblk *d);
/*
 * The mount source field of /proc/self/mountinfo text for mount ID
 * mnt_id, into buf. Returns 0, -ENOENT or -ENAMETOOLONG. Pure, for the
 * fallback path and its test.
 */
int	qctl_mountinfo_source(const char *text, uint64_t mnt_id, char *buf,
	    size_t len);

#endif
