/*
 * aclcall: NFS_ACL (program 100227) calls through libtirpc with the suite's
 * generated codecs (xdr/nfs_acl.x): what the integration tests send the
 * server, malformed ACLs included.
 *
 *   aclcall [-2] [-U] [-u UID] [-g GID[,GID...]] [-c N] [-d N] [-x N]
 *           [-h HEX] SERVER EXPORT PATH CMD [ARGS]
 *
 * The handle of EXPORT comes from MOUNT (v3, or v1 with -2), PATH (relative
 * to the export, "." for its root) is looked up component by component
 * with NFS v3 LOOKUP (NFS v2's with -2), as root; then CMD is sent as UID
 * (default 0) with the groups given (the first is the primary group), to
 * NFS_ACL version 3 (version 2 with -2) on port 2049 (NFS's: rpcbind is
 * asked for MOUNT only), over TCP (UDP with -U). -h HEX
 * takes that handle instead (EXPORT and PATH are then ignored): a handle
 * another client was given, or one that is not the server's.
 *
 * CMD:
 *   fh                   print the handle ("fh HEX") and call nothing
 *   null                 the NULL procedure
 *   get [MASK]           GETACL (MASK default 0xf): "status=NAME mask=M
 *                        aclcnt=N entries=N dfaclcnt=N dfentries=N", then
 *                        each entry sent, "raw TYPE ID PERM" (hex type)
 *   getfacl              GETACL 0xf, printed as `getfacl -c -n -E` prints
 *                        ACLs (the minimal ACL's mask dropped, as the
 *                        Linux client does); exit 3 unless status OK
 *   set SPEC [DSPEC]     SETACL with the access ACL SPEC (mask NFS_ACL) and,
 *                        when DSPEC is given, the default ACL (NFS_DFACL;
 *                        "-" is an empty one): "status=NAME"
 *   getattr              (-2) GETATTR: "status=NAME mode=OCTAL uid=U gid=G"
 *   access BITS          (-2) ACCESS: "status=NAME access=0xBITS"
 * SPEC is a comma-separated list of entries, sent as written, in that
 * order: u::PERM, u:ID:PERM, g::PERM, g:ID:PERM, m::PERM, o::PERM (also
 * user:, group:, mask:, other:), or TYPE:ID:PERM with a numeric TYPE (e.g.
 * 0x40:0:7, an unknown type); PERM is rwx letters ("-" for none) or a
 * number. Entries of DSPEC get NFS_ACL_DEFAULT in their type.
 * -c N / -d N: send N as aclcnt / dfaclcnt whatever the lists hold;
 * -x N: pad the access list with named-user entries up to N entries
 * (past NFS_ACL_MAX_ENTRIES the server cannot decode the call).
 * Exit 0 for an answer, 1 for an RPC failure (the error printed), 2 for bad
 * arguments, 3 for getfacl's non-OK status.
 */
#include <netdb.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rpc/rpc.h>

#include "common/posix_acl.h"
#include "xdr/mount.h"
#include "xdr/nfs2.h"
#include "xdr/nfs3.h"
#include "xdr/nfs_acl.h"

#define MAX_SPEC	4096
#define NFS_PORT	2049	/* NFS's, and so NFS_ACL's */

static struct timeval tmo = { 15, 0 };

static void
usage(void)
{
	fprintf(stderr, "usage: aclcall [-2] [-U] [-u UID] [-g GID,...] "
	    "[-c N] [-d N] [-x N] [-h HEX] SERVER EXPORT PATH "
	    "fh|null|get [MASK]|getfacl|set SPEC [DSPEC]|getattr|access "
	    "BITS\n");
	exit(2);
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

static const char *
stat_name(unsigned st, bool v2)
{
	static char buf[16];

	switch (st) {
	case 0:		return "OK";
	case 1:		return "PERM";
	case 2:		return "NOENT";
	case 5:		return "IO";
	case 13:	return "ACCES";
	case 20:	return "NOTDIR";
	case 22:	return "INVAL";
	case 28:	return "NOSPC";
	case 30:	return "ROFS";
	case 70:	return "STALE";
	case 10001:	return "BADHANDLE";
	case 10004:	return "NOTSUPP";
	case 10006:	return "SERVERFAULT";
	case 10008:	return "JUKEBOX";
	}
	if (v2 && st == 45)
		return "NOTSUPP";	/* EOPNOTSUPP: v2 has no NOTSUPP */
	snprintf(buf, sizeof(buf), "%u", st);
	return buf;
}

/*
 * CLIENT for prog/vers, as uid with groups (AUTH_SYS): at the port
 * rpcbind gives (port 0), else at port (NFS and NFS_ACL: 2049, where they
 * must be; libtirpc leaks a little in each rpcbind lookup after the
 * first, which the sanitizer build would report).
 */
static CLIENT *
client(const char *server, rpcprog_t prog, rpcvers_t vers, const char *netid,
    int port, uid_t uid, const gid_t *gids, unsigned ngids)
{
	struct addrinfo hints, *ai;
	struct netconfig *nc;
	struct netbuf nb;
	char serv[16];
	CLIENT *cl;

	if (port == 0)
		cl = clnt_create(server, prog, vers, netid);
	else {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_INET;
		hints.ai_socktype = strcmp(netid, "udp") == 0 ? SOCK_DGRAM :
		    SOCK_STREAM;
		snprintf(serv, sizeof(serv), "%d", port);
		if (getaddrinfo(server, serv, &hints, &ai) != 0 ||
		    (nc = getnetconfigent(netid)) == NULL) {
			fprintf(stderr, "aclcall: %s: no address\n", server);
			exit(1);
		}
		nb.len = nb.maxlen = ai->ai_addrlen;
		nb.buf = ai->ai_addr;
		cl = clnt_tli_create(RPC_ANYFD, nc, &nb, prog, vers, 0, 0);
		freenetconfigent(nc);
		freeaddrinfo(ai);
	}
	if (cl == NULL) {
		clnt_pcreateerror("aclcall");
		exit(1);
	}
	auth_destroy(cl->cl_auth);
	cl->cl_auth = authunix_create((char *)"aclcall", uid,
	    ngids > 0 ? gids[0] : 0, ngids > 1 ? (int)ngids - 1 : 0,
	    ngids > 1 ? (gid_t *)gids + 1 : NULL);
	return cl;
}

static void
drop(CLIENT *cl)
{
	auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
}

static void
call(CLIENT *cl, rpcproc_t proc, xdrproc_t xa, void *a, xdrproc_t xr,
    void *r)
{
	if (clnt_call(cl, proc, xa, a, xr, r, tmo) != RPC_SUCCESS) {
		clnt_perror(cl, "aclcall");
		exit(1);
	}
}

/* The handle of EXPORT/PATH: v3 (up to 64 bytes) or v2 (32). */
static size_t
resolve(const char *server, const char *netid, bool v2, const char *export,
    const char *path, uint8_t *fh)
{
	char *copy, *name, *save = NULL;
	mnt_dirpath dp = (char *)export;
	size_t len;
	CLIENT *m, *n;

	m = client(server, MOUNT_PROGRAM, v2 ? MOUNTVERS : MOUNT_V3, netid, 0,
	    0, NULL, 0);
	if (v2) {
		fhstatus r;

		memset(&r, 0, sizeof(r));
		call(m, MOUNTPROC_MNT, (xdrproc_t)xdr_mnt_dirpath, &dp,
		    (xdrproc_t)xdr_fhstatus, &r);
		if (r.fhs_status != 0) {
			fprintf(stderr, "aclcall: MNT %s: status %u\n", export,
			    r.fhs_status);
			exit(1);
		}
		memcpy(fh, r.fhstatus_u.fhs_fhandle, FHSIZE);
		len = FHSIZE;
	} else {
		mountres3 r;

		memset(&r, 0, sizeof(r));
		call(m, MOUNTPROC3_MNT, (xdrproc_t)xdr_mnt_dirpath, &dp,
		    (xdrproc_t)xdr_mountres3, &r);
		if (r.fhs_status != MNT3_OK) {
			fprintf(stderr, "aclcall: MNT %s: status %u\n", export,
			    (unsigned)r.fhs_status);
			exit(1);
		}
		len = r.mountres3_u.mountinfo.fhandle.fhandle3_len;
		memcpy(fh, r.mountres3_u.mountinfo.fhandle.fhandle3_val, len);
		xdr_free((xdrproc_t)xdr_mountres3, (char *)&r);
	}
	drop(m);
	n = client(server, v2 ? NFS2_PROGRAM : NFS3_PROGRAM, v2 ? 2 : 3, netid,
	    NFS_PORT, 0, NULL, 0);
	copy = strdup(path);
	for (name = strtok_r(copy, "/", &save); name != NULL;
	    name = strtok_r(NULL, "/", &save)) {
		if (strcmp(name, ".") == 0)
			continue;
		if (v2) {
			diropargs2 a;
			diropres2 r;

			memcpy(a.dir, fh, FHSIZE);
			a.name = name;
			memset(&r, 0, sizeof(r));
			call(n, NFSPROC_LOOKUP, (xdrproc_t)xdr_diropargs2, &a,
			    (xdrproc_t)xdr_diropres2, &r);
			if (r.status != NFS_OK) {
				fprintf(stderr, "aclcall: LOOKUP %s: status "
				    "%u\n", name, (unsigned)r.status);
				exit(1);
			}
			memcpy(fh, r.diropres2_u.diropok.file, FHSIZE);
		} else {
			LOOKUP3args a;
			LOOKUP3res r;

			a.what.dir.data.data_len = (u_int)len;
			a.what.dir.data.data_val = (char *)fh;
			a.what.name = name;
			memset(&r, 0, sizeof(r));
			call(n, NFSPROC3_LOOKUP, (xdrproc_t)xdr_LOOKUP3args, &a,
			    (xdrproc_t)xdr_LOOKUP3res, &r);
			if (r.status != NFS3_OK) {
				fprintf(stderr, "aclcall: LOOKUP %s: status "
				    "%u\n", name, (unsigned)r.status);
				exit(1);
			}
			len = r.LOOKUP3res_u.resok.object.data.data_len;
			memcpy(fh, r.LOOKUP3res_u.resok.object.data.data_val,
			    len);
			xdr_free((xdrproc_t)xdr_LOOKUP3res, (char *)&r);
		}
	}
	free(copy);
	drop(n);
	return len;
}

static unsigned
perm_of(const char *s)
{
	unsigned p = 0;

	if (*s >= '0' && *s <= '9')
		return num(s);
	for (; *s != '\0'; s++) {
		switch (*s) {
		case 'r': p |= NA_READ; break;
		case 'w': p |= NA_WRITE; break;
		case 'x': p |= NA_EXEC; break;
		case '-': break;
		default: usage();
		}
	}
	return p;
}

/* SPEC into entries (as written, in order); "-" is none. */
static unsigned
parse_spec(const char *spec, bool dflt, aclent *out, unsigned max)
{
	char *copy, *ent, *save = NULL, *f[3], *p;
	unsigned n = 0, i, type;

	if (strcmp(spec, "-") == 0)
		return 0;
	copy = strdup(spec);
	for (ent = strtok_r(copy, ",", &save); ent != NULL;
	    ent = strtok_r(NULL, ",", &save)) {
		if (n == max)
			usage();
		for (i = 0, p = ent; i < 3; i++) {
			f[i] = p;
			if (i < 2) {
				if ((p = strchr(p, ':')) == NULL)
					usage();
				*p++ = '\0';
			}
		}
		if (strcmp(f[0], "u") == 0 || strcmp(f[0], "user") == 0)
			type = *f[1] != '\0' ? NA_USER : NA_USER_OBJ;
		else if (strcmp(f[0], "g") == 0 || strcmp(f[0], "group") == 0)
			type = *f[1] != '\0' ? NA_GROUP : NA_GROUP_OBJ;
		else if (strcmp(f[0], "m") == 0 || strcmp(f[0], "mask") == 0)
			type = NA_CLASS_OBJ;
		else if (strcmp(f[0], "o") == 0 || strcmp(f[0], "other") == 0)
			type = NA_OTHER_OBJ;
		else
			type = num(f[0]);
		out[n].type = type | (dflt ? NFS_ACL_DEFAULT : 0);
		out[n].id = *f[1] != '\0' ? num(f[1]) : 0;
		out[n].perm = perm_of(f[2]);
		n++;
	}
	free(copy);
	return n;
}

/*
 * SETACL's arguments with a decode bound far past the protocol's, so that
 * -x can send more entries than the server may take (the generated
 * encoder stops at NFS_ACL_MAX_ENTRIES).
 */
#define WIDE_MAX	100000

static bool_t
xdr_wide_secattr(XDR *x, secattr *s)
{
	return xdr_u_int(x, &s->mask) && xdr_u_int(x, &s->aclcnt) &&
	    xdr_array(x, (char **)&s->aclent.aclent_val,
	    &s->aclent.aclent_len, WIDE_MAX, sizeof(aclent),
	    (xdrproc_t)xdr_aclent) &&
	    xdr_u_int(x, &s->dfaclcnt) &&
	    xdr_array(x, (char **)&s->dfaclent.dfaclent_val,
	    &s->dfaclent.dfaclent_len, WIDE_MAX, sizeof(aclent),
	    (xdrproc_t)xdr_aclent);
}

static bool_t
xdr_wide_setacl3(XDR *x, SETACL3args *a)
{
	return xdr_nfs_fh3(x, &a->fh) && xdr_wide_secattr(x, &a->acl);
}

static bool_t
xdr_wide_setacl2(XDR *x, SETACL2args *a)
{
	return xdr_opaque(x, a->fh, NFS_ACL2_FHSIZE) &&
	    xdr_wide_secattr(x, &a->acl);
}

static char
perm_ch(unsigned p, unsigned bit, char c)
{
	return (p & bit) ? c : '-';
}

/* One ACL as getfacl -n -E prints it. */
static void
print_getfacl(const aclent *e, unsigned n, bool dflt)
{
	static struct pacl acl;
	const char *tag;
	unsigned i;
	char id[16];

	if (n == 0)
		return;
	if (pacl_from_nfs(e, n, &acl) != 0) {
		printf("# not a valid ACL\n");
		return;
	}
	for (i = 0; i < acl.n; i++) {
		const struct pacl_entry *p = &acl.e[i];

		id[0] = '\0';
		switch (p->tag) {
		case PACL_USER_OBJ: tag = "user"; break;
		case PACL_USER: tag = "user"; break;
		case PACL_GROUP_OBJ: tag = "group"; break;
		case PACL_GROUP: tag = "group"; break;
		case PACL_MASK: tag = "mask"; break;
		default: tag = "other"; break;
		}
		if (p->tag == PACL_USER || p->tag == PACL_GROUP)
			snprintf(id, sizeof(id), "%u", p->id);
		printf("%s%s:%s:%c%c%c\n", dflt ? "default:" : "", tag, id,
		    perm_ch(p->perm, NA_READ, 'r'), perm_ch(p->perm, NA_WRITE, 'w'),
		    perm_ch(p->perm, NA_EXEC, 'x'));
	}
}

static void
print_raw(const aclent *e, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		printf("raw 0x%x %u %u\n", e[i].type, e[i].id, e[i].perm);
}

int
main(int argc, char **argv)
{
	const char *server, *export, *path, *cmd, *netid = "tcp";
	uint8_t fh[NFS3_FHSIZE];
	size_t fhlen;
	gid_t gids[17];
	unsigned ngids = 0, mask = NFS_ACL_MASK;
	long cnt = -1, dfcnt = -1, pad = -1;
	const char *hex = NULL;
	uid_t uid = 0;
	bool v2 = false;
	char *p, *end;
	CLIENT *cl;
	int c;

	while ((c = getopt(argc, argv, "2Uu:g:c:d:x:h:")) != -1) {
		switch (c) {
		case '2':
			v2 = true;
			break;
		case 'U':
			netid = "udp";
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
		case 'c':
			cnt = num(optarg);
			break;
		case 'd':
			dfcnt = num(optarg);
			break;
		case 'x':
			pad = num(optarg);
			break;
		case 'h':
			hex = optarg;
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
	export = argv[1];
	path = argv[2];
	cmd = argv[3];
	if (hex != NULL) {
		for (fhlen = 0; hex[2 * fhlen] != '\0' && fhlen < sizeof(fh);
		    fhlen++)
			if (sscanf(hex + 2 * fhlen, "%2hhx", &fh[fhlen]) != 1)
				usage();
		if (hex[2 * fhlen] != '\0' || (v2 && fhlen != NFS_ACL2_FHSIZE))
			usage();
	} else
		fhlen = resolve(server, netid, v2, export, path, fh);
	if (strcmp(cmd, "fh") == 0 && argc == 4) {
		printf("fh ");
		for (size_t k = 0; k < fhlen; k++)
			printf("%02x", fh[k]);
		printf("\n");
		return 0;
	}
	cl = client(server, NFS_ACL_PROGRAM, v2 ? NFS_ACL_V2 : NFS_ACL_V3,
	    netid, NFS_PORT, uid, gids, ngids);

	if (strcmp(cmd, "null") == 0 && argc == 4) {
		call(cl, 0, (xdrproc_t)(void (*)(void))xdr_void, NULL,
		    (xdrproc_t)(void (*)(void))xdr_void, NULL);
		printf("status=OK\n");
	} else if ((strcmp(cmd, "get") == 0 && argc <= 5) ||
	    (strcmp(cmd, "getfacl") == 0 && argc == 4)) {
		bool text = strcmp(cmd, "getfacl") == 0;
		secattr *sa;
		unsigned st;
		GETACL3args a3;
		GETACL3res r3;
		GETACL2args a2;
		GETACL2res r2;

		if (argc == 5)
			mask = num(argv[4]);
		memset(&r3, 0, sizeof(r3));
		memset(&r2, 0, sizeof(r2));
		if (v2) {
			memcpy(a2.fh, fh, NFS_ACL2_FHSIZE);
			a2.mask = mask;
			call(cl, ACLPROC2_GETACL, (xdrproc_t)xdr_GETACL2args,
			    &a2, (xdrproc_t)xdr_GETACL2res, &r2);
			st = (unsigned)r2.status;
			sa = &r2.GETACL2res_u.resok.acl;
		} else {
			a3.fh.data.data_len = (u_int)fhlen;
			a3.fh.data.data_val = (char *)fh;
			a3.mask = mask;
			call(cl, ACLPROC3_GETACL, (xdrproc_t)xdr_GETACL3args,
			    &a3, (xdrproc_t)xdr_GETACL3res, &r3);
			st = (unsigned)r3.status;
			sa = &r3.GETACL3res_u.resok.acl;
		}
		if (text) {
			if (st != 0) {
				fprintf(stderr, "status=%s\n", stat_name(st, v2));
				return 3;
			}
			print_getfacl(sa->aclent.aclent_val,
			    sa->aclent.aclent_len, false);
			print_getfacl(sa->dfaclent.dfaclent_val,
			    sa->dfaclent.dfaclent_len, true);
		} else if (st != 0)
			printf("status=%s\n", stat_name(st, v2));
		else {
			printf("status=OK mask=0x%x aclcnt=%u entries=%u "
			    "dfaclcnt=%u dfentries=%u\n", sa->mask, sa->aclcnt,
			    sa->aclent.aclent_len, sa->dfaclcnt,
			    sa->dfaclent.dfaclent_len);
			print_raw(sa->aclent.aclent_val, sa->aclent.aclent_len);
			print_raw(sa->dfaclent.dfaclent_val,
			    sa->dfaclent.dfaclent_len);
		}
		if (v2)
			xdr_free((xdrproc_t)xdr_GETACL2res, (char *)&r2);
		else
			xdr_free((xdrproc_t)xdr_GETACL3res, (char *)&r3);
	} else if (strcmp(cmd, "set") == 0 && (argc == 5 || argc == 6)) {
		static aclent acc[WIDE_MAX], dfl[MAX_SPEC];
		secattr sa;
		unsigned st, n, i;

		memset(&sa, 0, sizeof(sa));
		sa.mask = NFS_ACL | (argc == 6 ? NFS_DFACL : 0);
		n = parse_spec(argv[4], false, acc, MAX_SPEC);
		for (i = n; pad >= 0 && i < (unsigned)pad && i < WIDE_MAX; i++) {
			acc[i].type = NA_USER;
			acc[i].id = 100000 + i;
			acc[i].perm = NA_READ;
		}
		sa.aclent.aclent_len = i > n ? i : n;
		sa.aclent.aclent_val = acc;
		sa.aclcnt = cnt >= 0 ? (unsigned)cnt : sa.aclent.aclent_len;
		if (argc == 6) {
			sa.dfaclent.dfaclent_len = parse_spec(argv[5], true, dfl,
			    MAX_SPEC);
			sa.dfaclent.dfaclent_val = dfl;
		}
		sa.dfaclcnt = dfcnt >= 0 ? (unsigned)dfcnt :
		    sa.dfaclent.dfaclent_len;
		if (v2) {
			SETACL2args a;
			SETACL2res r;

			memcpy(a.fh, fh, NFS_ACL2_FHSIZE);
			a.acl = sa;
			memset(&r, 0, sizeof(r));
			call(cl, ACLPROC2_SETACL, (xdrproc_t)xdr_wide_setacl2,
			    &a, (xdrproc_t)xdr_SETACL2res, &r);
			st = (unsigned)r.status;
			if (st == 0)
				printf("status=OK mode=%o\n",
				    r.SETACL2res_u.resok.attr.mode & 07777);
			else
				printf("status=%s\n", stat_name(st, true));
		} else {
			SETACL3args a;
			SETACL3res r;
			const post_op_attr *pa;

			a.fh.data.data_len = (u_int)fhlen;
			a.fh.data.data_val = (char *)fh;
			a.acl = sa;
			memset(&r, 0, sizeof(r));
			call(cl, ACLPROC3_SETACL, (xdrproc_t)xdr_wide_setacl3,
			    &a, (xdrproc_t)xdr_SETACL3res, &r);
			st = (unsigned)r.status;
			pa = &r.SETACL3res_u.resok.attr;
			if (pa->attributes_follow)
				printf("status=%s mode=%o\n", stat_name(st, false),
				    pa->post_op_attr_u.attributes.mode);
			else
				printf("status=%s\n", stat_name(st, false));
		}
	} else if (v2 && strcmp(cmd, "getattr") == 0 && argc == 4) {
		attrstat2 r;

		memset(&r, 0, sizeof(r));
		call(cl, ACLPROC2_GETATTR, (xdrproc_t)xdr_fhandle2, fh,
		    (xdrproc_t)xdr_attrstat2, &r);
		if (r.status == NFS_OK)
			printf("status=OK mode=%o uid=%u gid=%u\n",
			    r.attrstat2_u.attributes.mode & 07777,
			    r.attrstat2_u.attributes.uid,
			    r.attrstat2_u.attributes.gid);
		else
			printf("status=%s\n", stat_name(r.status, true));
	} else if (v2 && strcmp(cmd, "access") == 0 && argc == 5) {
		ACCESS2args a;
		ACCESS2res r;

		memcpy(a.fh, fh, NFS_ACL2_FHSIZE);
		a.access = num(argv[4]);
		memset(&r, 0, sizeof(r));
		call(cl, ACLPROC2_ACCESS, (xdrproc_t)xdr_ACCESS2args, &a,
		    (xdrproc_t)xdr_ACCESS2res, &r);
		if (r.status == NFS_OK)
			printf("status=OK access=0x%x mode=%o\n",
			    r.ACCESS2res_u.resok.access,
			    r.ACCESS2res_u.resok.attr.mode & 07777);
		else
			printf("status=%s\n", stat_name(r.status, true));
	} else
		usage();
	drop(cl);
	return 0;
}
