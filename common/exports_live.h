/*
 * exports_live.h: the export table as mountd, nfsd and exportfs serve it.
 *
 * One generation = an immutable exp_table plus, per export, what the
 * filesystem says about it (root fd, dev/ino, volume id) and a stable
 * export id. A generation is reference counted; the holder swaps in a new
 * one only when it loaded whole, so requests in flight finish on the old.
 *
 * Where the table comes from, the contract between exportfs and the daemons
 * (all of them read the same file, so they always agree):
 *   - exportfs validates /etc/exports (+ exports.d), writes the canonical
 *     text to the etab file atomically (whole or nothing), then sends
 *     SIGHUP to rpc.mountd and rpc.nfsd;
 *   - a daemon loads the etab when it exists, else the exports files
 *     (first start), and on SIGHUP loads again; a table that fails to load
 *     is logged with file:line and the old one keeps serving;
 *   - after each load a daemon writes the table's hash to
 *     <state-dir>/<daemon>.exports-hash, so exportfs can confirm both took it.
 */
#ifndef NFS_EXPORTS_LIVE_H
#define NFS_EXPORTS_LIVE_H

#include <sys/types.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "common/exports.h"
#include "common/fh.h"

struct exp_live_export {
	const struct exp_export	*e;
	int			 root_fd;	/* O_RDONLY|O_DIRECTORY, -1 if err */
	dev_t			 dev;
	ino_t			 ino;
	uint8_t			 volid[FH_VOLID_LEN];
	uint32_t		 export_id;	/* exp_live_id(path) */
	int			 err;		/* -errno: export unusable */
	/* An implicit export: a filesystem mounted below a crossmnt export,
	 * served with its parent's client rules (e is the parent's). */
	const struct exp_live_export *parent;
	char			*mnt_path;	/* its mount point (implicit) */
};

struct exp_live {
	struct exp_table	*table;
	size_t			 n;
	struct exp_live_export	*ex;		/* exp_at() order */
	uint64_t		 hash;
	atomic_int		 refs;
	uint32_t		*idx;		/* by export id: index + 1 */
	size_t			 imask;
};

/* Where to read exports from ([exports] section of the config). */
struct exp_live_src {
	const char	*file;		/* /etc/exports */
	const char	*dir;		/* /etc/exports.d */
	const char	*etab;		/* STATEDIR "/etab" */
};

/* The export id of a path: 32-bit FNV-1a of the normalized path, never 0. */
uint32_t exp_live_id(const char *path);

/*
 * Load a generation: the etab if it exists (unless ignore_etab), else the
 * exports files; resolve host names (getaddrinfo: not for the request
 * path); open each export root. An export whose directory cannot be opened
 * is kept with err set (logged by the caller) and matches nothing. Returns
 * 0 and *out (refs 1), or -errno with err filled.
 */
int	exp_live_load(const struct exp_live_src *src, bool ignore_etab,
	    struct exp_live **out, struct exp_err *err);
/* Build a generation from an already parsed table (takes ownership). */
int	exp_live_from_table(struct exp_table *t, struct exp_live **out);
struct exp_live *exp_live_ref(struct exp_live *l);
void	exp_live_put(struct exp_live *l);

const struct exp_live_export *exp_live_by_id(const struct exp_live *l,
	    uint32_t export_id);
const struct exp_live_export *exp_live_by_export(const struct exp_live *l,
	    const struct exp_export *e);

/* The current generation, swapped atomically. */
struct exp_holder {
	pthread_mutex_t		 lock;
	struct exp_live		*cur;
	pthread_mutex_t		 reload_lock;	/* one load at a time */
	atomic_int		 reloads;	/* async loads not finished */
	atomic_bool		 names;		/* cur needs client host names */
	atomic_bool		 sync;		/* cur has a sync export */
};
void	exp_holder_init(struct exp_holder *h);
/* A reference to the current generation (NULL before the first set). */
struct exp_live *exp_holder_get(struct exp_holder *h);
/* Install l (takes the caller's reference); the old one is put. */
void	exp_holder_set(struct exp_holder *h, struct exp_live *l);
/* Does the current generation match some client by host name (wildcards,
 * netgroups: a lookup that may wait)? Lock-free. */
bool	exp_holder_needs_names(struct exp_holder *h);
/* Is some export of the current generation sync (a metadata change waits
 * for the disk)? Lock-free, with the same ordering. */
bool	exp_holder_any_sync(struct exp_holder *h);
void	exp_holder_destroy(struct exp_holder *h);

/*
 * A daemon's (re)load: exp_live_load() into h, then the ack file. Logs the
 * outcome the same way for every daemon: the table's warnings and unusable
 * exports, a failure with file:line:col at warning ("keeping the exports in
 * use" unless initial), success at notice. Returns 0 or -errno.
 */
int	exp_holder_load(struct exp_holder *h, const struct exp_live_src *src,
	    const char *ack_path, bool initial);
/* The same on its own thread, for SIGHUP in an event loop (host names are
 * resolved while loading). Loads are serialized; src and ack_path must
 * outlive the daemon. */
void	exp_holder_reload_async(struct exp_holder *h,
	    const struct exp_live_src *src, const char *ack_path);

/* Write "<hash in hex>\n" to path atomically (the daemons' ack). */
int	exp_live_write_ack(const char *path, uint64_t hash);

#endif
