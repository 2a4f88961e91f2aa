/*
 * mountd.h: rpc.mountd, the MOUNT service (program 100005, versions 1, 2
 * and 3). main.c sets up, mountd_procs.c holds the dispatch tables,
 * mountd_mnt.c answers MNT and PATHCONF, mountd_list.c EXPORT and DUMP,
 * rmtab.c keeps the list of mounted clients.
 */
#ifndef MOUNTD_MOUNTD_H
#define MOUNTD_MOUNTD_H

#include <sys/socket.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/exports_live.h"
#include "common/fh.h"
#include "common/ratelog.h"
#include "common/rpc/rpc_srv.h"
#include "xdr/mount.h"

/* The argument/result type of procedures without one. */
typedef int mountd_void;
bool_t	xdr_mountd_void(XDR *xdrs, mountd_void *p);

/* ------------------------------------------------------------ rmtab.c */

#define RMTAB_MAX	16384	/* entries kept; more mounts are not recorded */

struct rmtab_ent {
	char	*host;		/* numeric address */
	char	*path;		/* normalized path as mounted */
};

struct rmtab {
	pthread_mutex_t	 lock;
	char		*file;		/* NULL: in memory only (tests) */
	struct rmtab_ent *ents;
	size_t		 n, cap;
};

/* A list backed by file (NULL: not persisted), loaded from it when it
 * exists. *skippedp (may be NULL) gets the number of malformed lines
 * skipped. Returns 0 and *out, or -errno (-ENOMEM, read errors). */
int	rmtab_open(const char *file, struct rmtab **out, unsigned *skippedp);
void	rmtab_free(struct rmtab *rt);
/* Record host mounted path (no duplicates) and save. Returns 0, -ENOSPC
 * past RMTAB_MAX, or -errno from the write (the entry is kept in memory). */
int	rmtab_add(struct rmtab *rt, const char *host, const char *path);
/* Remove host's entry for path, or (path NULL) all of host's entries, and
 * save if anything changed. Returns the number removed or -errno. */
int	rmtab_del(struct rmtab *rt, const char *host, const char *path);
size_t	rmtab_count(struct rmtab *rt);
/* The list as DUMP returns it, allocated in rq's arena (newest first).
 * Returns 0, or -ENOMEM. */
int	rmtab_dump(struct rmtab *rt, struct req *rq, mnt_mountlist *out);

/*
 * The file format (pure, for the tests): one "address path" per line, the
 * path with blanks, backslashes and control or non-ASCII bytes written as
 * \ooo. Parse skips (and counts) malformed lines. Both return 0 or -ENOMEM.
 */
int	rmtab_serialize(const struct rmtab_ent *ents, size_t n, char **outp,
	    size_t *lenp);
int	rmtab_parse(const char *text, size_t len, struct rmtab_ent **entsp,
	    size_t *np, unsigned *skippedp);
void	rmtab_ents_free(struct rmtab_ent *ents, size_t n);

/* ------------------------------------------------------------ the daemon */

struct hostcache;
struct mountd {
	struct exp_holder	 exports;
	struct fh_key		 key;
	struct rmtab		*rmtab;
	struct hostcache	*hosts;		/* client names, for wildcards */
	/* refused MNTs, and UMNT/UMNTALL of nothing mounted (anyone may
	 * send those): a few lines, then a count (common/ratelog.h) */
	struct ratelog		 rate_mnt, rate_umnt;
};

/* The limiters of m: set up, log what they counted (a timer, once a
 * second), tear down. */
void	mountd_rate_init(struct mountd *m);
void	mountd_rate_flush(struct mountd *m);
void	mountd_rate_destroy(struct mountd *m);

/* How long a MNT may wait for the first lookup of a client's name. */
#define MOUNTD_NAME_WAIT_MS	2000

/* The one errno -> mountstat3 map. */
mountstat3 mnt3_stat(int err);

/* What a MNT resolved to. */
struct mountd_mnt_res {
	uint8_t		fh[FH_MAXSIZE];
	size_t		fhlen;
	unsigned	nflavors;
	int		flavors[EXP_SEC_MAX];
	char		path[4096];	/* normalized */
};
/* The MNT policy and lookup for a handle of form FH_FORM_V3 or
 * FH_FORM_V2: 0 and *r, or -errno (for mnt3_stat). Logs the outcome. */
int	mountd_mnt(struct mountd *m, struct req *rq, const char *path, int form,
	    struct mountd_mnt_res *r);

/* Handlers (RFC 1094 appendix A, RFC 1813 section 5.2). */
enum disp mountd_null(struct req *rq, mountd_void *a, mountd_void *res);
enum disp mountd_mnt1(struct req *rq, mnt_dirpath *a, fhstatus *res);
enum disp mountd_mnt3(struct req *rq, mnt_dirpath *a, mountres3 *res);
enum disp mountd_dump(struct req *rq, mountd_void *a, mnt_mountlist *res);
enum disp mountd_umnt(struct req *rq, mnt_dirpath *a, mountd_void *res);
enum disp mountd_umntall(struct req *rq, mountd_void *a, mountd_void *res);
enum disp mountd_export(struct req *rq, mountd_void *a, mnt_exports *res);
enum disp mountd_pathconf(struct req *rq, mnt_dirpath *a, ppathcnf *res);

/* The EXPORT list of a generation, in rq's arena. 0 or -ENOMEM. */
int	mountd_export_list(const struct exp_live *l, struct req *rq,
	    mnt_exports *out);

/* The program: versions 1, 2 and 3 (ctx: struct mountd). */
const struct rpc_program *mountd_program(void);

#endif
