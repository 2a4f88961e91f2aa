/*
 * rquotaprobe: RQUOTA GETQUOTA / GETACTIVEQUOTA through libnfs's raw
 * RQUOTA API (a client implementation independent of ours), over TCP, the
 * server's port found through its portmapper.
 *
 *   rquotaprobe [-u UID] [-g GID[,GID...]] SERVER PROC PATH [TYPE] ID
 *
 * PROC: get1, getactive1 (version 1: a user id), get2, getactive2
 * (version 2: TYPE is usr or grp). The call is made with AUTH_SYS as UID
 * (default 0) and the groups given (the first is the primary group).
 * Prints one line:
 *   status=OK bsize=N active=0|1 bhard=N bsoft=N curblocks=N fhard=N
 *     fsoft=N curfiles=N btimeleft=N ftimeleft=N
 * or status=NOQUOTA / status=EPERM / status=<number>.
 * Exit: 0 for an answer (whatever its status), 1 for an RPC failure,
 * 2 for bad arguments.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
#include <nfsc/libnfs-raw-rquota.h>

static int done, failed;

static void
usage(void)
{
	fprintf(stderr, "usage: rquotaprobe [-u UID] [-g GID[,GID...]] "
	    "SERVER get1|getactive1|get2|getactive2 PATH [usr|grp] ID\n");
	exit(2);
}

static void
connect_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	(void)priv;
	if (status != RPC_STATUS_SUCCESS) {
		fprintf(stderr, "rquotaprobe: connect: %s\n", data != NULL ?
		    (char *)data : rpc_get_error(rpc));
		failed = 1;
	}
	done = 1;
}

static void
quota_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	GETQUOTA1res *res = data;
	GETQUOTA1res_ok *q;

	(void)priv;
	done = 1;
	if (status != RPC_STATUS_SUCCESS) {
		fprintf(stderr, "rquotaprobe: call: %s\n", data != NULL &&
		    status == RPC_STATUS_ERROR ? (char *)data :
		    rpc_get_error(rpc));
		failed = 1;
		return;
	}
	switch (res->status) {
	case RQUOTA_OK:
		q = &res->GETQUOTA1res_u.quota;
		printf("status=OK bsize=%d active=%d bhard=%u bsoft=%u "
		    "curblocks=%u fhard=%u fsoft=%u curfiles=%u btimeleft=%d "
		    "ftimeleft=%d\n", q->bsize, q->active,
		    (unsigned)q->bhardlimit, (unsigned)q->bsoftlimit,
		    (unsigned)q->curblocks, (unsigned)q->fhardlimit,
		    (unsigned)q->fsoftlimit, (unsigned)q->curfiles,
		    q->btimeleft, q->ftimeleft);
		break;
	case RQUOTA_NOQUOTA:
		printf("status=NOQUOTA\n");
		break;
	case RQUOTA_EPERM:
		printf("status=EPERM\n");
		break;
	default:
		printf("status=%d\n", (int)res->status);
		break;
	}
}

static int
wait_done(struct rpc_context *rpc)
{
	struct pollfd p;
	int n;

	for (n = 0; !done && n < 300; n++) {	/* 30 s */
		p.fd = rpc_get_fd(rpc);
		p.events = (short)rpc_which_events(rpc);
		p.revents = 0;
		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			return -1;
		if (rpc_service(rpc, p.revents) < 0) {
			fprintf(stderr, "rquotaprobe: %s\n",
			    rpc_get_error(rpc));
			return -1;
		}
	}
	if (!done) {
		fprintf(stderr, "rquotaprobe: timed out\n");
		return -1;
	}
	return failed ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct rpc_context *rpc;
	uint32_t uid = 0, gids[17];
	uint32_t ngids = 0;
	const char *server, *proc, *type_s = "usr";
	char *path, *p, *end;
	int c, id, type, vers, active, rc;

	while ((c = getopt(argc, argv, "u:g:")) != -1) {
		switch (c) {
		case 'u':
			uid = (uint32_t)strtoul(optarg, &end, 10);
			if (*end != '\0')
				usage();
			break;
		case 'g':
			for (p = optarg; *p != '\0' && ngids < 17; ) {
				gids[ngids++] = (uint32_t)strtoul(p, &end, 10);
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
	if (strcmp(proc, "get1") == 0 || strcmp(proc, "getactive1") == 0) {
		vers = 1;
		if (argc != 4)
			usage();
		id = atoi(argv[3]);
	} else if (strcmp(proc, "get2") == 0 ||
	    strcmp(proc, "getactive2") == 0) {
		vers = 2;
		if (argc != 5)
			usage();
		type_s = argv[3];
		id = atoi(argv[4]);
	} else
		usage();
	active = strncmp(proc, "getactive", 9) == 0;
	if (strcmp(type_s, "usr") == 0)
		type = RQUOTA_TYPE_UID;
	else if (strcmp(type_s, "grp") == 0)
		type = RQUOTA_TYPE_GID;
	else
		usage();

	if ((rpc = rpc_init_context()) == NULL)
		return 1;
	rpc_set_auth(rpc, libnfs_authunix_create("rquotaprobe", uid,
	    ngids > 0 ? gids[0] : 0, ngids > 1 ? ngids - 1 : 0,
	    ngids > 1 ? gids + 1 : NULL));
	if (rpc_connect_program_async(rpc, server, RQUOTA_PROGRAM, vers,
	    connect_cb, NULL) != 0) {
		fprintf(stderr, "rquotaprobe: %s\n", rpc_get_error(rpc));
		return 1;
	}
	if (wait_done(rpc) != 0)
		return 1;
	done = 0;
	if (vers == 1)
		rc = active ? rpc_rquota1_getactivequota_async(rpc, quota_cb,
		    path, id, NULL) : rpc_rquota1_getquota_async(rpc, quota_cb,
		    path, id, NULL);
	else
		rc = active ? rpc_rquota2_getactivequota_async(rpc, quota_cb,
		    path, type, id, NULL) : rpc_rquota2_getquota_async(rpc,
		    quota_cb, path, type, id, NULL);
	if (rc != 0) {
		fprintf(stderr, "rquotaprobe: %s\n", rpc_get_error(rpc));
		return 1;
	}
	rc = wait_done(rpc);
	rpc_destroy_context(rpc);
	return rc == 0 ? 0 : 1;
}
