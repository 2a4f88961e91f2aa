/*
 * statd_mon.c: SM_STAT, SM_MON, SM_UNMON and SM_UNMON_ALL (XNFS chapter
 * 11), the lock manager's side of the protocol.
 *
 * Policy, as nfs-utils' rpc.statd after its CVEs: only a local caller
 * (loopback to loopback, or AF_LOCAL) may change the monitor list. A
 * remote SM_MON gets stat_fail, a remote SM_UNMON/SM_UNMON_ALL just our
 * state, and each kind of refusal is logged with the caller's numeric
 * address at most once a second (the rest are counted). Names are checked
 * (statd_name_invalid) before they are stored or become file names, and
 * the callback must be the lock manager's (statd_callback_allowed). A
 * refused SM_MON carries state -1 ("undefined for STAT_FAIL", nfs-utils).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/addr.h"
#include "common/log.h"
#include "statd/statd.h"

/* Log the refusal of a remote caller's call, a few lines per interval per
 * kind (common/ratelog.h). Returns true if the caller is not local. */
static bool
refuse_remote(struct req *rq, struct ratelog *r, const char *what)
{
	char a[ADDR_STRLEN];

	if (req_is_local(rq))
		return false;
	if (ratelog_allow(r, (const struct sockaddr *)&rq->peer))
		log_notice("refused %s from %s: not a local caller", what,
		    addr_ntop((struct sockaddr *)&rq->peer, a, sizeof(a)));
	return true;
}

/* A local SM_MON refused (bad name, full table): logged, limited. */
static void
refused_local(struct req *rq, struct statd *st, const char *what,
    const char *name, const char *why)
{
	char safe[64];

	if (ratelog_allow(&st->rate_refused,
	    (const struct sockaddr *)&rq->peer))
		log_warnx("refused SM_MON: %s \"%s\" %s", what,
		    statd_name_safe(name, safe, sizeof(safe)), why);
}

/* XNFS 11: SM_STAT. Whether we would monitor the host, and our state. */
enum disp
statd_proc_stat(struct req *rq, sm_name *a, sm_stat_res *res)
{
	struct statd *st = rq->ctx;

	res->state = atomic_load(&st->state);
	res->res_stat = statd_name_invalid(a->mon_name) == NULL ? stat_succ :
	    stat_fail;
	return DISP_REPLY;
}

/* XNFS 11: SM_MON. Record who to call back when mon_name reboots. */
enum disp
statd_proc_mon(struct req *rq, sm_mon *a, sm_stat_res *res)
{
	struct statd *st = rq->ctx;
	const sm_my_id *id = &a->mon_id.my_id;
	struct statd_addrs addrs;
	struct statd_reg r;
	const char *why;
	int rc, lrc = 0;

	res->state = -1;
	res->res_stat = stat_fail;
	if (refuse_remote(rq, &st->rate_mon, "SM_MON"))
		return DISP_REPLY;
	if ((why = statd_name_invalid(a->mon_id.mon_name)) != NULL) {
		refused_local(rq, st, "mon_name", a->mon_id.mon_name, why);
		return DISP_REPLY;
	}
	if ((why = statd_name_invalid(id->my_name)) != NULL) {
		refused_local(rq, st, "my_name", id->my_name, why);
		return DISP_REPLY;
	}
	if (!statd_callback_allowed((uint32_t)id->my_prog,
	    (uint32_t)id->my_vers, (uint32_t)id->my_proc)) {
		refused_local(rq, st, "mon_name", a->mon_id.mon_name,
		    "with a callback that is not the lock manager's (program "
		    "100021, procedure 16 or 24)");
		return DISP_REPLY;
	}
	memset(&r, 0, sizeof(r));
	memcpy(r.mon_name, a->mon_id.mon_name, strlen(a->mon_id.mon_name) + 1);
	memcpy(r.my_name, id->my_name, strlen(id->my_name) + 1);
	r.prog = (uint32_t)id->my_prog;
	r.vers = (uint32_t)id->my_vers;
	r.proc = (uint32_t)id->my_proc;
	memcpy(r.priv, a->priv, sizeof(r.priv));

	/* a full table refuses before any lookup: a flood of new names
	 * costs no name service traffic */
	if (!statd_db_room(&st->db, &r)) {
		refused_local(rq, st, "mon_name", r.mon_name, "over max-monitors");
		return DISP_REPLY;
	}
	/* The addresses its SM_NOTIFY will come from: a local call (the lock
	 * manager's), so a bounded wait for the lookup is acceptable. */
	memset(&addrs, 0, sizeof(addrs));
	if (!statd_name_numeric(r.mon_name, NULL) &&
	    !statd_db_known(&st->db, r.mon_name) &&
	    (lrc = statd_resolve(r.mon_name, STATD_RESOLVE_MS, &addrs)) != 0)
		log_info("cannot resolve %s (%s): its SM_NOTIFY will be "
		    "matched by name", r.mon_name,
		    statd_resolve_strerror(lrc));

	rc = statd_db_add(&st->db, &r, &addrs);
	if (rc == -ENOSPC) {
		refused_local(rq, st, "mon_name", r.mon_name,
		    "over max-monitors");
		return DISP_REPLY;
	}
	if (rc < 0) {
		log_warnx("SM_MON of %s for %s: %s", r.mon_name, r.my_name,
		    strerror(-rc));
		return DISP_REPLY;
	}
	res->res_stat = stat_succ;
	res->state = atomic_load(&st->state);
	if (rc == 1) {
		log_info("monitoring %s for %s (callback %u/%u/%u)",
		    r.mon_name, r.my_name, r.prog, r.vers, r.proc);
		statd_ha_run(st->ha, "add-client", r.mon_name, r.my_name, NULL);
		/* a lookup that timed out: finish it in the background */
		if (lrc == -ETIMEDOUT && st->send != NULL)
			(void)statd_send_resolve(st->send, r.mon_name);
	} else
		log_debug(LOG_D_STATE, "SM_MON of %s for %s again",
		    r.mon_name, r.my_name);
	return DISP_REPLY;
}

/* XNFS 11: SM_UNMON. Forget one registration; our state either way. */
enum disp
statd_proc_unmon(struct req *rq, sm_mon_id *a, sm_stat *res)
{
	struct statd *st = rq->ctx;
	const sm_my_id *id = &a->my_id;
	char safe[64];
	int rc;

	res->state = atomic_load(&st->state);
	if (refuse_remote(rq, &st->rate_unmon, "SM_UNMON"))
		return DISP_REPLY;
	rc = statd_db_del(&st->db, a->mon_name, id->my_name,
	    (uint32_t)id->my_prog, (uint32_t)id->my_vers,
	    (uint32_t)id->my_proc);
	if (rc < 0)
		log_warnx("SM_UNMON of %s: %s", statd_name_safe(a->mon_name,
		    safe, sizeof(safe)), strerror(-rc));
	else if (rc == 0)
		log_debug(LOG_D_STATE, "SM_UNMON of %s: not monitored",
		    statd_name_safe(a->mon_name, safe, sizeof(safe)));
	else {
		log_info("no longer monitoring %s for %s", a->mon_name,
		    id->my_name);
		statd_ha_run(st->ha, "del-client", a->mon_name, id->my_name,
		    NULL);
	}
	return DISP_REPLY;
}

/* XNFS 11: SM_UNMON_ALL. Forget every registration of my_id. */
enum disp
statd_proc_unmon_all(struct req *rq, sm_my_id *a, sm_stat *res)
{
	struct statd *st = rq->ctx;
	struct statd_reg *removed = NULL;
	size_t i, n = 0;
	char safe[64];
	int rc;

	res->state = atomic_load(&st->state);
	if (refuse_remote(rq, &st->rate_unmon_all, "SM_UNMON_ALL"))
		return DISP_REPLY;
	rc = statd_db_del_all(&st->db, a->my_name, (uint32_t)a->my_prog,
	    (uint32_t)a->my_vers, (uint32_t)a->my_proc,
	    st->ha != NULL ? &removed : NULL, &n);
	if (rc < 0)
		log_warnx("SM_UNMON_ALL for %s: %s", statd_name_safe(a->my_name,
		    safe, sizeof(safe)), strerror(-rc));
	if (n > 0)
		log_info("no longer monitoring %zu host%s for %s", n,
		    n == 1 ? "" : "s", a->my_name);
	for (i = 0; removed != NULL && i < n; i++)
		statd_ha_run(st->ha, "del-client", removed[i].mon_name,
		    removed[i].my_name, NULL);
	free(removed);
	return DISP_REPLY;
}
