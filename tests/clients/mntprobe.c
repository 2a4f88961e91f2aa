/*
 * mntprobe: a raw MOUNT (program 100005) client for the integration tests,
 * on libtirpc with the suite's generated mount XDR, so that a test can send
 * what a polite client never would (a 4 KiB path, "..", format directives)
 * from a port it chooses.
 *
 *	mntprobe [-U] [-P] [-v vers] [-p port] [-t secs] SERVER CMD [ARG]...
 *
 *	-U	UDP (default TCP)
 *	-P	from a non-privileged source port (default: a reserved one,
 *		bindresvport(3), which needs root or CAP_NET_BIND_SERVICE)
 *	-v	MOUNT version 1, 2 or 3 (default 3)
 *	-p	mountd's port (default: asked from SERVER's rpcbind, v2 GETPORT)
 *	-t	seconds to wait for each reply (default 10)
 *
 * Commands, run in order on one connection:
 *	null		MOUNTPROC_NULL
 *	mnt PATH	MOUNTPROC_MNT; the path is sent as given, whatever its
 *			length (the client side does not enforce MNTPATHLEN)
 *	umnt PATH	MOUNTPROC_UMNT
 *	umntall		MOUNTPROC_UMNTALL
 *	dump		MOUNTPROC_DUMP
 *	export		MOUNTPROC_EXPORT
 *
 * Output, one line per call (paths longer than 80 bytes are shown as
 * "<N bytes>", unprintable bytes and backslashes as \ooo):
 *	local port N
 *	null: ok
 *	mnt PATH: OK fh=HEX flavors=1,390003	(version 3)
 *	mnt PATH: OK fh=HEX			(versions 1, 2)
 *	mnt PATH: ERR MNT3ERR_ACCES 13		(version 3; 1/2: ERR errno N)
 *	umnt PATH: ok		umntall: ok
 *	dump: HOST PATH		(one line per entry, then "dump: N entries")
 *	export: DIR GROUP...	(one line per export, then "export: N exports")
 *	CMD: RPC ERROR: <clnt_sperrno text>
 * Exit status: 0 if every call got a reply (whatever its MOUNT status),
 * 1 if one did not (an RPC error such as GARBAGE_ARGS, or a timeout),
 * 2 on a usage error or when no connection could be made.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rpc/rpc.h>
#include <rpc/pmap_clnt.h>

#include "xdr/mount.h"

#define XDRP(f)		((xdrproc_t)(void (*)(void))(f))

/* A path argument with no client-side length limit. */
static bool_t
xdr_anypath(XDR *xdrs, char **p)
{
	return xdr_string(xdrs, p, 1U << 20);
}

/* The path for printing: "<N bytes>" when long, else with unprintable
 * bytes and backslashes as \ooo (one line per call, whatever the path). */
static const char *
showpath(const char *p)
{
	static char buf[4 * 80 + 1];
	const unsigned char *s = (const unsigned char *)p;
	size_t n = 0;

	if (strlen(p) > 80) {
		snprintf(buf, sizeof(buf), "<%zu bytes>", strlen(p));
		return buf;
	}
	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s >= 0x7f || *s == '\\')
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\\%03o",
			    *s);
		else
			buf[n++] = (char)*s;
	}
	buf[n] = '\0';
	return buf;
}

static const char *
mnt3_name(int s)
{
	switch (s) {
	case MNT3_OK:			return "MNT3_OK";
	case MNT3ERR_PERM:		return "MNT3ERR_PERM";
	case MNT3ERR_NOENT:		return "MNT3ERR_NOENT";
	case MNT3ERR_IO:		return "MNT3ERR_IO";
	case MNT3ERR_ACCES:		return "MNT3ERR_ACCES";
	case MNT3ERR_NOTDIR:		return "MNT3ERR_NOTDIR";
	case MNT3ERR_INVAL:		return "MNT3ERR_INVAL";
	case MNT3ERR_NAMETOOLONG:	return "MNT3ERR_NAMETOOLONG";
	case MNT3ERR_NOTSUPP:		return "MNT3ERR_NOTSUPP";
	case MNT3ERR_SERVERFAULT:	return "MNT3ERR_SERVERFAULT";
	default:			return "MNT3ERR_UNKNOWN";
	}
}

static void
print_hex(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void
usage(void)
{
	fprintf(stderr, "usage: mntprobe [-U] [-P] [-v vers] [-p port] "
	    "[-t secs] SERVER CMD [ARG]...\n"
	    "  CMD: null | mnt PATH | umnt PATH | umntall | dump | export\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin, local;
	socklen_t slen;
	struct timeval tv;
	CLIENT *cl;
	enum clnt_stat st;
	int c, udp = 0, nonpriv = 0, fd, nerr = 0;
	unsigned long vers = 3, secs = 10;
	long port = 0;
	char *end;

	while ((c = getopt(argc, argv, "UPv:p:t:")) != -1) {
		switch (c) {
		case 'U': udp = 1; break;
		case 'P': nonpriv = 1; break;
		case 'v':
			vers = strtoul(optarg, &end, 10);
			if (*end != '\0' || vers < 1 || vers > 3)
				usage();
			break;
		case 'p':
			port = strtol(optarg, &end, 10);
			if (*end != '\0' || port < 1 || port > 65535)
				usage();
			break;
		case 't':
			secs = strtoul(optarg, &end, 10);
			if (*end != '\0' || secs < 1)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		usage();

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[0], &sin.sin_addr) != 1) {
		fprintf(stderr, "mntprobe: %s: not an IPv4 address\n", argv[0]);
		return 2;
	}
	if (port == 0) {
		port = pmap_getport(&sin, MOUNT_PROGRAM, vers,
		    udp ? IPPROTO_UDP : IPPROTO_TCP);
		if (port == 0) {
			fprintf(stderr, "mntprobe: mountd v%lu/%s not "
			    "registered at %s\n", vers, udp ? "udp" : "tcp",
			    argv[0]);
			return 2;
		}
	}
	sin.sin_port = htons((uint16_t)port);

	if ((fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0)) < 0) {
		perror("mntprobe: socket");
		return 2;
	}
	memset(&local, 0, sizeof(local));
	local.sin_family = AF_INET;
	if (nonpriv) {
		if (bind(fd, (struct sockaddr *)&local, sizeof(local)) != 0) {
			perror("mntprobe: bind");
			return 2;
		}
	} else if (bindresvport(fd, &local) != 0) {
		perror("mntprobe: bindresvport");
		return 2;
	}
	if (!udp && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		perror("mntprobe: connect");
		return 2;
	}
	slen = sizeof(local);
	if (getsockname(fd, (struct sockaddr *)&local, &slen) != 0) {
		perror("mntprobe: getsockname");
		return 2;
	}
	printf("local port %u\n", ntohs(local.sin_port));
	fflush(stdout);

	if (udp) {
		tv.tv_sec = 1;
		tv.tv_usec = 0;
		cl = clntudp_bufcreate(&sin, MOUNT_PROGRAM, vers, tv, &fd,
		    UDPMSGSIZE, 65536);
	} else
		cl = clnttcp_create(&sin, MOUNT_PROGRAM, vers, &fd, 0, 0);
	if (cl == NULL) {
		fprintf(stderr, "mntprobe: %s\n", clnt_spcreateerror(argv[0]));
		return 2;
	}
	cl->cl_auth = authunix_create_default();
	tv.tv_sec = (time_t)secs;
	tv.tv_usec = 0;

	for (c = 1; c < argc; c++) {
		const char *cmd = argv[c];
		char *path = NULL;

		if (strcmp(cmd, "mnt") == 0 || strcmp(cmd, "umnt") == 0) {
			if (c + 1 >= argc)
				usage();
			path = argv[++c];
		}
		if (strcmp(cmd, "null") == 0) {
			st = clnt_call(cl, MOUNTPROC_NULL, XDRP(xdr_void), NULL,
			    XDRP(xdr_void), NULL, tv);
			if (st == RPC_SUCCESS)
				printf("null: ok\n");
		} else if (strcmp(cmd, "mnt") == 0 && vers == 3) {
			mountres3 res;

			memset(&res, 0, sizeof(res));
			st = clnt_call(cl, MOUNTPROC_MNT, XDRP(xdr_anypath),
			    (caddr_t)&path, XDRP(xdr_mountres3), (caddr_t)&res,
			    tv);
			if (st == RPC_SUCCESS) {
				printf("mnt %s: ", showpath(path));
				if (res.fhs_status == MNT3_OK) {
					mountres3_ok *ok =
					    &res.mountres3_u.mountinfo;
					u_int i;

					printf("OK fh=");
					print_hex((unsigned char *)
					    ok->fhandle.fhandle3_val,
					    ok->fhandle.fhandle3_len);
					printf(" flavors=");
					for (i = 0;
					    i < ok->auth_flavors.auth_flavors_len;
					    i++)
						printf("%s%d", i ? "," : "",
						    ok->auth_flavors.
						    auth_flavors_val[i]);
					printf("\n");
				} else
					printf("ERR %s %d\n",
					    mnt3_name(res.fhs_status),
					    res.fhs_status);
				xdr_free(XDRP(xdr_mountres3), (caddr_t)&res);
			}
		} else if (strcmp(cmd, "mnt") == 0) {
			fhstatus res;

			memset(&res, 0, sizeof(res));
			st = clnt_call(cl, MOUNTPROC_MNT, XDRP(xdr_anypath),
			    (caddr_t)&path, XDRP(xdr_fhstatus), (caddr_t)&res,
			    tv);
			if (st == RPC_SUCCESS) {
				printf("mnt %s: ", showpath(path));
				if (res.fhs_status == 0) {
					printf("OK fh=");
					print_hex((unsigned char *)
					    res.fhstatus_u.fhs_fhandle, FHSIZE);
					printf("\n");
				} else
					printf("ERR errno %u\n",
					    res.fhs_status);
				xdr_free(XDRP(xdr_fhstatus), (caddr_t)&res);
			}
		} else if (strcmp(cmd, "umnt") == 0) {
			st = clnt_call(cl, MOUNTPROC_UMNT, XDRP(xdr_anypath),
			    (caddr_t)&path, XDRP(xdr_void), NULL, tv);
			if (st == RPC_SUCCESS)
				printf("umnt %s: ok\n", showpath(path));
		} else if (strcmp(cmd, "umntall") == 0) {
			st = clnt_call(cl, MOUNTPROC_UMNTALL, XDRP(xdr_void),
			    NULL, XDRP(xdr_void), NULL, tv);
			if (st == RPC_SUCCESS)
				printf("umntall: ok\n");
		} else if (strcmp(cmd, "dump") == 0) {
			mnt_mountlist ml = NULL, m;
			int n = 0;

			st = clnt_call(cl, MOUNTPROC_DUMP, XDRP(xdr_void), NULL,
			    XDRP(xdr_mnt_mountlist), (caddr_t)&ml, tv);
			if (st == RPC_SUCCESS) {
				for (m = ml; m != NULL; m = m->ml_next, n++)
					printf("dump: %s %s\n", m->ml_hostname,
					    m->ml_directory);
				printf("dump: %d entries\n", n);
				xdr_free(XDRP(xdr_mnt_mountlist), (caddr_t)&ml);
			}
		} else if (strcmp(cmd, "export") == 0) {
			mnt_exports ex = NULL, e;
			mnt_groups g;
			int n = 0;

			st = clnt_call(cl, MOUNTPROC_EXPORT, XDRP(xdr_void),
			    NULL, XDRP(xdr_mnt_exports), (caddr_t)&ex, tv);
			if (st == RPC_SUCCESS) {
				for (e = ex; e != NULL; e = e->ex_next, n++) {
					printf("export: %s", e->ex_dir);
					for (g = e->ex_groups; g != NULL;
					    g = g->gr_next)
						printf(" %s", g->gr_name);
					printf("\n");
				}
				printf("export: %d exports\n", n);
				xdr_free(XDRP(xdr_mnt_exports), (caddr_t)&ex);
			}
		} else
			usage();
		if (st != RPC_SUCCESS) {
			printf("%s%s%s: RPC ERROR: %s\n", cmd,
			    path != NULL ? " " : "",
			    path != NULL ? showpath(path) : "",
			    clnt_sperrno(st));
			nerr++;
		}
		fflush(stdout);
	}
	auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
	close(fd);
	return nerr > 0 ? 1 : 0;
}
