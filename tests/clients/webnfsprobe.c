/*
 * webnfsprobe: a WebNFS client (RFC 2054) on libnfs' raw async RPC API.
 * It connects straight to the NFS port (no portmapper, no MOUNT) and
 * starts every call from the public file handle: zero-length in NFSv3,
 * 32 zero bytes in NFSv2.
 *
 *   webnfsprobe [-2] [-U] [-P] [-u uid] [-g gid] [-p port] [-t secs] SERVER
 *               CMD [ARG]... [-- CMD [ARG]...]...
 *
 *   -2        NFS version 2 (default 3)
 *   -U        over UDP (default TCP)
 *   -P        from a non-privileged source port (CAP_NET_BIND_SERVICE
 *             dropped before connecting)
 *   -u/-g     AUTH_SYS identity (default 0/0)
 *
 * Commands, run in order on one connection, one output line each:
 *   getattr            GETATTR of the public handle
 *                      -> "getattr STATUS [TYPE]"
 *   lookup PATH        multi-component LOOKUP of PATH from the public handle
 *                      -> "lookup STATUS [TYPE SIZE fh=HEX]"
 *   read PATH FILE     LOOKUP, then READ the whole file into the local FILE
 *                      -> "read STATUS [BYTES]"
 *   readlink PATH      LOOKUP, then READLINK -> "readlink STATUS [TARGET]"
 *   fhlookup HEX NAME  an ordinary LOOKUP of NAME in the handle HEX
 *                      -> as lookup
 * STATUS is the NFS status by name (OK, ACCES, NOENT, ...), or "RPCERR"
 * with the reason when no reply came. Exit status: 0 when every call got a
 * reply, 1 otherwise, 2 on a usage error. Paths are sent byte for byte:
 * give a native path (RFC 2055 6.1) as $'\x80/srv/x'.
 */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
#include <nfsc/libnfs-raw-nfs.h>

/* Exported by libnfs 4.0 but not in its public headers. */
struct rpc_context *rpc_init_udp_context(void);
int rpc_set_udp_destination(struct rpc_context *, char *, int, int);

static struct rpc_context *rpc;
static int	 o_vers = 3, o_port = 2049, o_timeout = 20;
static uint32_t	 o_uid, o_gid;
static bool	 o_nonpriv, o_udp;
static char	 lasterr[256];

static const char *
st_name(int s)
{
	static char buf[32];

	/* the v2 codes are the v3 codes of the same name */
	switch (s) {
	case NFS3_OK: return "OK";
	case NFS3ERR_PERM: return "PERM";
	case NFS3ERR_NOENT: return "NOENT";
	case NFS3ERR_IO: return "IO";
	case NFS3ERR_ACCES: return "ACCES";
	case NFS3ERR_EXIST: return "EXIST";
	case NFS3ERR_XDEV: return "XDEV";
	case NFS3ERR_NOTDIR: return "NOTDIR";
	case NFS3ERR_ISDIR: return "ISDIR";
	case NFS3ERR_INVAL: return "INVAL";
	case NFS3ERR_NAMETOOLONG: return "NAMETOOLONG";
	case NFS3ERR_STALE: return "STALE";
	case NFS3ERR_BADHANDLE: return "BADHANDLE";
	case NFS3ERR_NOTSUPP: return "NOTSUPP";
	case NFS3ERR_SERVERFAULT: return "SERVERFAULT";
	}
	snprintf(buf, sizeof(buf), "status%d", s);
	return buf;
}

static const char *
type_name(int t)
{
	static const char *const n[] = { "NON", "REG", "DIR", "BLK", "CHR",
	    "LNK", "SOCK", "FIFO" };

	/* ftype3 starts at 1 (REG), ftype2 at 0 (NON) */
	if (o_vers == 3)
		return t >= 1 && t <= 7 ? n[t] : "?";
	return t >= 0 && t <= 5 ? n[t] : "?";
}

/* ---------------------------------------------------------------- calls */
/*
 * A reply is valid only inside libnfs' callback: the callback re-encodes
 * it with libnfs' own XDR routine and decodes it again into memory the
 * probe owns (freed with call_free).
 */
struct call {
	int		 done, orphan, status;
	char		 err[200];
	zdrproc_t	 proc;
	void		*res;
	size_t		 ressz;
	ZDR		 z;
	bool		 decoded;
	char		*buf;
};

static void
call_cb(struct rpc_context *r, int status, void *data, void *priv)
{
	struct call *c = priv;
	size_t sz, len;
	ZDR ze;

	(void)r;
	if (c->orphan) {
		free(c);
		return;
	}
	c->done = 1;
	c->status = status;
	if (status != RPC_STATUS_SUCCESS) {
		snprintf(c->err, sizeof(c->err), "%s",
		    data != NULL ? (char *)data : "rpc error");
		return;
	}
	for (sz = 64 * 1024; sz <= 4 * 1024 * 1024; sz *= 4) {
		free(c->buf);
		if ((c->buf = malloc(sz)) == NULL)
			break;
		zdrmem_create(&ze, c->buf, sz, ZDR_ENCODE);
		if (c->proc(&ze, data)) {
			len = zdr_getpos(&ze);
			zdr_destroy(&ze);
			zdrmem_create(&c->z, c->buf, len, ZDR_DECODE);
			memset(c->res, 0, c->ressz);
			if (c->proc(&c->z, c->res)) {
				c->decoded = true;
				return;
			}
			zdr_destroy(&c->z);
			break;
		}
		zdr_destroy(&ze);
	}
	c->status = RPC_STATUS_ERROR;
	snprintf(c->err, sizeof(c->err), "probe: cannot copy the reply");
}

static struct call *
call_new(zdrproc_t proc, size_t ressz)
{
	struct call *c = calloc(1, sizeof(*c) + ressz);

	if (c == NULL) {
		perror("calloc");
		exit(3);
	}
	c->proc = proc;
	c->res = c + 1;
	c->ressz = ressz;
	return c;
}

static void
call_free(struct call *c)
{
	if (c == NULL)
		return;
	if (c->decoded)
		zdr_destroy(&c->z);
	free(c->buf);
	free(c);
}

/* Wait for c: its result, or NULL with the reason in lasterr (c freed or
 * left to the callback). */
static void *
call_wait(struct call *c, int rc)
{
	struct pollfd p;
	time_t deadline = time(NULL) + o_timeout;

	if (rc != 0) {
		snprintf(lasterr, sizeof(lasterr), "cannot send: %s",
		    rpc_get_error(rpc));
		free(c);
		return NULL;
	}
	while (!c->done) {
		p.fd = rpc_get_fd(rpc);
		p.events = rpc_which_events(rpc);
		p.revents = 0;
		if (poll(&p, 1, 100) < 0 && errno != EINTR) {
			perror("poll");
			exit(3);
		}
		if (rpc_service(rpc, p.revents) < 0) {
			snprintf(lasterr, sizeof(lasterr), "%s",
			    rpc_get_error(rpc));
			if (!c->done) {
				c->orphan = 1;
				return NULL;
			}
			break;
		}
		if (!c->done && time(NULL) > deadline) {
			snprintf(lasterr, sizeof(lasterr), "no reply in %d s",
			    o_timeout);
			c->orphan = 1;
			return NULL;
		}
	}
	if (c->status != RPC_STATUS_SUCCESS) {
		snprintf(lasterr, sizeof(lasterr), "%s", c->err);
		call_free(c);
		return NULL;
	}
	return c->res;
}

/* Send with fn, wait; *cp gets the call to free (NULL when no reply). */
#define RAW(cp, type, fn, ...) __extension__ ({				\
	struct call *c_ = call_new((zdrproc_t)zdr_##type, sizeof(type));\
	type *r_ = call_wait(c_, fn(rpc, call_cb, __VA_ARGS__, c_));	\
	*(cp) = r_ != NULL ? c_ : NULL;					\
	r_; })

/* ---------------------------------------------------------------- connect */
static int connected;

static void
connect_cb(struct rpc_context *r, int status, void *data, void *priv)
{
	(void)r;
	(void)priv;
	connected = status == RPC_STATUS_SUCCESS ? 1 : -1;
	if (status != RPC_STATUS_SUCCESS)
		snprintf(lasterr, sizeof(lasterr), "%s",
		    data != NULL ? (char *)data : "connect failed");
}

static void
drop_bind_cap(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) != 0) {
		perror("capget");
		exit(3);
	}
	d[0].effective &= ~(1U << CAP_NET_BIND_SERVICE);
	d[0].permitted &= ~(1U << CAP_NET_BIND_SERVICE);
	if (syscall(SYS_capset, &h, d) != 0) {
		perror("capset");
		exit(3);
	}
}

/* UDP: a connected socket of our own, from a reserved port unless -P. */
static int
udp_connect(const char *server)
{
	struct sockaddr_in sin;
	int fd, port;

	if ((rpc = rpc_init_udp_context()) == NULL)
		return -1;
	rpc_set_auth(rpc, libnfs_authunix_create("webnfsprobe", o_uid, o_gid,
	    0, NULL));
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	for (port = o_nonpriv ? 0 : 1023; port >= 0; port--) {
		sin.sin_port = htons((uint16_t)port);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			break;
		if (port == 0 || port < 600) {
			snprintf(lasterr, sizeof(lasterr), "bind: %s",
			    strerror(errno));
			close(fd);
			return -1;
		}
	}
	sin.sin_port = htons((uint16_t)o_port);
	if (inet_pton(AF_INET, server, &sin.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		snprintf(lasterr, sizeof(lasterr), "udp connect: %s",
		    strerror(errno));
		close(fd);
		return -1;
	}
	rpc_set_fd(rpc, fd);
	if (rpc_set_udp_destination(rpc, (char *)(uintptr_t)server, o_port,
	    0) != 0) {
		snprintf(lasterr, sizeof(lasterr), "%s", rpc_get_error(rpc));
		return -1;
	}
	return 0;
}

static int
nfs_connect(const char *server)
{
	struct pollfd p;
	time_t deadline = time(NULL) + o_timeout;

	if (o_nonpriv)
		drop_bind_cap();
	if (o_udp)
		return udp_connect(server);
	if ((rpc = rpc_init_context()) == NULL)
		return -1;
	rpc_set_auth(rpc, libnfs_authunix_create("webnfsprobe", o_uid, o_gid,
	    0, NULL));
	if (rpc_connect_port_async(rpc, server, o_port, NFS_PROGRAM,
	    o_vers == 2 ? NFS_V2 : NFS_V3, connect_cb, NULL) != 0) {
		snprintf(lasterr, sizeof(lasterr), "%s", rpc_get_error(rpc));
		return -1;
	}
	while (connected == 0) {
		p.fd = rpc_get_fd(rpc);
		p.events = rpc_which_events(rpc);
		p.revents = 0;
		(void)poll(&p, 1, 100);
		if (rpc_service(rpc, p.revents) < 0 && connected == 0) {
			snprintf(lasterr, sizeof(lasterr), "%s",
			    rpc_get_error(rpc));
			return -1;
		}
		if (time(NULL) > deadline) {
			snprintf(lasterr, sizeof(lasterr), "connect timeout");
			return -1;
		}
	}
	return connected > 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- handles */
struct fh {
	size_t		len;
	unsigned char	b[64];
};

static void
fh_hex(const struct fh *f, char *out)
{
	size_t i;

	for (i = 0; i < f->len; i++)
		sprintf(out + 2 * i, "%02x", f->b[i]);
	out[2 * f->len] = '\0';
}

static bool
fh_parse(const char *hex, struct fh *f)
{
	size_t n = strlen(hex), i;
	unsigned v;

	if (n % 2 != 0 || n / 2 > sizeof(f->b))
		return false;
	f->len = n / 2;
	for (i = 0; i < f->len; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return false;
		f->b[i] = (unsigned char)v;
	}
	return true;
}

/* The public handle of the version in use. */
static struct fh
public_fh(void)
{
	struct fh f;

	memset(&f, 0, sizeof(f));
	f.len = o_vers == 2 ? FHSIZE2 : 0;
	return f;
}

/* ---------------------------------------------------------------- calls */
/* LOOKUP name in dir: NFS status (or -1, lasterr), *out, type and size. */
static int
lookup(const struct fh *dir, const char *name, struct fh *out, int *type,
    uint64_t *size)
{
	struct call *c;
	int st;

	if (o_vers == 3) {
		LOOKUP3args a;
		LOOKUP3res *r;

		memset(&a, 0, sizeof(a));
		a.what.dir.data.data_len = (u_int)dir->len;
		a.what.dir.data.data_val = (char *)(uintptr_t)dir->b;
		a.what.name = (char *)(uintptr_t)name;
		if ((r = RAW(&c, LOOKUP3res, rpc_nfs3_lookup_async, &a)) == NULL)
			return -1;
		if ((st = (int)r->status) == NFS3_OK) {
			LOOKUP3resok *ok = &r->LOOKUP3res_u.resok;

			out->len = ok->object.data.data_len;
			if (out->len > sizeof(out->b))
				out->len = sizeof(out->b);
			memcpy(out->b, ok->object.data.data_val, out->len);
			*type = ok->obj_attributes.attributes_follow ?
			    (int)ok->obj_attributes.post_op_attr_u.attributes.type : 0;
			*size = ok->obj_attributes.attributes_follow ?
			    ok->obj_attributes.post_op_attr_u.attributes.size : 0;
		}
	} else {
		LOOKUP2args a;
		LOOKUP2res *r;

		memset(&a, 0, sizeof(a));
		memcpy(a.what.dir, dir->b, FHSIZE2);
		a.what.name = (char *)(uintptr_t)name;
		if ((r = RAW(&c, LOOKUP2res, rpc_nfs2_lookup_async, &a)) == NULL)
			return -1;
		if ((st = (int)r->status) == 0) {
			out->len = FHSIZE2;
			memcpy(out->b, r->LOOKUP2res_u.resok.file, FHSIZE2);
			*type = (int)r->LOOKUP2res_u.resok.attributes.type;
			*size = r->LOOKUP2res_u.resok.attributes.size;
		}
	}
	call_free(c);
	return st;
}

/* READ of f at off: status, data appended to fp, *n bytes, *eof. */
static int
read_at(const struct fh *f, uint64_t off, FILE *fp, size_t *n, bool *eof)
{
	struct call *c;
	int st;

	*n = 0;
	*eof = false;
	if (o_vers == 3) {
		READ3args a;
		READ3res *r;

		memset(&a, 0, sizeof(a));
		a.file.data.data_len = (u_int)f->len;
		a.file.data.data_val = (char *)(uintptr_t)f->b;
		a.offset = off;
		a.count = 64 * 1024;
		if ((r = RAW(&c, READ3res, rpc_nfs3_read_async, &a)) == NULL)
			return -1;
		if ((st = (int)r->status) == NFS3_OK) {
			READ3resok *ok = &r->READ3res_u.resok;

			*n = ok->data.data_len;
			*eof = ok->eof;
			if (*n > 0 && fwrite(ok->data.data_val, 1, *n, fp) != *n)
				st = -1;
		}
	} else {
		READ2args a;
		READ2res *r;

		memset(&a, 0, sizeof(a));
		memcpy(a.file, f->b, FHSIZE2);
		a.offset = (u_int)off;
		a.count = 8192;
		if ((r = RAW(&c, READ2res, rpc_nfs2_read_async, &a)) == NULL)
			return -1;
		if ((st = (int)r->status) == 0) {
			READ2resok *ok = &r->READ2res_u.resok;

			*n = ok->data.nfsdata2_len;
			*eof = *n == 0 || off + *n >= ok->attributes.size;
			if (*n > 0 && fwrite(ok->data.nfsdata2_val, 1, *n, fp) != *n)
				st = -1;
		}
	}
	call_free(c);
	return st;
}

static bool
report(const char *cmd, int st)
{
	if (st < 0) {
		printf("%s RPCERR %s\n", cmd, lasterr);
		return false;
	}
	if (st != 0)
		printf("%s %s\n", cmd, st_name(st));
	return true;
}

static bool
cmd_lookup(const char *cmd, const struct fh *dir, const char *path)
{
	struct fh f;
	char hex[129];
	uint64_t size = 0;
	int st, type = 0;

	st = lookup(dir, path, &f, &type, &size);
	if (st != 0)
		return report(cmd, st);
	fh_hex(&f, hex);
	printf("%s OK %s %llu fh=%s\n", cmd, type_name(type),
	    (unsigned long long)size, hex);
	return true;
}

static bool
cmd_getattr(void)
{
	struct fh pub = public_fh();
	struct call *c;
	int st, type = 0;

	if (o_vers == 3) {
		GETATTR3args a;
		GETATTR3res *r;

		memset(&a, 0, sizeof(a));
		a.object.data.data_len = 0;
		a.object.data.data_val = (char *)(uintptr_t)pub.b;
		if ((r = RAW(&c, GETATTR3res, rpc_nfs3_getattr_async, &a)) == NULL)
			return report("getattr", -1);
		st = (int)r->status;
		if (st == NFS3_OK)
			type = (int)r->GETATTR3res_u.resok.obj_attributes.type;
	} else {
		GETATTR2args a;
		GETATTR2res *r;

		memset(&a, 0, sizeof(a));
		if ((r = RAW(&c, GETATTR2res, rpc_nfs2_getattr_async, &a)) == NULL)
			return report("getattr", -1);
		st = (int)r->status;
		if (st == 0)
			type = (int)r->GETATTR2res_u.resok.attributes.type;
	}
	call_free(c);
	if (st != 0)
		return report("getattr", st);
	printf("getattr OK %s\n", type_name(type));
	return true;
}

static bool
cmd_read(const char *path, const char *file)
{
	struct fh pub = public_fh(), f;
	uint64_t size, off = 0;
	size_t n;
	bool eof = false;
	FILE *fp;
	int st, type;

	if ((st = lookup(&pub, path, &f, &type, &size)) != 0)
		return report("read", st);
	if ((fp = fopen(file, "w")) == NULL) {
		perror(file);
		exit(3);
	}
	while (!eof) {
		if ((st = read_at(&f, off, fp, &n, &eof)) != 0)
			break;
		off += n;
		if (n == 0)
			break;
	}
	if (fclose(fp) != 0)
		st = -1;
	if (st != 0)
		return report("read", st);
	printf("read OK %llu\n", (unsigned long long)off);
	return true;
}

static bool
cmd_readlink(const char *path)
{
	struct fh pub = public_fh(), f;
	struct call *c;
	uint64_t size;
	char *target = NULL;
	int st, type;

	if ((st = lookup(&pub, path, &f, &type, &size)) != 0)
		return report("readlink", st);
	if (o_vers == 3) {
		READLINK3args a;
		READLINK3res *r;

		memset(&a, 0, sizeof(a));
		a.symlink.data.data_len = (u_int)f.len;
		a.symlink.data.data_val = (char *)f.b;
		if ((r = RAW(&c, READLINK3res, rpc_nfs3_readlink_async, &a)) == NULL)
			return report("readlink", -1);
		if ((st = (int)r->status) == NFS3_OK)
			target = strdup(r->READLINK3res_u.resok.data);
	} else {
		READLINK2args a;
		READLINK2res *r;

		memset(&a, 0, sizeof(a));
		memcpy(a.file, f.b, FHSIZE2);
		if ((r = RAW(&c, READLINK2res, rpc_nfs2_readlink_async, &a)) == NULL)
			return report("readlink", -1);
		if ((st = (int)r->status) == 0)
			target = strdup(r->READLINK2res_u.resok.data);
	}
	call_free(c);
	if (st != 0)
		return report("readlink", st);
	printf("readlink OK %s\n", target != NULL ? target : "?");
	free(target);
	return true;
}

static void
usage(void)
{
	fprintf(stderr, "usage: webnfsprobe [-2] [-U] [-P] [-u uid] [-g gid] "
	    "[-p port] [-t secs] SERVER CMD [ARG]... [-- CMD [ARG]...]...\n");
	exit(2);
}

/* Arguments a command takes. */
static int
nargs(const char *cmd)
{
	if (strcmp(cmd, "getattr") == 0)
		return 0;
	if (strcmp(cmd, "lookup") == 0 || strcmp(cmd, "readlink") == 0)
		return 1;
	if (strcmp(cmd, "read") == 0 || strcmp(cmd, "fhlookup") == 0)
		return 2;
	return -1;
}

int
main(int argc, char **argv)
{
	struct fh pub, dir;
	const char *server, *cmd;
	bool all = true;
	int c, i, n;

	while ((c = getopt(argc, argv, "2UPu:g:p:t:")) != -1) {
		switch (c) {
		case '2': o_vers = 2; break;
		case 'U': o_udp = true; break;
		case 'P': o_nonpriv = true; break;
		case 'u': o_uid = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'g': o_gid = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'p': o_port = atoi(optarg); break;
		case 't': o_timeout = atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind < 2)
		usage();
	server = argv[optind++];
	/* check the whole command line before the first call */
	for (i = optind; i < argc; i += n + 1) {
		if (strcmp(argv[i], "--") == 0) {
			n = 0;
			continue;
		}
		if ((n = nargs(argv[i])) < 0 || i + n >= argc)
			usage();
	}
	if (nfs_connect(server) != 0) {
		printf("connect RPCERR %s\n", lasterr);
		return 1;
	}
	pub = public_fh();
	for (i = optind; i < argc; i += n + 1) {
		cmd = argv[i];
		n = strcmp(cmd, "--") == 0 ? 0 : nargs(cmd);
		if (n == 0 && strcmp(cmd, "--") == 0)
			continue;
		if (strcmp(cmd, "getattr") == 0)
			all &= cmd_getattr();
		else if (strcmp(cmd, "lookup") == 0)
			all &= cmd_lookup("lookup", &pub, argv[i + 1]);
		else if (strcmp(cmd, "read") == 0)
			all &= cmd_read(argv[i + 1], argv[i + 2]);
		else if (strcmp(cmd, "readlink") == 0)
			all &= cmd_readlink(argv[i + 1]);
		else if (strcmp(cmd, "fhlookup") == 0) {
			if (!fh_parse(argv[i + 1], &dir))
				usage();
			all &= cmd_lookup("fhlookup", &dir, argv[i + 2]);
		}
		fflush(stdout);
	}
	rpc_destroy_context(rpc);
	return all ? 0 : 1;
}
