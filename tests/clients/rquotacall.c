/*
 * rquotacall: RQUOTA calls through libtirpc with the suite's generated
 * codecs (xdr/rquota.x), over UDP (as quota(1) asks) or TCP: what
 * rquotaprobe (libnfs) cannot send, SETQUOTA and SETACTIVEQUOTA, and
 * GETQUOTA over UDP.
 *
 *   rquotacall [-t] [-u UID] [-g GID[,GID...]] SERVER get1 PATH ID
 *   rquotacall ... SERVER get2|getactive2 PATH usr|grp ID
 *   rquotacall ... SERVER set1 PATH ID CMD BHARD BSOFT FHARD FSOFT
 *   rquotacall ... SERVER set2|setactive2 PATH usr|grp ID CMD BHARD BSOFT
 *                         FHARD FSOFT
 *
 * CMD: qlim (limits), use (usage: BHARD is taken as the blocks and FHARD
 * as the files in use), quota (both), or a number sent as sqa_qcmd as is.
 * Limits are in 1024-byte blocks. -t: TCP (default UDP). The call is made
 * with AUTH_SYS as UID (default 0) and the groups given (the first is the
 * primary group). Prints the answer as rquotaprobe does; exit 0 for an
 * answer, 1 for an RPC failure, 2 for bad arguments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rpc/rpc.h>

#include "xdr/rquota.h"

static void
usage(void)
{
	fprintf(stderr, "usage: rquotacall [-t] [-u UID] [-g GID,...] SERVER "
	    "get1|get2|getactive2|set1|set2|setactive2 PATH [usr|grp] ID "
	    "[CMD BHARD BSOFT FHARD FSOFT]\n");
	exit(2);
}

static void
print_quota(gqr_status st, const rquota *q)
{
	switch (st) {
	case Q_OK:
		printf("status=OK bsize=%d active=%d bhard=%u bsoft=%u "
		    "curblocks=%u fhard=%u fsoft=%u curfiles=%u btimeleft=%d "
		    "ftimeleft=%d\n", q->rq_bsize, (int)q->rq_active,
		    q->rq_bhardlimit, q->rq_bsoftlimit, q->rq_curblocks,
		    q->rq_fhardlimit, q->rq_fsoftlimit, q->rq_curfiles,
		    (int)q->rq_btimeleft, (int)q->rq_ftimeleft);
		break;
	case Q_NOQUOTA:
		printf("status=NOQUOTA\n");
		break;
	case Q_EPERM:
		printf("status=EPERM\n");
		break;
	default:
		printf("status=%d\n", (int)st);
		break;
	}
}

static unsigned
num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || end == s || v > 0xffffffffUL)
		usage();
	return (unsigned)v;
}

int
main(int argc, char **argv)
{
	struct timeval tmo = { 10, 0 };
	const char *server, *proc, *netid = "udp";
	gid_t gids[17];
	unsigned ngids = 0;
	uid_t uid = 0;
	char *p, *end, *path;
	int c, vers, type = RQUOTA_USRQUOTA, id, cmd = 0, set, active, i;
	CLIENT *cl;
	enum clnt_stat cs;
	sq_dqblk sq;

	while ((c = getopt(argc, argv, "tu:g:")) != -1) {
		switch (c) {
		case 't':
			netid = "tcp";
			break;
		case 'u':
			uid = (uid_t)num(optarg);
			break;
		case 'g':
			for (p = optarg; *p != '\0' && ngids < 17; ) {
				gids[ngids++] = (gid_t)strtoul(p, &end, 10);
				if (end == p || (*end != ',' && *end != '\0'))
					usage();
				p = *end == ',' ? end + 1 : end;
			}
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 4)
		usage();
	server = argv[0];
	proc = argv[1];
	path = argv[2];
	vers = proc[strlen(proc) - 1] == '2' ? 2 : 1;
	set = strncmp(proc, "set", 3) == 0;
	active = strstr(proc, "active") != NULL;
	if (strcmp(proc, "get1") && strcmp(proc, "get2") &&
	    strcmp(proc, "getactive2") && strcmp(proc, "set1") &&
	    strcmp(proc, "set2") && strcmp(proc, "setactive2"))
		usage();
	i = 3;
	if (vers == 2) {
		if (strcmp(argv[i], "usr") == 0)
			type = RQUOTA_USRQUOTA;
		else if (strcmp(argv[i], "grp") == 0)
			type = RQUOTA_GRPQUOTA;
		else
			type = (int)num(argv[i]);
		i++;
	}
	if (argc <= i)
		usage();
	id = (int)num(argv[i++]);
	memset(&sq, 0, sizeof(sq));
	if (set) {
		if (argc != i + 5)
			usage();
		if (strcmp(argv[i], "qlim") == 0)
			cmd = RQUOTA_Q_SETQLIM | type;
		else if (strcmp(argv[i], "use") == 0)
			cmd = RQUOTA_Q_SETUSE | type;
		else if (strcmp(argv[i], "quota") == 0)
			cmd = RQUOTA_Q_SETQUOTA | type;
		else
			cmd = (int)num(argv[i]);
		if ((cmd >> 8) == (RQUOTA_Q_SETUSE >> 8)) {
			sq.rq_curblocks = num(argv[i + 1]);
			sq.rq_curfiles = num(argv[i + 3]);
		} else {
			sq.rq_bhardlimit = num(argv[i + 1]);
			sq.rq_bsoftlimit = num(argv[i + 2]);
			sq.rq_fhardlimit = num(argv[i + 3]);
			sq.rq_fsoftlimit = num(argv[i + 4]);
			if ((cmd >> 8) == (RQUOTA_Q_SETQUOTA >> 8)) {
				sq.rq_curblocks = 0;
				sq.rq_curfiles = 0;
			}
		}
	} else if (argc != i)
		usage();

	if ((cl = clnt_create(server, RQUOTAPROG, (rpcvers_t)vers,
	    netid)) == NULL) {
		clnt_pcreateerror("rquotacall");
		return 1;
	}
	auth_destroy(cl->cl_auth);
	cl->cl_auth = authunix_create((char *)"rquotacall", uid,
	    ngids > 0 ? gids[0] : 0, ngids > 1 ? (int)ngids - 1 : 0,
	    ngids > 1 ? gids + 1 : NULL);
	if (set) {
		setquota_rslt res;
		setquota_args a1;
		ext_setquota_args a2;

		memset(&res, 0, sizeof(res));
		if (vers == 1) {
			a1.sqa_qcmd = cmd;
			a1.sqa_pathp = path;
			a1.sqa_id = id;
			a1.sqa_dqblk = sq;
			cs = clnt_call(cl, RQUOTAPROC_SETQUOTA,
			    (xdrproc_t)xdr_setquota_args, (char *)&a1,
			    (xdrproc_t)xdr_setquota_rslt, (char *)&res, tmo);
		} else {
			a2.sqa_qcmd = cmd;
			a2.sqa_pathp = path;
			a2.sqa_id = id;
			a2.sqa_type = type;
			a2.sqa_dqblk = sq;
			cs = clnt_call(cl, active ? RQUOTAPROC_SETACTIVEQUOTA :
			    RQUOTAPROC_SETQUOTA, (xdrproc_t)xdr_ext_setquota_args,
			    (char *)&a2, (xdrproc_t)xdr_setquota_rslt,
			    (char *)&res, tmo);
		}
		if (cs != RPC_SUCCESS) {
			clnt_perror(cl, "rquotacall");
			return 1;
		}
		print_quota(res.status, &res.setquota_rslt_u.sqr_rquota);
	} else {
		getquota_rslt res;
		getquota_args g1;
		ext_getquota_args g2;

		memset(&res, 0, sizeof(res));
		if (vers == 1) {
			g1.gqa_pathp = path;
			g1.gqa_uid = id;
			cs = clnt_call(cl, RQUOTAPROC_GETQUOTA,
			    (xdrproc_t)xdr_getquota_args, (char *)&g1,
			    (xdrproc_t)xdr_getquota_rslt, (char *)&res, tmo);
		} else {
			g2.gqa_pathp = path;
			g2.gqa_type = type;
			g2.gqa_id = id;
			cs = clnt_call(cl, active ? RQUOTAPROC_GETACTIVEQUOTA :
			    RQUOTAPROC_GETQUOTA, (xdrproc_t)xdr_ext_getquota_args,
			    (char *)&g2, (xdrproc_t)xdr_getquota_rslt,
			    (char *)&res, tmo);
		}
		if (cs != RPC_SUCCESS) {
			clnt_perror(cl, "rquotacall");
			return 1;
		}
		print_quota(res.status, &res.getquota_rslt_u.gqr_rquota);
	}
	auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
	return 0;
}
