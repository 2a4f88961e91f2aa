/*
 * procnames.c: the names statistics give procedures: nfs-utils' nfsstat
 * names for NFS (so nfs-suite-stat prints the columns admins know), the
 * RFC names, lower case, for the other programs of the suite. A procedure
 * of a table not listed here takes its handler's name without the prefix
 * ("lk_proc_nsm_notify" -> "nsm_notify"), else "procN".
 */
#include <stdio.h>
#include <string.h>

#include "common/rpc/rpc_stats.h"
#include "common/util.h"

struct names {
	uint32_t		 prog, vlo, vhi;
	const char *const	*v;
	unsigned		 n;
};

static const char *const pmap2[] = {
	"null", "set", "unset", "getport", "dump", "callit",
};
static const char *const rpcb3[] = {
	"null", "set", "unset", "getaddr", "dump", "callit", "gettime",
	"uaddr2taddr", "taddr2uaddr",
};
static const char *const rpcb4[] = {
	"null", "set", "unset", "getaddr", "dump", "bcast", "gettime",
	"uaddr2taddr", "taddr2uaddr", "getversaddr", "indirect",
	"getaddrlist", "getstat",
};
/* nfs-utils utils/nfsstat: nfsv2name[], nfsv3name[] */
static const char *const nfs2[] = {
	"null", "getattr", "setattr", "root", "lookup", "readlink", "read",
	"wrcache", "write", "create", "remove", "rename", "link", "symlink",
	"mkdir", "rmdir", "readdir", "fsstat",
};
static const char *const nfs3[] = {
	"null", "getattr", "setattr", "lookup", "access", "readlink", "read",
	"write", "create", "mkdir", "symlink", "mknod", "remove", "rmdir",
	"rename", "link", "readdir", "readdirplus", "fsstat", "fsinfo",
	"pathconf", "commit",
};
static const char *const mnt[] = {
	"null", "mnt", "dump", "umnt", "umntall", "export", "exportall",
	"pathconf",
};
static const char *const nlm[] = {
	"null", "test", "lock", "cancel", "unlock", "granted", "test_msg",
	"lock_msg", "cancel_msg", "unlock_msg", "granted_msg", "test_res",
	"lock_res", "cancel_res", "unlock_res", "granted_res", "nsm_notify",
	NULL, NULL, NULL, "share", "unshare", "nm_lock", "free_all",
};
static const char *const sm[] = {
	"null", "stat", "mon", "unmon", "unmon_all", "simu_crash", "notify",
};
static const char *const rquota[] = {
	"null", "getquota", "getactivequota", "setquota", "setactivequota",
};

static const struct names tables[] = {
	{ 100000, 2, 2, pmap2, nitems(pmap2) },
	{ 100000, 3, 3, rpcb3, nitems(rpcb3) },
	{ 100000, 4, 4, rpcb4, nitems(rpcb4) },
	{ 100003, 2, 2, nfs2, nitems(nfs2) },
	{ 100003, 3, 3, nfs3, nitems(nfs3) },
	{ 100005, 1, 3, mnt, nitems(mnt) },
	{ 100021, 1, 4, nlm, nitems(nlm) },
	{ 100024, 1, 1, sm, nitems(sm) },
	{ 100011, 1, 2, rquota, nitems(rquota) },
};

const char *
rpc_proc_label(uint32_t prog, uint32_t vers, uint32_t proc,
    const char *handler, char *buf, size_t len)
{
	const char *p;
	size_t i;

	for (i = 0; i < nitems(tables); i++) {
		const struct names *t = &tables[i];

		if (t->prog == prog && vers >= t->vlo && vers <= t->vhi &&
		    proc < t->n && t->v[proc] != NULL)
			return t->v[proc];
	}
	if (handler != NULL) {
		if ((p = strstr(handler, "proc_")) != NULL && p[5] != '\0')
			return p + 5;
		if ((p = strchr(handler, '_')) != NULL && p[1] != '\0')
			return p + 1;
		return handler;
	}
	snprintf(buf, len, "proc%u", (unsigned)proc);
	return buf;
}
