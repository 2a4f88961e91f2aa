/*
 * mountd_list.c: NULL, EXPORT, EXPORTALL and DUMP: the lists showmount
 * prints. EXPORT gives each export with the groups exp_showmount() built
 * the way nfs-utils' mountd does ("*" alone is the group "*"; "*" beside
 * other clients leaves no groups, which showmount -e prints as
 * "(everyone)"); DUMP gives the rmtab.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "mountd/mountd.h"

bool_t
xdr_mountd_void(XDR *xdrs UNUSED, mountd_void *p UNUSED)
{
	return TRUE;
}

/* RFC 1813 5.2.0 */
enum disp
mountd_null(struct req *rq UNUSED, mountd_void *a UNUSED,
    mountd_void *res UNUSED)
{
	return DISP_REPLY;
}

int
mountd_export_list(const struct exp_live *l, struct req *rq,
    mnt_exports *out)
{
	const struct exp_mnt_export *me;
	struct exportnode *en, **tail = out;
	struct groupnode *g, **gtail;
	size_t i, j, n;

	*out = NULL;
	me = exp_showmount(l->table, &n);
	for (i = 0; i < n; i++) {
		if ((en = req_alloc(rq, sizeof(*en))) == NULL ||
		    (en->ex_dir = req_strdup(rq, me[i].path)) == NULL)
			return -ENOMEM;
		gtail = &en->ex_groups;
		for (j = 0; j < me[i].ngroups; j++) {
			if ((g = req_alloc(rq, sizeof(*g))) == NULL ||
			    (g->gr_name = req_strdup(rq, me[i].groups[j])) ==
			    NULL)
				return -ENOMEM;
			*gtail = g;
			gtail = &g->gr_next;
		}
		*tail = en;
		tail = &en->ex_next;
	}
	return 0;
}

/* RFC 1813 5.2.5 (and EXPORTALL of versions 1 and 2, the same list). */
enum disp
mountd_export(struct req *rq, mountd_void *a UNUSED, mnt_exports *res)
{
	struct mountd *m = rq->ctx;
	struct exp_live *l;
	int rc = 0;

	*res = NULL;
	if ((l = exp_holder_get(&m->exports)) == NULL)
		return DISP_REPLY;
	rc = mountd_export_list(l, rq, res);
	exp_live_put(l);
	if (rc != 0) {
		log_warnx("export list for %s: %s", req_peer_str(rq),
		    strerror(-rc));
		return DISP_SYSERR;
	}
	log_debug(LOG_D_EXPORT, "export list to %s", req_peer_str(rq));
	return DISP_REPLY;
}

/* RFC 1813 5.2.2 */
enum disp
mountd_dump(struct req *rq, mountd_void *a UNUSED, mnt_mountlist *res)
{
	struct mountd *m = rq->ctx;

	if (rmtab_dump(m->rmtab, rq, res) != 0) {
		log_warnx("dump for %s: out of memory", req_peer_str(rq));
		return DISP_SYSERR;
	}
	log_debug(LOG_D_STATE, "mount list to %s", req_peer_str(rq));
	return DISP_REPLY;
}
