/*
 * statd_procs.c: the dispatch table of program 100024 version 1 (the index
 * of each entry is its procedure number; a unit test walks it) and the
 * daemon's context.
 *
 * No procedure needs the duplicate request cache: SM_MON of a registration
 * already there only updates it, SM_UNMON of one gone does nothing, a
 * repeated SM_SIMU_CRASH finds nothing left to retire, and a repeated
 * SM_NOTIFY (same state) is not passed on again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "statd/statd.h"

bool_t
xdr_statd_void(XDR *xdrs UNUSED, statd_void *p UNUSED)
{
	return TRUE;
}

/* XNFS 11: SM_NULL. */
enum disp
statd_proc_null(struct req *rq UNUSED, statd_void *a UNUSED,
    statd_void *res UNUSED)
{
	return DISP_REPLY;
}

static const struct rpc_proc sm_v1[] = {
	[SM_NULL]	= RPC_PROC_VOID(statd_proc_null, 0),
	[SM_STAT]	= RPC_PROC(statd_proc_stat, sm_name, sm_stat_res, 0),
	[SM_MON]	= RPC_PROC(statd_proc_mon, sm_mon, sm_stat_res, 0),
	[SM_UNMON]	= RPC_PROC(statd_proc_unmon, sm_mon_id, sm_stat, 0),
	[SM_UNMON_ALL]	= RPC_PROC(statd_proc_unmon_all, sm_my_id, sm_stat,
			    0),
	[SM_SIMU_CRASH]	= RPC_PROC_VOID(statd_proc_simu_crash, 0),
	[SM_NOTIFY]	= RPC_PROC(statd_proc_notify, sm_stat_chge,
			    statd_void, 0),
};

static const struct rpc_version sm_versions[] = {
	{ SM_VERS, sm_v1, nitems(sm_v1) },
};

static const struct rpc_program sm_program = {
	.prog = SM_PROG,
	.name = "status",
	.versions = sm_versions,
	.nversions = nitems(sm_versions),
	.check = NULL,
};

const struct rpc_program *
statd_program(void)
{
	return &sm_program;
}

/* The table's save hook: sm/KEY holds the host's registrations. */
static int
save_host(void *arg, const char *key, const char *text, size_t len)
{
	struct statd *st = arg;

	return statd_file_put(st->sm, key, text, len);
}

static int
path_of(char *buf, size_t len, const char *dir, const char *name)
{
	int n = name != NULL ? snprintf(buf, len, "%s/%s", dir, name) :
	    snprintf(buf, len, "%s", dir);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int
statd_init(struct statd *st, const char *dir, size_t max_monitors,
    bool save)
{
	memset(st, 0, sizeof(*st));
	if (path_of(st->dir, sizeof(st->dir), dir, NULL) != 0 ||
	    path_of(st->sm, sizeof(st->sm), dir, "sm") != 0 ||
	    path_of(st->smbak, sizeof(st->smbak), dir, "sm.bak") != 0 ||
	    path_of(st->statefile, sizeof(st->statefile), dir, "state") != 0)
		return -ENAMETOOLONG;
	st->persist = save;
	statd_db_init(&st->db, max_monitors, save ? save_host : NULL, st);
	atomic_init(&st->state, 0);
	pthread_mutex_init(&st->crash_lock, NULL);
	ratelog_init(&st->rate_mon, "refused remote SM_MON calls",
	    RATELOG_BURST, RATELOG_INTERVAL);
	ratelog_init(&st->rate_unmon, "refused remote SM_UNMON calls",
	    RATELOG_BURST, RATELOG_INTERVAL);
	ratelog_init(&st->rate_unmon_all, "refused remote SM_UNMON_ALL calls",
	    RATELOG_BURST, RATELOG_INTERVAL);
	ratelog_init(&st->rate_crash, "refused remote SM_SIMU_CRASH calls",
	    RATELOG_BURST, RATELOG_INTERVAL);
	ratelog_init(&st->rate_refused, "refused local SM_MON calls",
	    RATELOG_BURST, RATELOG_INTERVAL);
	/* not refusals: a reboot of many clients is worth more lines */
	ratelog_init(&st->rate_notify, "SM_NOTIFY calls received", 20, 1);
	return 0;
}

void
statd_destroy(struct statd *st)
{
	statd_db_destroy(&st->db);
	pthread_mutex_destroy(&st->crash_lock);
	ratelog_destroy(&st->rate_mon);
	ratelog_destroy(&st->rate_unmon);
	ratelog_destroy(&st->rate_unmon_all);
	ratelog_destroy(&st->rate_crash);
	ratelog_destroy(&st->rate_refused);
	ratelog_destroy(&st->rate_notify);
}

void
statd_rate_tick(struct statd *st)
{
	ratelog_flush(&st->rate_mon);
	ratelog_flush(&st->rate_unmon);
	ratelog_flush(&st->rate_unmon_all);
	ratelog_flush(&st->rate_crash);
	ratelog_flush(&st->rate_refused);
	ratelog_flush(&st->rate_notify);
}
