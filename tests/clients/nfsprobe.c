/*
 * nfsprobe: a protocol probe for rpc.nfsd on libnfs' raw async RPC API.
 *
 *   nfsprobe [-UPN] [-u uid] [-g gid] [-G g1,g2..] [-a anonuid:anongid]
 *            [-p nfsport] [-X export2] [-H name=hexhandle]... [-t secs]
 *            SERVER EXPORT GROUP...
 *
 * Mounts EXPORT (MNT v3, and MNT v1 for the v2 group) and runs the named
 * check groups, each in a fresh directory "probe.PID.GROUP" under the
 * export root. One line per check: "ok NAME" or "not ok NAME: why"; the
 * exit status is 1 if any check failed, 2 on a usage error.
 *
 *   -u/-g/-G  AUTH_SYS identity of the NFS calls (default 0/0, no groups)
 *   -U        NFS over UDP (MNT stays on TCP)
 *   -P        NFS from a non-privileged source port (CAP_NET_BIND_SERVICE
 *             dropped before connecting; MNT still from a reserved port)
 *   -N        no MNT: the root is the handle given as -H root=HEX
 *   -H n=HEX  a saved handle (groups "restarted", "nfsdenied" use them)
 *   -X path   a second export (group "forged": foreign handles)
 *   -a u:g    the anonymous identity squashing is expected to give
 *   -W n      UDP window of the pipelined WRITEs (8)
 *
 * Groups: attr lookup io create readdir fresh drc forged v2 setuid ro rootsquash
 * norootsquash allsquash mntdenied nfsdenied nfsallowed save restarted.
 *
 * Results of a call are only valid inside libnfs' callback, so the
 * callback re-encodes the decoded reply with libnfs' own XDR routine and
 * decodes it again into memory the probe owns (freed per group).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include <nfsc/libnfs-raw-mount.h>
#include <nfsc/libnfs-raw-nfs.h>

/* Exported by libnfs 4.0 but not in its public headers. */
struct rpc_context *rpc_init_udp_context(void);
int rpc_set_udp_destination(struct rpc_context *, char *, int, int);

#define MiB		(1024 * 1024)

/*
 * libnfs' XDR decoder allocates list entries (entry3, entryplus3, entry2)
 * at 4-byte alignment; walking them trips UBSan's alignment check in the
 * functions below, which is libnfs' doing, not the server's.
 */
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 8)
#define LIBNFS_LISTS	__attribute__((no_sanitize("alignment")))
#else
#define LIBNFS_LISTS
#endif
#define NFS2_OK		0

/* ---------------------------------------------------------------- options */
static const char *server, *export, *export2;
static uint32_t	 o_uid, o_gid, o_groups[16], o_ngroups;
static uint32_t	 anon_uid = 65534, anon_gid = 65534;
static bool	 o_udp, o_nonpriv, o_nomount;
static int	 o_port = 2049, o_timeout = 20, o_udpwin = 8;
static struct {
	char		*name;
	nfs_fh3		 fh;
} saved[16];
static int	 nsaved;

/* ---------------------------------------------------------------- reporting */
static int	 nfail, npass;
static char	 group[64];

static void check(bool, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
check(bool cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (cond) {
		printf("ok %s/%s\n", group, name);
		npass++;
		return;
	}
	printf("not ok %s/%s: ", group, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	nfail++;
}

static const char *
st3(int s)
{
	static char buf[32];

	switch (s) {
	case NFS3_OK: return "OK";
	case NFS3ERR_PERM: return "PERM";
	case NFS3ERR_NOENT: return "NOENT";
	case NFS3ERR_IO: return "IO";
	case NFS3ERR_NXIO: return "NXIO";
	case NFS3ERR_ACCES: return "ACCES";
	case NFS3ERR_EXIST: return "EXIST";
	case NFS3ERR_XDEV: return "XDEV";
	case NFS3ERR_NODEV: return "NODEV";
	case NFS3ERR_NOTDIR: return "NOTDIR";
	case NFS3ERR_ISDIR: return "ISDIR";
	case NFS3ERR_INVAL: return "INVAL";
	case NFS3ERR_FBIG: return "FBIG";
	case NFS3ERR_NOSPC: return "NOSPC";
	case NFS3ERR_ROFS: return "ROFS";
	case NFS3ERR_MLINK: return "MLINK";
	case NFS3ERR_NAMETOOLONG: return "NAMETOOLONG";
	case NFS3ERR_NOTEMPTY: return "NOTEMPTY";
	case NFS3ERR_DQUOT: return "DQUOT";
	case NFS3ERR_STALE: return "STALE";
	case NFS3ERR_REMOTE: return "REMOTE";
	case NFS3ERR_BADHANDLE: return "BADHANDLE";
	case NFS3ERR_NOT_SYNC: return "NOT_SYNC";
	case NFS3ERR_BAD_COOKIE: return "BAD_COOKIE";
	case NFS3ERR_NOTSUPP: return "NOTSUPP";
	case NFS3ERR_TOOSMALL: return "TOOSMALL";
	case NFS3ERR_SERVERFAULT: return "SERVERFAULT";
	case NFS3ERR_BADTYPE: return "BADTYPE";
	case NFS3ERR_JUKEBOX: return "JUKEBOX";
	case -1: return "(no reply)";
	}
	snprintf(buf, sizeof(buf), "status %d", s);
	return buf;
}

/* ---------------------------------------------------------------- calls */
struct call {
	struct call	*next;
	int		 done, orphan, status;
	char		 err[200];
	zdrproc_t	 proc;
	void		*res;
	size_t		 ressz, xdrlen;
	ZDR		 z;
	char		*buf;
};
static struct call *calls;	/* decoded results of this group */

struct conn {
	struct rpc_context *rpc;
	const char	*what;
};
static struct conn mnt, nfs;
static char	 lasterr[256];

static void
call_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	struct call *c = priv;
	size_t sz;
	ZDR ze;

	(void)rpc;
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
	for (sz = 64 * 1024; sz <= 4 * MiB; sz *= 4) {
		free(c->buf);
		if ((c->buf = malloc(sz)) == NULL)
			break;
		zdrmem_create(&ze, c->buf, sz, ZDR_ENCODE);
		if (c->proc(&ze, data)) {
			c->xdrlen = zdr_getpos(&ze);
			zdr_destroy(&ze);
			zdrmem_create(&c->z, c->buf, c->xdrlen, ZDR_DECODE);
			memset(c->res, 0, c->ressz);
			if (c->proc(&c->z, c->res))
				return;
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
	if (c->buf != NULL && c->status == RPC_STATUS_SUCCESS && c->done)
		zdr_destroy(&c->z);
	free(c->buf);
	free(c);
}

static void
arena_reset(void)
{
	struct call *c;

	while ((c = calls) != NULL) {
		calls = c->next;
		call_free(c);
	}
}

/*
 * Wait for c; on success return its decoded result (valid until the next
 * arena_reset()), else NULL with the reason in lasterr.
 */
static void *
call_wait(struct conn *cn, struct call *c, int rc)
{
	struct pollfd p;
	time_t deadline = time(NULL) + o_timeout;

	if (rc != 0) {
		snprintf(lasterr, sizeof(lasterr), "cannot send: %s",
		    rpc_get_error(cn->rpc));
		free(c);
		return NULL;
	}
	while (!c->done) {
		p.fd = rpc_get_fd(cn->rpc);
		p.events = rpc_which_events(cn->rpc);
		p.revents = 0;
		if (poll(&p, 1, 100) < 0 && errno != EINTR) {
			perror("poll");
			exit(3);
		}
		if (rpc_service(cn->rpc, p.revents) < 0) {
			snprintf(lasterr, sizeof(lasterr), "%s: %s", cn->what,
			    rpc_get_error(cn->rpc));
			if (!c->done) {
				c->orphan = 1;
				return NULL;
			}
			break;
		}
		if (!c->done && time(NULL) > deadline) {
			snprintf(lasterr, sizeof(lasterr),
			    "no reply in %d s", o_timeout);
			c->orphan = 1;
			return NULL;
		}
	}
	if (c->status != RPC_STATUS_SUCCESS) {
		snprintf(lasterr, sizeof(lasterr), "%s", c->err);
		call_free(c);
		return NULL;
	}
	c->next = calls;
	calls = c;
	return c->res;
}

static size_t last_xdrlen;

#define RAW(cn, type, fn, ...) __extension__ ({			\
	struct call *c_ = call_new((zdrproc_t)zdr_##type,		\
	    sizeof(type));						\
	type *r_ = call_wait(&(cn), c_, fn((cn).rpc, call_cb,		\
	    __VA_ARGS__, c_));						\
	last_xdrlen = r_ != NULL ? c_->xdrlen : 0;			\
	r_; })

/* Status of a reply or -1 when there was none (RPC-level failure). */
#define ST(r)	__extension__ ({ __typeof__(r) r__ = (r);		\
	r__ != NULL ? (int)r__->status : -1; })

/* ---------------------------------------------------------------- handles */
/* Handle bytes the probe keeps: all freed at exit (fh_free_all). */
static void	**fhmem;
static size_t	  nfhmem, fhmemcap;

static void *
fh_alloc(size_t len)
{
	void *p;

	if (nfhmem == fhmemcap) {
		fhmemcap = fhmemcap ? 2 * fhmemcap : 256;
		if ((fhmem = realloc(fhmem, fhmemcap * sizeof(*fhmem))) == NULL) {
			perror("realloc");
			exit(3);
		}
	}
	if ((p = calloc(1, len)) == NULL) {
		perror("calloc");
		exit(3);
	}
	fhmem[nfhmem++] = p;
	return p;
}

/* Free a handle's bytes now (from fh_alloc or not). */
static void
fh_release(nfs_fh3 *f)
{
	size_t i;

	for (i = 0; i < nfhmem; i++)
		if (fhmem[i] == f->data.data_val) {
			fhmem[i] = fhmem[--nfhmem];
			break;
		}
	free(f->data.data_val);
	f->data.data_val = NULL;
}

static void
fh_free_all(void)
{
	while (nfhmem > 0)
		free(fhmem[--nfhmem]);
	free(fhmem);
}

LIBNFS_LISTS static nfs_fh3
fh_dup(const nfs_fh3 *f)
{
	nfs_fh3 n;

	n.data.data_len = f->data.data_len;
	n.data.data_val = fh_alloc(f->data.data_len + 1);
	memcpy(n.data.data_val, f->data.data_val, f->data.data_len);
	return n;
}

static nfs_fh3
fh_raw(const void *p, size_t len)
{
	nfs_fh3 f = { { (u_int)len, (char *)(uintptr_t)p } };

	return fh_dup(&f);
}

LIBNFS_LISTS static bool
fh_eq(const nfs_fh3 *a, const nfs_fh3 *b)
{
	return a->data.data_len == b->data.data_len &&
	    memcmp(a->data.data_val, b->data.data_val, a->data.data_len) == 0;
}

static void
fh_print(const char *name, const nfs_fh3 *f)
{
	u_int i;

	printf("fh %s ", name);
	for (i = 0; i < f->data.data_len; i++)
		printf("%02x", (unsigned char)f->data.data_val[i]);
	printf("\n");
}

static bool
fh_parse(const char *hex, nfs_fh3 *f)
{
	size_t n = strlen(hex), i;
	unsigned v;

	if (n % 2 != 0 || n == 0 || n > 2 * 64)
		return false;
	f->data.data_len = (u_int)(n / 2);
	f->data.data_val = fh_alloc(n / 2);
	for (i = 0; i < n / 2; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return false;
		f->data.data_val[i] = (char)v;
	}
	return true;
}

static nfs_fh3 *
saved_fh(const char *name)
{
	int i;

	for (i = 0; i < nsaved; i++)
		if (strcmp(saved[i].name, name) == 0)
			return &saved[i].fh;
	return NULL;
}

/* ---------------------------------------------------------------- auth */
static void
set_cred(struct conn *cn, uint32_t uid, uint32_t gid, uint32_t n,
    const uint32_t *groups)
{
	uint32_t g[16];

	if (n > 16)
		n = 16;
	if (n > 0)
		memcpy(g, groups, n * sizeof(*g));
	rpc_set_auth(cn->rpc, libnfs_authunix_create("nfsprobe", uid, gid, n,
	    g));
}

static void
as_user(uint32_t uid, uint32_t gid)
{
	set_cred(&nfs, uid, gid, 0, NULL);
}

static void
as_default(void)
{
	set_cred(&nfs, o_uid, o_gid, o_ngroups, o_groups);
}

/* ---------------------------------------------------------------- connect */
static int connected;
static void
connect_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	(void)rpc;
	(void)priv;
	connected = status == RPC_STATUS_SUCCESS ? 1 : -1;
	if (status != RPC_STATUS_SUCCESS)
		snprintf(lasterr, sizeof(lasterr), "%s",
		    data != NULL ? (char *)data : "connect failed");
}

static int
wait_connect(struct conn *cn)
{
	struct pollfd p;
	time_t deadline = time(NULL) + o_timeout;

	while (connected == 0) {
		p.fd = rpc_get_fd(cn->rpc);
		p.events = rpc_which_events(cn->rpc);
		p.revents = 0;
		(void)poll(&p, 1, 100);
		if (rpc_service(cn->rpc, p.revents) < 0 && connected == 0) {
			snprintf(lasterr, sizeof(lasterr), "%s",
			    rpc_get_error(cn->rpc));
			return -1;
		}
		if (time(NULL) > deadline) {
			snprintf(lasterr, sizeof(lasterr), "connect timeout");
			return -1;
		}
	}
	return connected > 0 ? 0 : -1;
}

static int
mnt_connect(void)
{
	mnt.what = "mount";
	if ((mnt.rpc = rpc_init_context()) == NULL)
		return -1;
	set_cred(&mnt, o_uid, o_gid, o_ngroups, o_groups);
	connected = 0;
	if (rpc_connect_program_async(mnt.rpc, server, MOUNT_PROGRAM, MOUNT_V3,
	    connect_cb, NULL) != 0) {
		snprintf(lasterr, sizeof(lasterr), "%s", rpc_get_error(mnt.rpc));
		return -1;
	}
	return wait_connect(&mnt);
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

static int
nfs_connect(void)
{
	struct sockaddr_in sin;
	int fd, port;

	nfs.what = o_udp ? "nfs/udp" : "nfs/tcp";
	if (o_nonpriv)
		drop_bind_cap();
	if (!o_udp) {
		if ((nfs.rpc = rpc_init_context()) == NULL)
			return -1;
		as_default();
		connected = 0;
		if (rpc_connect_port_async(nfs.rpc, server, o_port,
		    NFS_PROGRAM, NFS_V3, connect_cb, NULL) != 0) {
			snprintf(lasterr, sizeof(lasterr), "%s",
			    rpc_get_error(nfs.rpc));
			return -1;
		}
		return wait_connect(&nfs);
	}
	/* UDP: our own connected socket, from a reserved port unless -P */
	if ((nfs.rpc = rpc_init_udp_context()) == NULL)
		return -1;
	as_default();
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	for (port = o_nonpriv ? 0 : 1023; port >= 0; port--) {
		sin.sin_port = htons((uint16_t)port);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			break;
		if (port == 0 || port < 600)
			return -1;
	}
	sin.sin_port = htons((uint16_t)o_port);
	if (inet_pton(AF_INET, server, &sin.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		snprintf(lasterr, sizeof(lasterr), "udp connect: %s",
		    strerror(errno));
		return -1;
	}
	rpc_set_fd(nfs.rpc, fd);
	if (rpc_set_udp_destination(nfs.rpc, (char *)server, o_port, 0) != 0)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- mount */
static int mnt_status;

static bool
do_mnt(const char *path, nfs_fh3 *fh)
{
	mountres3 *r = RAW(mnt, mountres3, rpc_mount3_mnt_async,
	    (char *)path);

	mnt_status = r != NULL ? (int)r->fhs_status : -1;
	if (r == NULL || r->fhs_status != MNT3_OK)
		return false;
	*fh = fh_raw(r->mountres3_u.mountinfo.fhandle.fhandle3_val,
	    r->mountres3_u.mountinfo.fhandle.fhandle3_len);
	return true;
}

static bool
do_mnt1(const char *path, nfs_fh3 *fh)
{
	mountres1 *r = RAW(mnt, mountres1, rpc_mount1_mnt_async,
	    (char *)path);

	if (r == NULL || r->fhs_status != 0)
		return false;
	*fh = fh_raw(r->mountres1_u.mountinfo.fhandle, FHSIZE2);
	return true;
}

/* ---------------------------------------------------------------- v3 wrappers */
static nfs_fh3	 root;		/* export root */
static nfs_fh3	 wd;		/* this group's directory */
static fattr3	 la;		/* attributes of the last successful call */

static GETATTR3res *
getattr3(const nfs_fh3 *f)
{
	GETATTR3args a = { *f };
	GETATTR3res *r = RAW(nfs, GETATTR3res, rpc_nfs3_getattr_async, &a);

	if (ST(r) == NFS3_OK)
		la = r->GETATTR3res_u.resok.obj_attributes;
	return r;
}

static LOOKUP3res *
lookup3(const nfs_fh3 *d, const char *name)
{
	LOOKUP3args a = { { *d, (char *)name } };
	LOOKUP3res *r = RAW(nfs, LOOKUP3res, rpc_nfs3_lookup_async, &a);

	if (ST(r) == NFS3_OK &&
	    r->LOOKUP3res_u.resok.obj_attributes.attributes_follow)
		la = r->LOOKUP3res_u.resok.obj_attributes.post_op_attr_u.attributes;
	return r;
}

static sattr3
sa_mode(int mode)
{
	sattr3 s;

	memset(&s, 0, sizeof(s));
	if (mode >= 0) {
		s.mode.set_it = 1;
		s.mode.set_mode3_u.mode = (mode3)mode;
	}
	return s;
}

static CREATE3res *
create3(const nfs_fh3 *d, const char *name, int how, int mode,
    const char *verf)
{
	CREATE3args a;

	memset(&a, 0, sizeof(a));
	a.where.dir = *d;
	a.where.name = (char *)name;
	a.how.mode = (createmode3)how;
	if (how == EXCLUSIVE)
		memcpy(a.how.createhow3_u.verf, verf, NFS3_CREATEVERFSIZE);
	else
		a.how.createhow3_u.obj_attributes = sa_mode(mode);
	return RAW(nfs, CREATE3res, rpc_nfs3_create_async, &a);
}

/* Handle of a successful CREATE/MKDIR/SYMLINK/MKNOD (LOOKUP if omitted). */
static bool
made_fh(int st, post_op_fh3 *pf, const nfs_fh3 *d, const char *name,
    nfs_fh3 *out)
{
	LOOKUP3res *l;

	if (st != NFS3_OK)
		return false;
	if (pf->handle_follows) {
		*out = fh_dup(&pf->post_op_fh3_u.handle);
		return true;
	}
	l = lookup3(d, name);
	if (ST(l) != NFS3_OK)
		return false;
	*out = fh_dup(&l->LOOKUP3res_u.resok.object);
	return true;
}

static bool
mkfile(const nfs_fh3 *d, const char *name, int mode, nfs_fh3 *out)
{
	CREATE3res *r = create3(d, name, UNCHECKED, mode, NULL);

	return r != NULL && made_fh(ST(r), &r->CREATE3res_u.resok.obj, d, name,
	    out);
}

static MKDIR3res *
mkdir3(const nfs_fh3 *d, const char *name, int mode)
{
	MKDIR3args a;

	memset(&a, 0, sizeof(a));
	a.where.dir = *d;
	a.where.name = (char *)name;
	a.attributes = sa_mode(mode);
	return RAW(nfs, MKDIR3res, rpc_nfs3_mkdir_async, &a);
}

static bool
mkdir_fh(const nfs_fh3 *d, const char *name, int mode, nfs_fh3 *out)
{
	MKDIR3res *r = mkdir3(d, name, mode);

	return r != NULL && made_fh(ST(r), &r->MKDIR3res_u.resok.obj, d, name,
	    out);
}

static SYMLINK3res *
symlink3(const nfs_fh3 *d, const char *name, const char *target)
{
	SYMLINK3args a;

	memset(&a, 0, sizeof(a));
	a.where.dir = *d;
	a.where.name = (char *)name;
	a.symlink.symlink_data = (char *)target;
	return RAW(nfs, SYMLINK3res, rpc_nfs3_symlink_async, &a);
}

static SETATTR3res *
setattr3(const nfs_fh3 *f, sattr3 s, const nfstime3 *guard)
{
	SETATTR3args a;

	memset(&a, 0, sizeof(a));
	a.object = *f;
	a.new_attributes = s;
	if (guard != NULL) {
		a.guard.check = 1;
		a.guard.sattrguard3_u.obj_ctime = *guard;
	}
	return RAW(nfs, SETATTR3res, rpc_nfs3_setattr_async, &a);
}

static WRITE3res *
write3(const nfs_fh3 *f, uint64_t off, const void *buf, size_t len,
    int stable)
{
	WRITE3args a;

	memset(&a, 0, sizeof(a));
	a.file = *f;
	a.offset = off;
	a.count = (count3)len;
	a.stable = (stable_how)stable;
	a.data.data_len = (u_int)len;
	a.data.data_val = (char *)(uintptr_t)buf;
	return RAW(nfs, WRITE3res, rpc_nfs3_write_async, &a);
}

static READ3res *
read3(const nfs_fh3 *f, uint64_t off, uint32_t count)
{
	READ3args a = { *f, off, count };

	return RAW(nfs, READ3res, rpc_nfs3_read_async, &a);
}

static REMOVE3res *
remove3(const nfs_fh3 *d, const char *name)
{
	REMOVE3args a = { { *d, (char *)name } };

	return RAW(nfs, REMOVE3res, rpc_nfs3_remove_async, &a);
}

static RMDIR3res *
rmdir3(const nfs_fh3 *d, const char *name)
{
	RMDIR3args a = { { *d, (char *)name } };

	return RAW(nfs, RMDIR3res, rpc_nfs3_rmdir_async, &a);
}

static RENAME3res *
rename3(const nfs_fh3 *fd, const char *fn, const nfs_fh3 *td,
    const char *tn)
{
	RENAME3args a = { { *fd, (char *)fn }, { *td, (char *)tn } };

	return RAW(nfs, RENAME3res, rpc_nfs3_rename_async, &a);
}

static LINK3res *
link3(const nfs_fh3 *f, const nfs_fh3 *d, const char *name)
{
	LINK3args a = { *f, { *d, (char *)name } };

	return RAW(nfs, LINK3res, rpc_nfs3_link_async, &a);
}

static ACCESS3res *
access3(const nfs_fh3 *f, uint32_t want)
{
	ACCESS3args a = { *f, want };

	return RAW(nfs, ACCESS3res, rpc_nfs3_access_async, &a);
}

static MKNOD3res *
mknod3(const nfs_fh3 *d, const char *name, int type, uint32_t maj,
    uint32_t min)
{
	MKNOD3args a;

	memset(&a, 0, sizeof(a));
	a.where.dir = *d;
	a.where.name = (char *)name;
	a.what.type = (ftype3)type;
	switch (type) {
	case NF3CHR:
	case NF3BLK:
		a.what.mknoddata3_u.chr_device.dev_attributes = sa_mode(0644);
		a.what.mknoddata3_u.chr_device.spec.specdata1 = maj;
		a.what.mknoddata3_u.chr_device.spec.specdata2 = min;
		break;
	case NF3SOCK:
	case NF3FIFO:
		a.what.mknoddata3_u.pipe_attributes = sa_mode(0644);
		break;
	}
	return RAW(nfs, MKNOD3res, rpc_nfs3_mknod_async, &a);
}

static READDIR3res *
readdir3(const nfs_fh3 *d, uint64_t cookie, const char *verf,
    uint32_t count)
{
	READDIR3args a;

	memset(&a, 0, sizeof(a));
	a.dir = *d;
	a.cookie = cookie;
	if (verf != NULL)
		memcpy(a.cookieverf, verf, NFS3_COOKIEVERFSIZE);
	a.count = count;
	return RAW(nfs, READDIR3res, rpc_nfs3_readdir_async, &a);
}

static READDIRPLUS3res *
readdirplus3(const nfs_fh3 *d, uint64_t cookie, const char *verf,
    uint32_t dircount, uint32_t maxcount)
{
	READDIRPLUS3args a;

	memset(&a, 0, sizeof(a));
	a.dir = *d;
	a.cookie = cookie;
	if (verf != NULL)
		memcpy(a.cookieverf, verf, NFS3_COOKIEVERFSIZE);
	a.dircount = dircount;
	a.maxcount = maxcount;
	return RAW(nfs, READDIRPLUS3res, rpc_nfs3_readdirplus_async, &a);
}

static COMMIT3res *
commit3(const nfs_fh3 *f, uint64_t off, uint32_t count)
{
	COMMIT3args a = { *f, off, count };

	return RAW(nfs, COMMIT3res, rpc_nfs3_commit_async, &a);
}

static READLINK3res *
readlink3(const nfs_fh3 *f)
{
	READLINK3args a = { *f };

	return RAW(nfs, READLINK3res, rpc_nfs3_readlink_async, &a);
}

static FSINFO3res *
fsinfo3(const nfs_fh3 *f)
{
	FSINFO3args a = { *f };

	return RAW(nfs, FSINFO3res, rpc_nfs3_fsinfo_async, &a);
}

/* attributes of f by GETATTR; false if that fails */
static bool
attrs(const nfs_fh3 *f, fattr3 *out)
{
	GETATTR3res *r = getattr3(f);

	memset(out, 0, sizeof(*out));
	if (ST(r) != NFS3_OK)
		return false;
	*out = r->GETATTR3res_u.resok.obj_attributes;
	return true;
}

static uint64_t
fileid_of(const nfs_fh3 *f)
{
	fattr3 a = { 0 };

	return attrs(f, &a) ? a.fileid : 0;
}

/* write verifier: constant for the whole run */
static char	 verf0[NFS3_WRITEVERFSIZE];
static bool	 have_verf;
static bool
verf_same(const char *v)
{
	if (!have_verf) {
		memcpy(verf0, v, sizeof(verf0));
		have_verf = true;
	}
	return memcmp(verf0, v, sizeof(verf0)) == 0;
}

static uint32_t wtmax = MiB, rtmax = MiB;

/* a fresh working directory for the group, mode 0777 */
static bool
group_dir(void)
{
	char name[128];
	sattr3 s = sa_mode(0777);

	snprintf(name, sizeof(name), "probe.%d.%s", (int)getpid(), group);
	if (!mkdir_fh(&root, name, 0777, &wd)) {
		check(false, "setup", "MKDIR %s in the export root: %s", name,
		    lasterr[0] ? lasterr : "failed");
		return false;
	}
	(void)setattr3(&wd, s, NULL);
	return true;
}

#define ISERR(s)	((s) != NFS3_OK)
#define EQ(s, want)	((s) == (want))

/* ---------------------------------------------------------------- group attr */
static void
g_attr(void)
{
	nfs_fh3 f, dd;
	fattr3 a = { 0 }, b = { 0 };
	GETATTR3res *g;
	SETATTR3res *s;
	ACCESS3res *ac;
	sattr3 sa;
	nfstime3 bad = { 12345, 678 };
	time_t now;
	int st;

	g = getattr3(&root);
	check(ST(g) == NFS3_OK && la.type == NF3DIR && la.fileid != 0,
	    "getattr-root", "GETATTR root: %s type %d", st3(ST(g)), la.type);
	if (!mkfile(&wd, "f", 0644, &f)) {
		check(false, "create", "CREATE f: %s", lasterr);
		return;
	}
	/* size change, with wcc data */
	memset(&sa, 0, sizeof(sa));
	sa.size.set_it = 1;
	sa.size.set_size3_u.size = 100;
	s = setattr3(&f, sa, NULL);
	st = ST(s);
	check(st == NFS3_OK && s->SETATTR3res_u.resok.obj_wcc.after.attributes_follow &&
	    s->SETATTR3res_u.resok.obj_wcc.after.post_op_attr_u.attributes.size == 100,
	    "setattr-size", "SETATTR size 100: %s", st3(st));
	check(st == NFS3_OK && s->SETATTR3res_u.resok.obj_wcc.before.attributes_follow &&
	    s->SETATTR3res_u.resok.obj_wcc.before.pre_op_attr_u.attributes.size == 0,
	    "setattr-wcc-before", "pre-op attributes missing or size != 0");
	check(attrs(&f, &a) && a.size == 100, "getattr-size", "size %llu",
	    (unsigned long long)a.size);
	/* guard */
	s = setattr3(&f, sa_mode(0600), &bad);
	check(ST(s) == NFS3ERR_NOT_SYNC, "setattr-guard-mismatch",
	    "guard with a wrong ctime: %s, expected NOT_SYNC", st3(ST(s)));
	check(attrs(&f, &b) && (b.mode & 07777) == 0644, "setattr-guard-unchanged",
	    "mode after a refused guarded SETATTR: %o", b.mode);
	s = setattr3(&f, sa_mode(0640), &b.ctime);
	check(ST(s) == NFS3_OK && attrs(&f, &a) && (a.mode & 07777) == 0640,
	    "setattr-guard-match", "guard with the current ctime: %s mode %o",
	    st3(ST(s)), a.mode);
	/* shrink and grow */
	sa.size.set_size3_u.size = 3;
	s = setattr3(&f, sa, NULL);
	check(ST(s) == NFS3_OK && attrs(&f, &a) && a.size == 3, "setattr-truncate",
	    "SETATTR size 3: %s size %llu", st3(ST(s)), (unsigned long long)a.size);
	/* times: client */
	memset(&sa, 0, sizeof(sa));
	sa.atime.set_it = SET_TO_CLIENT_TIME;
	sa.atime.set_atime_u.atime.seconds = 1000000000;
	sa.atime.set_atime_u.atime.nseconds = 123;
	sa.mtime.set_it = SET_TO_CLIENT_TIME;
	sa.mtime.set_mtime_u.mtime.seconds = 1100000000;
	sa.mtime.set_mtime_u.mtime.nseconds = 456;
	s = setattr3(&f, sa, NULL);
	check(ST(s) == NFS3_OK && attrs(&f, &a) &&
	    a.atime.seconds == 1000000000 && a.atime.nseconds == 123 &&
	    a.mtime.seconds == 1100000000 && a.mtime.nseconds == 456,
	    "setattr-time-client", "%s atime %u.%u mtime %u.%u", st3(ST(s)),
	    a.atime.seconds, a.atime.nseconds, a.mtime.seconds, a.mtime.nseconds);
	/* times: server */
	memset(&sa, 0, sizeof(sa));
	sa.atime.set_it = SET_TO_SERVER_TIME;
	sa.mtime.set_it = SET_TO_SERVER_TIME;
	now = time(NULL);
	s = setattr3(&f, sa, NULL);
	check(ST(s) == NFS3_OK && attrs(&f, &a) &&
	    llabs((long long)a.mtime.seconds - now) < 60 &&
	    llabs((long long)a.atime.seconds - now) < 60,
	    "setattr-time-server", "%s mtime %u now %lld", st3(ST(s)),
	    a.mtime.seconds, (long long)now);
	/* sizes beyond off_t, invalid nanoseconds, type bits in the mode */
	{
		static const uint64_t huge[] = { 1ULL << 63, UINT64_MAX,
		    UINT64_MAX - 15 };
		size_t i;
		char nm[64];

		for (i = 0; i < 3; i++) {
			memset(&sa, 0, sizeof(sa));
			sa.size.set_it = 1;
			sa.size.set_size3_u.size = huge[i];
			s = setattr3(&f, sa, NULL);
			snprintf(nm, sizeof(nm), "setattr-size-huge-%zu", i);
			check((ST(s) == NFS3ERR_INVAL || ST(s) == NFS3ERR_FBIG) &&
			    attrs(&f, &a) && a.size == 3, nm, "SETATTR size %#llx: "
			    "%s, size now %llu", (unsigned long long)huge[i],
			    st3(ST(s)), (unsigned long long)a.size);
		}
		memset(&sa, 0, sizeof(sa));
		sa.mtime.set_it = SET_TO_CLIENT_TIME;
		sa.mtime.set_mtime_u.mtime.seconds = 1200000000;
		sa.mtime.set_mtime_u.mtime.nseconds = 1000000000;
		s = setattr3(&f, sa, NULL);
		check(ST(s) != NFS3_OK || (attrs(&f, &a) &&
		    a.mtime.nseconds < 1000000000), "setattr-nsec-invalid",
		    "SETATTR mtime nseconds 10^9: %s, mtime %u.%u", st3(ST(s)),
		    a.mtime.seconds, a.mtime.nseconds);
		s = setattr3(&f, sa_mode(0170640), NULL);
		check(attrs(&f, &a) && a.type == NF3REG &&
		    (ST(s) != NFS3_OK || (a.mode & 07777) == 0640),
		    "setattr-mode-typebits", "SETATTR mode 0170640: %s, type %d "
		    "mode %o", st3(ST(s)), a.type, a.mode);
	}
	/* uid/gid 2^32-1: setfsuid(-1) changes nothing; must be anonymous */
	{
		nfs_fh3 m1;
		READ3res *rd;

		set_cred(&nfs, UINT32_MAX, UINT32_MAX, 0, NULL);
		if (mkfile(&wd, "minus1", 0644, &m1)) {
			check(attrs(&m1, &a) && a.uid != 0 && a.gid != 0 &&
			    a.uid == anon_uid, "uid-minus-1-create",
			    "CREATE as uid/gid 2^32-1 gave owner %u:%u (want "
			    "anonymous %u)", a.uid, a.gid, anon_uid);
		} else
			check(true, "uid-minus-1-create", "refused");
		as_default();
		(void)setattr3(&f, sa_mode(0600), NULL);
		set_cred(&nfs, UINT32_MAX, UINT32_MAX, 0, NULL);
		rd = read3(&f, 0, 10);
		check(ST(rd) == NFS3ERR_ACCES || ST(rd) == NFS3ERR_PERM || rd == NULL,
		    "uid-minus-1-read", "READ of root's 0600 file as uid 2^32-1: %s",
		    st3(ST(rd)));
		as_default();
		(void)setattr3(&f, sa_mode(0640), NULL);
	}
	/* chown as root (export has no_root_squash) */
	memset(&sa, 0, sizeof(sa));
	sa.uid.set_it = 1;
	sa.uid.set_uid3_u.uid = 1000;
	sa.gid.set_it = 1;
	sa.gid.set_gid3_u.gid = 1000;
	s = setattr3(&f, sa, NULL);
	check(ST(s) == NFS3_OK && attrs(&f, &a) && a.uid == 1000 && a.gid == 1000,
	    "setattr-chown", "%s uid %u gid %u", st3(ST(s)), a.uid, a.gid);
	s = setattr3(&f, sa_mode(0600), NULL);
	/* ACCESS: owner vs other on a 0600 file */
	as_user(1000, 1000);
	ac = access3(&f, ACCESS3_READ | ACCESS3_MODIFY | ACCESS3_EXTEND |
	    ACCESS3_EXECUTE);
	check(ST(ac) == NFS3_OK && (ac->ACCESS3res_u.resok.access &
	    (ACCESS3_READ | ACCESS3_MODIFY | ACCESS3_EXTEND)) ==
	    (ACCESS3_READ | ACCESS3_MODIFY | ACCESS3_EXTEND) &&
	    !(ac->ACCESS3res_u.resok.access & ACCESS3_EXECUTE),
	    "access-owner", "uid 1000 on its 0600 file: %s access %#x", st3(ST(ac)),
	    ac != NULL ? ac->ACCESS3res_u.resok.access : 0);
	as_user(2000, 2000);
	ac = access3(&f, ACCESS3_READ | ACCESS3_MODIFY | ACCESS3_EXTEND |
	    ACCESS3_EXECUTE);
	check(ST(ac) == NFS3_OK && (ac->ACCESS3res_u.resok.access &
	    (ACCESS3_READ | ACCESS3_MODIFY | ACCESS3_EXTEND | ACCESS3_EXECUTE)) == 0,
	    "access-other", "uid 2000 on uid 1000's 0600 file: %s access %#x",
	    st3(ST(ac)), ac != NULL ? ac->ACCESS3res_u.resok.access : 0);
	g = getattr3(&f);
	check(ST(g) == NFS3_OK, "getattr-other", "GETATTR needs no permission: %s",
	    st3(ST(g)));
	{
		READ3res *rd = read3(&f, 0, 10);
		check(ST(rd) == NFS3ERR_ACCES || ST(rd) == NFS3ERR_PERM,
		    "read-other", "READ by uid 2000 of a 0600 file: %s",
		    st3(ST(rd)));
	}
	as_default();
	ac = access3(&wd, ACCESS3_LOOKUP | ACCESS3_MODIFY | ACCESS3_EXTEND |
	    ACCESS3_DELETE | ACCESS3_READ);
	check(ST(ac) == NFS3_OK && ac->ACCESS3res_u.resok.access ==
	    (ACCESS3_LOOKUP | ACCESS3_MODIFY | ACCESS3_EXTEND | ACCESS3_DELETE |
	    ACCESS3_READ), "access-dir", "ACCESS on a 0777 dir: %s %#x",
	    st3(ST(ac)), ac != NULL ? ac->ACCESS3res_u.resok.access : 0);
	/* SETATTR of the type-specific size on a directory */
	if (mkdir_fh(&wd, "d", 0755, &dd)) {
		memset(&sa, 0, sizeof(sa));
		sa.size.set_it = 1;
		s = setattr3(&dd, sa, NULL);
		check(ST(s) != NFS3_OK, "setattr-size-dir",
		    "SETATTR size on a directory: %s", st3(ST(s)));
	}
	/* FSSTAT, FSINFO, PATHCONF */
	{
		FSSTAT3args fa = { root };
		FSSTAT3res *r = RAW(nfs, FSSTAT3res, rpc_nfs3_fsstat_async, &fa);
		FSSTAT3resok *o = r != NULL ? &r->FSSTAT3res_u.resok : NULL;

		check(ST(r) == NFS3_OK && o->tbytes > 0 && o->fbytes <= o->tbytes &&
		    o->abytes <= o->fbytes && o->tfiles > 0 &&
		    o->ffiles <= o->tfiles && o->afiles <= o->ffiles,
		    "fsstat", "FSSTAT: %s", st3(ST(r)));
	}
	{
		FSINFO3res *r = fsinfo3(&root);
		FSINFO3resok *o = r != NULL ? &r->FSINFO3res_u.resok : NULL;
		uint32_t want = o_udp ? 32 * 1024 : MiB;

		check(ST(r) == NFS3_OK && o->rtmax == want && o->wtmax == want,
		    "fsinfo-max", "FSINFO %s rtmax %u wtmax %u, expected %u",
		    st3(ST(r)), o ? o->rtmax : 0, o ? o->wtmax : 0, want);
		check(ST(r) == NFS3_OK && o->rtpref > 0 && o->rtpref <= o->rtmax &&
		    o->wtpref > 0 && o->wtpref <= o->wtmax && o->dtpref > 0 &&
		    o->maxfilesize >= (1ULL << 40) &&
		    (o->time_delta.seconds == 0 || (o->time_delta.seconds == 1 &&
		    o->time_delta.nseconds == 0)) &&
		    (o->properties & (FSF3_LINK | FSF3_SYMLINK | FSF3_HOMOGENEOUS |
		    FSF3_CANSETTIME)) == (FSF3_LINK | FSF3_SYMLINK |
		    FSF3_HOMOGENEOUS | FSF3_CANSETTIME) &&
		    o->obj_attributes.attributes_follow,
		    "fsinfo-fields", "rtpref %u wtpref %u dtpref %u maxfilesize %llu "
		    "delta %u.%u props %#x", o ? o->rtpref : 0, o ? o->wtpref : 0,
		    o ? o->dtpref : 0, o ? (unsigned long long)o->maxfilesize : 0,
		    o ? o->time_delta.seconds : 0, o ? o->time_delta.nseconds : 0,
		    o ? o->properties : 0);
	}
	{
		PATHCONF3args pa = { root };
		PATHCONF3res *r = RAW(nfs, PATHCONF3res, rpc_nfs3_pathconf_async,
		    &pa);
		PATHCONF3resok *o = r != NULL ? &r->PATHCONF3res_u.resok : NULL;

		check(ST(r) == NFS3_OK && o->name_max == 255 && o->no_trunc &&
		    o->chown_restricted && !o->case_insensitive &&
		    o->case_preserving && o->linkmax >= 1000, "pathconf",
		    "%s name_max %u linkmax %u no_trunc %u chown_restricted %u",
		    st3(ST(r)), o ? o->name_max : 0, o ? o->linkmax : 0,
		    o ? o->no_trunc : 0, o ? o->chown_restricted : 0);
	}
}

/* ---------------------------------------------------------------- group lookup */
static void
g_lookup(void)
{
	nfs_fh3 a, b, in, sl, f;
	LOOKUP3res *l;
	READLINK3res *rl;
	CREATE3res *c;
	uint64_t rootid = fileid_of(&root), wdid = fileid_of(&wd);
	char longname[300];
	int st;

	l = lookup3(&wd, ".");
	check(ST(l) == NFS3_OK && la.fileid == wdid, "lookup-dot",
	    "LOOKUP \".\": %s fileid %llu want %llu", st3(ST(l)),
	    (unsigned long long)la.fileid, (unsigned long long)wdid);
	l = lookup3(&wd, "..");
	check(ST(l) == NFS3_OK && la.fileid == rootid, "lookup-dotdot",
	    "LOOKUP \"..\" of the group dir: %s fileid %llu, root %llu",
	    st3(ST(l)), (unsigned long long)la.fileid,
	    (unsigned long long)rootid);
	l = lookup3(&root, "..");
	check(ST(l) == NFS3_OK && la.fileid == rootid, "lookup-dotdot-root",
	    "LOOKUP \"..\" at the export root: %s fileid %llu, root %llu",
	    st3(ST(l)), (unsigned long long)la.fileid,
	    (unsigned long long)rootid);
	if (ST(l) == NFS3_OK) {
		nfs_fh3 up = fh_dup(&l->LOOKUP3res_u.resok.object);
		l = lookup3(&up, "..");
		check(ST(l) == NFS3_OK && la.fileid == rootid,
		    "lookup-dotdot-dotdot", "LOOKUP \"..\" twice from the root: "
		    "%s fileid %llu", st3(ST(l)), (unsigned long long)la.fileid);
		fh_release(&up);
	}
	l = lookup3(&wd, "");
	check(ST(l) != NFS3_OK, "lookup-empty", "LOOKUP \"\": %s", st3(ST(l)));
	/* "a/b" must not be resolved as a path */
	if (mkdir_fh(&wd, "a", 0755, &a) && mkfile(&a, "b", 0644, &b)) {
		l = lookup3(&wd, "a/b");
		check(ST(l) != NFS3_OK, "lookup-slash", "LOOKUP \"a/b\": %s",
		    st3(ST(l)));
		l = lookup3(&wd, "/");
		check(ST(l) != NFS3_OK, "lookup-root-slash", "LOOKUP \"/\": %s",
		    st3(ST(l)));
		c = create3(&wd, "a/c", UNCHECKED, 0644, NULL);
		check(ST(c) != NFS3_OK && ST(lookup3(&a, "c")) == NFS3ERR_NOENT,
		    "create-slash", "CREATE \"a/c\": %s", st3(ST(c)));
		l = lookup3(&b, "x");
		check(ST(l) == NFS3ERR_NOTDIR, "lookup-in-file",
		    "LOOKUP in a regular file: %s", st3(ST(l)));
	}
	memset(longname, 'n', 256);
	longname[256] = '\0';
	l = lookup3(&wd, longname);
	check(ST(l) == NFS3ERR_NAMETOOLONG, "lookup-256", "LOOKUP of a "
	    "256-character name: %s", st3(ST(l)));
	c = create3(&wd, longname, UNCHECKED, 0644, NULL);
	check(ST(c) == NFS3ERR_NAMETOOLONG, "create-256", "CREATE of a "
	    "256-character name: %s", st3(ST(c)));
	longname[255] = '\0';
	l = lookup3(&wd, longname);
	check(ST(l) == NFS3ERR_NOENT, "lookup-255", "LOOKUP of an absent "
	    "255-character name: %s", st3(ST(l)));
	l = lookup3(&wd, "absent");
	check(ST(l) == NFS3ERR_NOENT && l->LOOKUP3res_u.resfail.dir_attributes.attributes_follow,
	    "lookup-noent", "LOOKUP absent: %s (dir attributes expected)",
	    st3(ST(l)));
	/* symlinks: never followed by the server */
	if (mkdir_fh(&wd, "in", 0777, &in)) {
		st = ST(symlink3(&wd, "sl", "in"));
		check(st == NFS3_OK, "symlink", "SYMLINK sl -> in: %s", st3(st));
		l = lookup3(&wd, "sl");
		check(ST(l) == NFS3_OK && la.type == NF3LNK, "lookup-symlink",
		    "LOOKUP of a symlink: %s type %d (want NF3LNK)", st3(ST(l)),
		    la.type);
		if (ST(l) == NFS3_OK) {
			sl = fh_dup(&l->LOOKUP3res_u.resok.object);
			rl = readlink3(&sl);
			check(ST(rl) == NFS3_OK &&
			    strcmp(rl->READLINK3res_u.resok.data, "in") == 0,
			    "readlink", "READLINK: %s", st3(ST(rl)));
			c = create3(&sl, "through", UNCHECKED, 0644, NULL);
			check(ST(c) != NFS3_OK, "create-via-symlink",
			    "CREATE in a symlink's handle: %s", st3(ST(c)));
			l = lookup3(&in, "through");
			check(ST(l) == NFS3ERR_NOENT, "create-via-symlink-absent",
			    "the file appeared in the link's target: %s",
			    st3(ST(l)));
			st = ST(mkdir3(&sl, "dir", 0755));
			check(st != NFS3_OK, "mkdir-via-symlink",
			    "MKDIR in a symlink's handle: %s", st3(st));
			l = lookup3(&sl, ".");
			check(ST(l) != NFS3_OK, "lookup-via-symlink",
			    "LOOKUP \".\" in a symlink's handle: %s", st3(ST(l)));
			if (mkfile(&in, "target", 0644, &f)) {
				l = lookup3(&sl, "target");
				check(ST(l) != NFS3_OK, "lookup-through-symlink",
				    "LOOKUP target via the symlink handle: %s",
				    st3(ST(l)));
			}
			fh_release(&sl);
		}
		/* operations on a symlink's own handle never reach its target */
		if (mkfile(&in, "victim", 0600, &f) &&
		    ST(symlink3(&wd, "sl2", "in/victim")) == NFS3_OK &&
		    ST(l = lookup3(&wd, "sl2")) == NFS3_OK) {
			fattr3 before = { 0 }, after = { 0 };
			sattr3 sa = sa_mode(0666);
			WRITE3res *w;
			READ3res *r;

			sl = fh_dup(&l->LOOKUP3res_u.resok.object);
			(void)attrs(&f, &before);
			st = ST(setattr3(&sl, sa, NULL));
			check(attrs(&f, &after) && (after.mode & 07777) == 0600,
			    "setattr-mode-symlink", "SETATTR mode 0666 on a symlink "
			    "(%s) changed its target to %o", st3(st), after.mode);
			memset(&sa, 0, sizeof(sa));
			sa.size.set_it = 1;
			sa.size.set_size3_u.size = 4096;
			st = ST(setattr3(&sl, sa, NULL));
			check(st != NFS3_OK && attrs(&f, &after) && after.size == 0,
			    "setattr-size-symlink", "SETATTR size on a symlink: %s, "
			    "target size %llu", st3(st),
			    (unsigned long long)after.size);
			memset(&sa, 0, sizeof(sa));
			sa.mtime.set_it = SET_TO_CLIENT_TIME;
			sa.mtime.set_mtime_u.mtime.seconds = 1234567;
			st = ST(setattr3(&sl, sa, NULL));
			check(attrs(&f, &after) && after.mtime.seconds != 1234567,
			    "setattr-time-symlink", "SETATTR mtime on a symlink (%s) "
			    "changed its target", st3(st));
			memset(&sa, 0, sizeof(sa));
			sa.uid.set_it = 1;
			sa.uid.set_uid3_u.uid = 4242;
			st = ST(setattr3(&sl, sa, NULL));
			check(attrs(&f, &after) && after.uid == before.uid,
			    "setattr-uid-symlink", "SETATTR uid on a symlink (%s) "
			    "changed its target's owner to %u", st3(st), after.uid);
			w = write3(&sl, 0, "through", 7, FILE_SYNC);
			check(ST(w) != NFS3_OK && attrs(&f, &after) && after.size == 0,
			    "write-symlink", "WRITE to a symlink's handle: %s, target "
			    "size %llu", st3(ST(w)), (unsigned long long)after.size);
			r = read3(&sl, 0, 100);
			check(ST(r) != NFS3_OK, "read-symlink",
			    "READ of a symlink's handle: %s", st3(ST(r)));
			st = ST(commit3(&sl, 0, 0));
			check(st != NFS3_OK, "commit-symlink",
			    "COMMIT of a symlink's handle: %s", st3(st));
			st = ST(link3(&sl, &in, "hard"));
			l = lookup3(&in, "hard");
			check(st != NFS3_OK || (ST(l) == NFS3_OK && la.type == NF3LNK),
			    "link-symlink", "LINK of a symlink's handle linked its "
			    "target (%s)", st3(st));
			fh_release(&sl);
		}
		/* a link pointing outside the export */
		st = ST(symlink3(&wd, "out", "/etc"));
		l = lookup3(&wd, "out");
		if (st == NFS3_OK && ST(l) == NFS3_OK) {
			sl = fh_dup(&l->LOOKUP3res_u.resok.object);
			l = lookup3(&sl, "passwd");
			check(ST(l) != NFS3_OK, "lookup-escape-symlink",
			    "LOOKUP passwd in a link to /etc: %s", st3(ST(l)));
			rl = readlink3(&sl);
			check(ST(rl) == NFS3_OK &&
			    strcmp(rl->READLINK3res_u.resok.data, "/etc") == 0,
			    "readlink-absolute", "READLINK: %s", st3(ST(rl)));
			fh_release(&sl);
		} else
			check(false, "symlink-absolute", "SYMLINK out -> /etc: %s",
			    st3(st));
		rl = readlink3(&in);
		check(ST(rl) == NFS3ERR_INVAL, "readlink-dir",
		    "READLINK of a directory: %s", st3(ST(rl)));
	}
}

/* ---------------------------------------------------------------- group io */
static void
g_io(void)
{
	static const char msg[] = "hello, nfs world: 0123456789abcdef";
	const size_t n = sizeof(msg) - 1;
	nfs_fh3 f, big, dd;
	WRITE3res *w;
	READ3res *r;
	COMMIT3res *cm;
	fattr3 a = { 0 };
	char *buf;
	size_t i, bigsz, chunk, off;
	int st;

	{
		FSINFO3res *fi = fsinfo3(&root);
		if (ST(fi) == NFS3_OK) {
			wtmax = fi->FSINFO3res_u.resok.wtmax;
			rtmax = fi->FSINFO3res_u.resok.rtmax;
		}
	}
	if (!mkfile(&wd, "f", 0644, &f)) {
		check(false, "create", "CREATE: %s", lasterr);
		return;
	}
	w = write3(&f, 0, msg, n, FILE_SYNC);
	st = ST(w);
	check(st == NFS3_OK && w->WRITE3res_u.resok.count == n &&
	    w->WRITE3res_u.resok.committed == FILE_SYNC &&
	    w->WRITE3res_u.resok.file_wcc.after.attributes_follow &&
	    w->WRITE3res_u.resok.file_wcc.after.post_op_attr_u.attributes.size == n,
	    "write-file-sync", "WRITE FILE_SYNC: %s count %u committed %d",
	    st3(st), w ? w->WRITE3res_u.resok.count : 0,
	    w ? (int)w->WRITE3res_u.resok.committed : -1);
	if (st == NFS3_OK)
		check(verf_same(w->WRITE3res_u.resok.verf), "verf-1", "verifier");
	w = write3(&f, n, msg, n, DATA_SYNC);
	check(ST(w) == NFS3_OK && w->WRITE3res_u.resok.committed >= DATA_SYNC &&
	    w->WRITE3res_u.resok.count == n, "write-data-sync",
	    "WRITE DATA_SYNC: %s committed %d", st3(ST(w)),
	    w ? (int)w->WRITE3res_u.resok.committed : -1);
	if (ST(w) == NFS3_OK)
		check(verf_same(w->WRITE3res_u.resok.verf), "verf-2",
		    "the write verifier changed within one run");
	w = write3(&f, 2 * n, msg, n, UNSTABLE);
	check(ST(w) == NFS3_OK && w->WRITE3res_u.resok.count == n,
	    "write-unstable", "WRITE UNSTABLE: %s", st3(ST(w)));
	if (ST(w) == NFS3_OK)
		check(verf_same(w->WRITE3res_u.resok.verf), "verf-3",
		    "the write verifier changed within one run");
	cm = commit3(&f, 0, 0);
	check(ST(cm) == NFS3_OK && verf_same(cm->COMMIT3res_u.resok.verf),
	    "commit", "COMMIT: %s (or verifier differs from WRITE's)",
	    st3(ST(cm)));
	cm = commit3(&f, n, (uint32_t)n);
	check(ST(cm) == NFS3_OK, "commit-range", "COMMIT %zu+%zu: %s", n, n,
	    st3(ST(cm)));
	w = write3(&f, 0, msg, 0, FILE_SYNC);
	check(ST(w) == NFS3_OK && w->WRITE3res_u.resok.count == 0,
	    "write-count-0", "WRITE of 0 bytes: %s", st3(ST(w)));
	/* READ: data, eof */
	r = read3(&f, 0, (uint32_t)(3 * n + 100));
	check(ST(r) == NFS3_OK && r->READ3res_u.resok.count == 3 * n &&
	    r->READ3res_u.resok.eof && r->READ3res_u.resok.data.data_len == 3 * n &&
	    memcmp(r->READ3res_u.resok.data.data_val + n, msg, n) == 0,
	    "read-all", "READ: %s count %u eof %u", st3(ST(r)),
	    r ? r->READ3res_u.resok.count : 0, r ? r->READ3res_u.resok.eof : 0);
	r = read3(&f, 0, 5);
	check(ST(r) == NFS3_OK && r->READ3res_u.resok.count == 5 &&
	    !r->READ3res_u.resok.eof &&
	    memcmp(r->READ3res_u.resok.data.data_val, msg, 5) == 0, "read-part",
	    "READ 5 of %zu: %s count %u eof %u", 3 * n, st3(ST(r)),
	    r ? r->READ3res_u.resok.count : 0, r ? r->READ3res_u.resok.eof : 0);
	r = read3(&f, 2 * n, (uint32_t)n);
	check(ST(r) == NFS3_OK && r->READ3res_u.resok.count == n &&
	    r->READ3res_u.resok.eof, "read-to-end-eof",
	    "READ exactly to the end: %s count %u eof %u (eof expected)",
	    st3(ST(r)), r ? r->READ3res_u.resok.count : 0,
	    r ? r->READ3res_u.resok.eof : 0);
	r = read3(&f, 10 * n, 10);
	check(ST(r) == NFS3_OK && r->READ3res_u.resok.count == 0 &&
	    r->READ3res_u.resok.eof, "read-beyond",
	    "READ beyond the end: %s count %u eof %u", st3(ST(r)),
	    r ? r->READ3res_u.resok.count : 0, r ? r->READ3res_u.resok.eof : 0);
	r = read3(&f, 0, 0);
	check(ST(r) == NFS3_OK && r->READ3res_u.resok.count == 0 &&
	    !r->READ3res_u.resok.eof, "read-count-0",
	    "READ count 0 at 0: %s count %u eof %u", st3(ST(r)),
	    r ? r->READ3res_u.resok.count : 0, r ? r->READ3res_u.resok.eof : 0);
	r = read3(&f, 0, UINT32_MAX);
	check(ST(r) == NFS3_OK && r->READ3res_u.resok.count == 3 * n &&
	    r->READ3res_u.resok.eof, "read-count-max-small",
	    "READ count 2^32-1 of a small file: %s count %u", st3(ST(r)),
	    r ? r->READ3res_u.resok.count : 0);
	/* a file larger than rtmax: READ 2^32-1 is clamped to rtmax */
	bigsz = (size_t)rtmax + rtmax / 2;
	chunk = wtmax < 256 * 1024 ? wtmax : 256 * 1024;
	buf = malloc(bigsz);
	for (i = 0; i < bigsz; i++)
		buf[i] = (char)(i * 7 + i / 4096);
	if (mkfile(&wd, "big", 0644, &big)) {
		for (off = 0; off < bigsz; off += chunk) {
			size_t len = bigsz - off < chunk ? bigsz - off : chunk;
			w = write3(&big, off, buf + off, len, UNSTABLE);
			if (ST(w) != NFS3_OK || w->WRITE3res_u.resok.count != len)
				break;
			arena_reset();
		}
		check(off >= bigsz, "write-big", "WRITE %zu bytes in %zu chunks "
		    "stopped at %zu", bigsz, chunk, off);
		r = read3(&big, 0, UINT32_MAX);
		check(ST(r) == NFS3_OK && r->READ3res_u.resok.count == rtmax &&
		    r->READ3res_u.resok.data.data_len == rtmax &&
		    !r->READ3res_u.resok.eof &&
		    memcmp(r->READ3res_u.resok.data.data_val, buf, rtmax) == 0,
		    "read-count-max-clamped", "READ 2^32-1 of a %zu-byte file: %s "
		    "count %u (want rtmax %u)", bigsz, st3(ST(r)),
		    r ? r->READ3res_u.resok.count : 0, rtmax);
		r = read3(&big, rtmax, rtmax);
		check(ST(r) == NFS3_OK && r->READ3res_u.resok.count == bigsz - rtmax &&
		    r->READ3res_u.resok.eof &&
		    memcmp(r->READ3res_u.resok.data.data_val, buf + rtmax,
		    bigsz - rtmax) == 0, "read-big-tail", "READ tail: %s count %u",
		    st3(ST(r)), r ? r->READ3res_u.resok.count : 0);
		arena_reset();
		/* over-size WRITE: count above wtmax */
		if (!o_udp) {
			w = write3(&big, 0, buf, wtmax + 4096 <= bigsz ?
			    wtmax + 4096 : bigsz, UNSTABLE);
			check(ST(w) != NFS3_OK || w->WRITE3res_u.resok.count <= wtmax,
			    "write-over-wtmax", "WRITE of wtmax+4096: %s count %u",
			    st3(ST(w)), w ? w->WRITE3res_u.resok.count : 0);
		}
	}
	free(buf);
	arena_reset();
	/* huge offsets: an error, never a write at a wrapped offset */
	{
		static const uint64_t offs[] = { INT64_MAX, UINT64_MAX - 15,
		    UINT64_MAX - 3, 1ULL << 63 };
		static const char *names[] = { "2^63-1", "2^64-16", "2^64-4",
		    "2^63" };
		char nm[64];

		for (i = 0; i < 4; i++) {
			w = write3(&f, offs[i], "WRAPWRAPWRAPWRAP", 16, FILE_SYNC);
			snprintf(nm, sizeof(nm), "write-offset-%s", names[i]);
			check(ST(w) == NFS3ERR_INVAL || ST(w) == NFS3ERR_FBIG, nm,
			    "WRITE 16 bytes at %s: %s (want INVAL or FBIG)",
			    names[i], st3(ST(w)));
			r = read3(&f, offs[i], 16);
			snprintf(nm, sizeof(nm), "read-offset-%s", names[i]);
			/*
			 * An error, or (as knfsd, which clamps the offset to
			 * OFFSET_MAX) nothing and eof; never data.
			 */
			check(ST(r) == NFS3ERR_INVAL || ST(r) == NFS3ERR_FBIG ||
			    (ST(r) == NFS3_OK && r->READ3res_u.resok.count == 0 &&
			    r->READ3res_u.resok.data.data_len == 0 &&
			    r->READ3res_u.resok.eof),
			    nm, "READ at %s: %s count %u eof %u", names[i],
			    st3(ST(r)), r ? r->READ3res_u.resok.count : 0,
			    r ? r->READ3res_u.resok.eof : 0);
			if (ST(r) == NFS3_OK)
				printf("# note: READ at %s answered OK, count 0, "
				    "eof (knfsd's answer), not INVAL/FBIG\n",
				    names[i]);
		}
		r = read3(&f, 0, (uint32_t)(3 * n));
		check(attrs(&f, &a) && a.size == 3 * n && ST(r) == NFS3_OK &&
		    r->READ3res_u.resok.count == 3 * n &&
		    memcmp(r->READ3res_u.resok.data.data_val, msg, n) == 0,
		    "no-wrapped-write", "after the huge-offset WRITEs: size %llu "
		    "(want %zu), first bytes %s", (unsigned long long)a.size, 3 * n,
		    ST(r) == NFS3_OK ? "read" : st3(ST(r)));
		w = write3(&f, (1ULL << 40), "x", 1, FILE_SYNC);
		check(ST(w) == NFS3_OK || ST(w) == NFS3ERR_FBIG, "write-offset-2^40",
		    "WRITE at 2^40 (sparse): %s", st3(ST(w)));
		cm = commit3(&f, UINT64_MAX - 15, 100);
		check(ST(cm) != NFS3_OK || true, "commit-offset-wrap",
		    "COMMIT at 2^64-16: %s", st3(ST(cm)));
	}
	/* WRITE count larger than the data */
	{
		WRITE3args wa;

		memset(&wa, 0, sizeof(wa));
		wa.file = f;
		wa.count = 100;
		wa.stable = FILE_SYNC;
		wa.data.data_len = 10;
		wa.data.data_val = (char *)msg;
		w = RAW(nfs, WRITE3res, rpc_nfs3_write_async, &wa);
		check(w == NULL || ST(w) == NFS3ERR_INVAL ||
		    (ST(w) == NFS3_OK && w->WRITE3res_u.resok.count <= 10),
		    "write-count-mismatch", "WRITE count 100 with 10 bytes: %s "
		    "count %u", w ? st3(ST(w)) : lasterr,
		    w ? w->WRITE3res_u.resok.count : 0);
	}
	/* directories */
	if (mkdir_fh(&wd, "d", 0755, &dd)) {
		r = read3(&dd, 0, 100);
		check(ST(r) == NFS3ERR_ISDIR || ST(r) == NFS3ERR_INVAL, "read-dir",
		    "READ of a directory: %s", st3(ST(r)));
		w = write3(&dd, 0, msg, n, FILE_SYNC);
		check(ST(w) == NFS3ERR_ISDIR || ST(w) == NFS3ERR_INVAL, "write-dir",
		    "WRITE to a directory: %s", st3(ST(w)));
	}
}

/* ---------------------------------------------------------------- group create */
static void
g_create(void)
{
	nfs_fh3 u, e1, d, r, s;
	CREATE3res *c;
	MKNOD3res *mk;
	LINK3res *lk;
	RENAME3res *rn;
	REMOVE3res *rm;
	RMDIR3res *rd;
	LOOKUP3res *l;
	READLINK3res *rl;
	fattr3 a = { 0 };
	uint64_t id;
	int st;

	c = create3(&wd, "u", UNCHECKED, 0640, NULL);
	check(ST(c) == NFS3_OK && c->CREATE3res_u.resok.obj.handle_follows &&
	    c->CREATE3res_u.resok.obj_attributes.attributes_follow &&
	    (c->CREATE3res_u.resok.obj_attributes.post_op_attr_u.attributes.mode & 07777) == 0640 &&
	    c->CREATE3res_u.resok.obj_attributes.post_op_attr_u.attributes.type == NF3REG &&
	    c->CREATE3res_u.resok.dir_wcc.after.attributes_follow,
	    "create-unchecked", "CREATE UNCHECKED mode 0640: %s", st3(ST(c)));
	if (!made_fh(ST(c), c ? &c->CREATE3res_u.resok.obj : NULL, &wd, "u", &u))
		return;
	(void)write3(&u, 0, "data", 4, FILE_SYNC);
	c = create3(&wd, "u", UNCHECKED, -1, NULL);
	check(ST(c) == NFS3_OK, "create-unchecked-exists",
	    "CREATE UNCHECKED of an existing file: %s", st3(ST(c)));
	check(attrs(&u, &a) && a.size == 4, "create-unchecked-keeps-data",
	    "UNCHECKED without size truncated the file: size %llu",
	    (unsigned long long)a.size);
	c = create3(&wd, "u", GUARDED, 0644, NULL);
	check(ST(c) == NFS3ERR_EXIST, "create-guarded-exists",
	    "CREATE GUARDED of an existing file: %s", st3(ST(c)));
	c = create3(&wd, "g", GUARDED, 0600, NULL);
	check(ST(c) == NFS3_OK, "create-guarded", "CREATE GUARDED: %s",
	    st3(ST(c)));
	/* EXCLUSIVE: replay with the same verifier, then another one */
	c = create3(&wd, "e", EXCLUSIVE, 0, "verf0001");
	st = ST(c);
	check(st == NFS3_OK, "create-exclusive", "CREATE EXCLUSIVE: %s", st3(st));
	if (made_fh(st, c ? &c->CREATE3res_u.resok.obj : NULL, &wd, "e", &e1)) {
		nfs_fh3 e2;

		c = create3(&wd, "e", EXCLUSIVE, 0, "verf0001");
		st = ST(c);
		check(st == NFS3_OK && made_fh(st, &c->CREATE3res_u.resok.obj, &wd,
		    "e", &e2) && fh_eq(&e1, &e2), "create-exclusive-replay",
		    "EXCLUSIVE replay with the same verifier: %s%s", st3(st),
		    st == NFS3_OK ? " but another handle" : "");
		c = create3(&wd, "e", EXCLUSIVE, 0, "verf0002");
		check(ST(c) == NFS3ERR_EXIST, "create-exclusive-other-verf",
		    "EXCLUSIVE with another verifier: %s", st3(ST(c)));
		c = create3(&wd, "u", EXCLUSIVE, 0, "verf0001");
		check(ST(c) == NFS3ERR_EXIST, "create-exclusive-existing",
		    "EXCLUSIVE over a file created UNCHECKED: %s", st3(ST(c)));
		{
			SETATTR3res *sr = setattr3(&e1, sa_mode(0604), NULL);
			check(ST(sr) == NFS3_OK && attrs(&e1, &a) &&
			    (a.mode & 07777) == 0604, "create-exclusive-setattr",
			    "SETATTR after EXCLUSIVE: %s mode %o", st3(ST(sr)),
			    a.mode);
		}
	}
	c = create3(&wd, ".", UNCHECKED, 0644, NULL);
	check(ST(c) != NFS3_OK, "create-dot", "CREATE \".\": %s", st3(ST(c)));
	c = create3(&wd, "..", GUARDED, 0644, NULL);
	check(ST(c) != NFS3_OK, "create-dotdot", "CREATE \"..\": %s", st3(ST(c)));
	c = create3(&wd, "", UNCHECKED, 0644, NULL);
	check(ST(c) != NFS3_OK, "create-empty", "CREATE \"\": %s", st3(ST(c)));
	/* MKDIR */
	{
		MKDIR3res *m = mkdir3(&wd, "d", 0750);
		st = ST(m);
		check(st == NFS3_OK && m->MKDIR3res_u.resok.obj_attributes.attributes_follow &&
		    m->MKDIR3res_u.resok.obj_attributes.post_op_attr_u.attributes.type == NF3DIR &&
		    (m->MKDIR3res_u.resok.obj_attributes.post_op_attr_u.attributes.mode & 07777) == 0750,
		    "mkdir", "MKDIR mode 0750: %s", st3(st));
		if (!made_fh(st, m ? &m->MKDIR3res_u.resok.obj : NULL, &wd, "d", &d))
			return;
		m = mkdir3(&wd, "d", 0750);
		check(ST(m) == NFS3ERR_EXIST, "mkdir-exists", "MKDIR again: %s",
		    st3(ST(m)));
		m = mkdir3(&wd, "..", 0750);
		check(ST(m) != NFS3_OK, "mkdir-dotdot", "MKDIR \"..\": %s",
		    st3(ST(m)));
	}
	/* SYMLINK */
	{
		SYMLINK3res *sy = symlink3(&wd, "s", "target/x");
		st = ST(sy);
		check(st == NFS3_OK && made_fh(st, &sy->SYMLINK3res_u.resok.obj, &wd,
		    "s", &s), "symlink", "SYMLINK: %s", st3(st));
		if (st == NFS3_OK) {
			rl = readlink3(&s);
			check(ST(rl) == NFS3_OK &&
			    strcmp(rl->READLINK3res_u.resok.data, "target/x") == 0 &&
			    rl->READLINK3res_u.resok.symlink_attributes.attributes_follow &&
			    rl->READLINK3res_u.resok.symlink_attributes.post_op_attr_u.attributes.type == NF3LNK,
			    "readlink", "READLINK: %s", st3(ST(rl)));
		}
		sy = symlink3(&wd, "s", "other");
		check(ST(sy) == NFS3ERR_EXIST, "symlink-exists", "SYMLINK over an "
		    "existing name: %s", st3(ST(sy)));
	}
	/* MKNOD */
	mk = mknod3(&wd, "p", NF3FIFO, 0, 0);
	check(ST(mk) == NFS3_OK && ST(lookup3(&wd, "p")) == NFS3_OK &&
	    la.type == NF3FIFO, "mknod-fifo", "MKNOD fifo: %s type %d",
	    st3(ST(mk)), la.type);
	mk = mknod3(&wd, "sk", NF3SOCK, 0, 0);
	check(ST(mk) == NFS3_OK && ST(lookup3(&wd, "sk")) == NFS3_OK &&
	    la.type == NF3SOCK, "mknod-socket", "MKNOD socket: %s type %d",
	    st3(ST(mk)), la.type);
	if (o_uid == 0) {
		mk = mknod3(&wd, "chr", NF3CHR, 1, 3);
		check(ST(mk) == NFS3_OK && ST(lookup3(&wd, "chr")) == NFS3_OK &&
		    la.type == NF3CHR && la.rdev.specdata1 == 1 &&
		    la.rdev.specdata2 == 3, "mknod-chr", "MKNOD chr 1,3 as root: "
		    "%s type %d rdev %u,%u", st3(ST(mk)), la.type,
		    la.rdev.specdata1, la.rdev.specdata2);
		as_user(1000, 1000);
		mk = mknod3(&wd, "chr2", NF3CHR, 1, 3);
		check(ST(mk) == NFS3ERR_PERM || ST(mk) == NFS3ERR_ACCES,
		    "mknod-chr-user", "MKNOD chr as uid 1000: %s", st3(ST(mk)));
		as_default();
	}
	{
		static const char *sp[] = { "p", "sk", "chr" };
		size_t i;
		char nm[64];

		for (i = 0; i < 3; i++) {
			nfs_fh3 h;
			READ3res *rr;
			WRITE3res *ww;
			LOOKUP3res *ll = lookup3(&wd, sp[i]);

			if (ST(ll) != NFS3_OK)
				continue;
			h = fh_dup(&ll->LOOKUP3res_u.resok.object);
			rr = read3(&h, 0, 100);
			snprintf(nm, sizeof(nm), "read-special-%s", sp[i]);
			check(rr != NULL && ST(rr) != NFS3_OK, nm, "READ of special "
			    "file %s: %s", sp[i], rr ? st3(ST(rr)) : lasterr);
			ww = write3(&h, 0, "x", 1, FILE_SYNC);
			snprintf(nm, sizeof(nm), "write-special-%s", sp[i]);
			check(ww != NULL && ST(ww) != NFS3_OK, nm, "WRITE to special "
			    "file %s: %s", sp[i], ww ? st3(ST(ww)) : lasterr);
			fh_release(&h);
		}
		check(ST(getattr3(&wd)) == NFS3_OK, "alive-after-special",
		    "the server stopped answering after READ/WRITE of special "
		    "files: %s", lasterr);
	}
	{
		static const char *bad[] = { "a/b", "/", "x/" };
		size_t i;
		int errs = 0;
		char why[256] = "";

		for (i = 0; i < 3; i++) {
			int s1 = ST(mkdir3(&wd, bad[i], 0755));
			int s2 = ST(symlink3(&wd, bad[i], "t"));
			int s3 = ST(mknod3(&wd, bad[i], NF3FIFO, 0, 0));
			int s4 = ST(link3(&u, &wd, bad[i]));
			int s5 = ST(create3(&wd, bad[i], GUARDED, 0644, NULL));

			if (s1 == NFS3_OK || s2 == NFS3_OK || s3 == NFS3_OK ||
			    s4 == NFS3_OK || s5 == NFS3_OK) {
				errs++;
				snprintf(why + strlen(why), sizeof(why) - strlen(why),
				    " \"%s\": %s %s %s %s %s;", bad[i], st3(s1),
				    st3(s2), st3(s3), st3(s4), st3(s5));
			}
		}
		check(errs == 0, "names-with-slash", "MKDIR/SYMLINK/MKNOD/LINK/"
		    "CREATE accepted a name with '/':%s", why);
	}
	mk = mknod3(&wd, "reg", NF3REG, 0, 0);
	check(ST(mk) == NFS3ERR_BADTYPE, "mknod-reg", "MKNOD NF3REG: %s",
	    st3(ST(mk)));
	mk = mknod3(&wd, "dir", NF3DIR, 0, 0);
	check(ST(mk) == NFS3ERR_BADTYPE, "mknod-dir", "MKNOD NF3DIR: %s",
	    st3(ST(mk)));
	/* LINK */
	lk = link3(&u, &wd, "u2");
	check(ST(lk) == NFS3_OK && lk->LINK3res_u.resok.file_attributes.attributes_follow &&
	    lk->LINK3res_u.resok.file_attributes.post_op_attr_u.attributes.nlink == 2 &&
	    attrs(&u, &a) && a.nlink == 2, "link", "LINK: %s nlink %u",
	    st3(ST(lk)), a.nlink);
	lk = link3(&u, &wd, "u2");
	check(ST(lk) == NFS3ERR_EXIST, "link-exists", "LINK onto an existing "
	    "name: %s", st3(ST(lk)));
	lk = link3(&d, &wd, "dlink");
	check(ST(lk) != NFS3_OK, "link-dir", "LINK of a directory: %s",
	    st3(ST(lk)));
	/* RENAME across directories; the handle stays valid */
	if (mkfile(&wd, "r", 0644, &r)) {
		id = fileid_of(&r);
		rn = rename3(&wd, "r", &d, "r3");
		check(ST(rn) == NFS3_OK &&
		    rn->RENAME3res_u.resok.fromdir_wcc.after.attributes_follow &&
		    rn->RENAME3res_u.resok.todir_wcc.after.attributes_follow,
		    "rename-across", "RENAME r -> d/r3: %s", st3(ST(rn)));
		check(fileid_of(&r) == id && id != 0, "rename-handle-valid",
		    "GETATTR of the renamed file's handle: %s", lasterr);
		l = lookup3(&d, "r3");
		check(ST(l) == NFS3_OK && la.fileid == id, "rename-lookup-new",
		    "LOOKUP d/r3: %s", st3(ST(l)));
		l = lookup3(&wd, "r");
		check(ST(l) == NFS3ERR_NOENT, "rename-lookup-old", "LOOKUP r: %s",
		    st3(ST(l)));
		rn = rename3(&wd, "absent", &wd, "x");
		check(ST(rn) == NFS3ERR_NOENT, "rename-noent", "RENAME of an "
		    "absent name: %s", st3(ST(rn)));
		rn = rename3(&wd, "d", &d, "sub");
		check(ST(rn) == NFS3ERR_INVAL, "rename-into-itself",
		    "RENAME d -> d/sub: %s", st3(ST(rn)));
		(void)mkdir3(&wd, "full", 0755);
		l = lookup3(&wd, "full");
		if (ST(l) == NFS3_OK) {
			nfs_fh3 fu = fh_dup(&l->LOOKUP3res_u.resok.object);
			nfs_fh3 x;
			(void)mkfile(&fu, "x", 0644, &x);
			rn = rename3(&wd, "d", &wd, "full");
			check(ST(rn) == NFS3ERR_NOTEMPTY || ST(rn) == NFS3ERR_EXIST,
			    "rename-onto-nonempty", "RENAME onto a non-empty "
			    "directory: %s", st3(ST(rn)));
			rd = rmdir3(&wd, "full");
			check(ST(rd) == NFS3ERR_NOTEMPTY, "rmdir-nonempty",
			    "RMDIR of a non-empty directory: %s", st3(ST(rd)));
		}
		rn = rename3(&wd, "u2", &wd, "d");
		check(ST(rn) == NFS3ERR_ISDIR || ST(rn) == NFS3ERR_EXIST,
		    "rename-file-onto-dir", "RENAME a file onto a directory: %s",
		    st3(ST(rn)));
		rn = rename3(&wd, "d", &wd, "u2");
		check(ST(rn) == NFS3ERR_NOTDIR || ST(rn) == NFS3ERR_EXIST,
		    "rename-dir-onto-file", "RENAME a directory onto a file: %s",
		    st3(ST(rn)));
		c = create3(&wd, "d", EXCLUSIVE, 0, "verf0001");
		check(ST(c) == NFS3ERR_EXIST, "create-exclusive-dir",
		    "EXCLUSIVE over a directory: %s", st3(ST(c)));
		c = create3(&wd, "s", UNCHECKED, 0644, NULL);
		check(ST(c) != NFS3_OK || (ST(lookup3(&wd, "s")) == NFS3_OK &&
		    la.type == NF3LNK), "create-unchecked-symlink",
		    "UNCHECKED CREATE over a symlink followed it (%s)", st3(ST(c)));
		rn = rename3(&wd, ".", &wd, "dot");
		check(ST(rn) != NFS3_OK, "rename-dot", "RENAME \".\": %s",
		    st3(ST(rn)));
		rn = rename3(&wd, "u2", &wd, "a/b");
		check(ST(rn) != NFS3_OK, "rename-slash", "RENAME to \"a/b\": %s",
		    st3(ST(rn)));
	}
	/* REMOVE, RMDIR */
	rm = remove3(&wd, "u2");
	check(ST(rm) == NFS3_OK && rm->REMOVE3res_u.resok.dir_wcc.after.attributes_follow &&
	    attrs(&u, &a) && a.nlink == 1, "remove", "REMOVE: %s nlink %u",
	    st3(ST(rm)), a.nlink);
	rm = remove3(&wd, "u2");
	check(ST(rm) == NFS3ERR_NOENT, "remove-noent", "REMOVE again: %s",
	    st3(ST(rm)));
	rm = remove3(&wd, "d");
	check(ST(rm) != NFS3_OK && ST(lookup3(&wd, "d")) == NFS3_OK,
	    "remove-dir", "REMOVE of a directory: %s", st3(ST(rm)));
	rd = rmdir3(&wd, "u");
	check(ST(rd) == NFS3ERR_NOTDIR, "rmdir-file", "RMDIR of a file: %s",
	    st3(ST(rd)));
	rd = rmdir3(&wd, ".");
	check(ST(rd) != NFS3_OK, "rmdir-dot", "RMDIR \".\": %s", st3(ST(rd)));
	(void)remove3(&d, "r3");
	rd = rmdir3(&wd, "d");
	check(ST(rd) == NFS3_OK && ST(lookup3(&wd, "d")) == NFS3ERR_NOENT,
	    "rmdir", "RMDIR: %s", st3(ST(rd)));
	{
		GETATTR3res *g = getattr3(&d);
		check(ST(g) == NFS3ERR_STALE, "rmdir-handle-stale",
		    "GETATTR of a removed directory's handle: %s", st3(ST(g)));
	}
	rm = remove3(&wd, "u");
	{
		GETATTR3res *g = getattr3(&u);
		check(ST(rm) == NFS3_OK && ST(g) == NFS3ERR_STALE,
		    "remove-handle-stale", "GETATTR of a removed file's handle: %s",
		    st3(ST(g)));
	}
}

/* ---------------------------------------------------------------- group readdir */
#define NFILES	300

static size_t
dirbytes(const char *name)
{
	return 8 + 4 + ((strlen(name) + 3) & ~3U) + 8;
}

LIBNFS_LISTS static void
g_readdir(void)
{
	nfs_fh3 d, f;
	READDIR3res *r;
	READDIRPLUS3res *p;
	entry3 *e;
	entryplus3 *ep;
	char name[32], verf[NFS3_COOKIEVERFSIZE], *seen;
	uint64_t cookie, c10 = 0;
	char n11[64] = "";
	int i, k, calls_, dup = 0, total, bad = 0, over = 0;
	bool eof;

	if (!mkdir_fh(&wd, "rd", 0755, &d))
		return;
	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "f%04d", i);
		if (!mkfile(&d, name, 0644, &f)) {
			check(false, "populate", "CREATE %s: %s", name, lasterr);
			return;
		}
		fh_release(&f);
		if (i % 50 == 0)
			arena_reset();
	}
	arena_reset();
	/* READDIR in small pages */
	seen = calloc(NFILES, 1);
	cookie = 0;
	memset(verf, 0, sizeof(verf));
	eof = false;
	total = 0;
	for (calls_ = 0; !eof && calls_ < 1000; calls_++) {
		r = readdir3(&d, cookie, verf, 1024);
		if (ST(r) != NFS3_OK) {
			check(false, "readdir-pages", "READDIR cookie %llu: %s",
			    (unsigned long long)cookie, r ? st3(ST(r)) : lasterr);
			break;
		}
		if (last_xdrlen > 1024)
			over++;
		memcpy(verf, r->READDIR3res_u.resok.cookieverf, sizeof(verf));
		for (e = r->READDIR3res_u.resok.reply.entries; e; e = e->nextentry) {
			if (sscanf(e->name, "f%d", &k) == 1 && k >= 0 && k < NFILES) {
				if (seen[k]++)
					dup++;
			} else if (strcmp(e->name, ".") && strcmp(e->name, ".."))
				bad++;
			total++;
			if (total == 10)
				c10 = e->cookie;
			if (total == 11)
				snprintf(n11, sizeof(n11), "%s", e->name);
			cookie = e->cookie;
		}
		eof = r->READDIR3res_u.resok.reply.eof;
		if (r->READDIR3res_u.resok.reply.entries == NULL && !eof) {
			check(false, "readdir-progress", "an empty page without eof");
			break;
		}
		arena_reset();
	}
	for (i = 0, k = 0; i < NFILES; i++)
		k += seen[i] == 0;
	check(eof && k == 0 && dup == 0 && bad == 0, "readdir-pages",
	    "READDIR count 1024: eof %d, %d missing, %d duplicates, %d unknown, "
	    "%d calls", eof, k, dup, bad, calls_);
	check(over == 0, "readdir-count", "%d replies larger than count 1024",
	    over);
	/* resume from the 10th entry's cookie */
	r = readdir3(&d, c10, verf, 1024);
	check(ST(r) == NFS3_OK && r->READDIR3res_u.resok.reply.entries != NULL &&
	    strcmp(r->READDIR3res_u.resok.reply.entries->name, n11) == 0,
	    "readdir-resume", "READDIR from the 10th cookie: %s, first \"%s\", "
	    "want \"%s\"", st3(ST(r)), ST(r) == NFS3_OK &&
	    r->READDIR3res_u.resok.reply.entries ?
	    r->READDIR3res_u.resok.reply.entries->name : "", n11);
	/* resume after removing entries already listed: nothing lost or twice */
	{
		int first = 0, again = 0, lost = 0, rst = -1;

		memset(seen, 0, NFILES);
		r = readdir3(&d, 0, NULL, 2048);
		cookie = 0;
		for (e = ST(r) == NFS3_OK ? r->READDIR3res_u.resok.reply.entries :
		    NULL; e; e = e->nextentry) {
			if (sscanf(e->name, "f%d", &k) == 1 && k >= 0 && k < NFILES)
				seen[k] = 1;
			cookie = e->cookie;
			first++;
		}
		if (ST(r) == NFS3_OK)
			memcpy(verf, r->READDIR3res_u.resok.cookieverf, sizeof(verf));
		for (i = 0; i < NFILES; i++)
			if (seen[i] && i % 2 == 0) {
				snprintf(name, sizeof(name), "f%04d", i);
				(void)remove3(&d, name);
				seen[i] = 2;	/* removed */
			}
		arena_reset();
		for (eof = false, calls_ = 0; !eof && calls_ < 1000; calls_++) {
			r = readdir3(&d, cookie, verf, 2048);
			if ((rst = ST(r)) != NFS3_OK)
				break;
			for (e = r->READDIR3res_u.resok.reply.entries; e;
			    e = e->nextentry) {
				if (sscanf(e->name, "f%d", &k) == 1 && k >= 0 &&
				    k < NFILES) {
					if (seen[k])
						again++;
					seen[k] = 3;
				}
				cookie = e->cookie;
			}
			eof = r->READDIR3res_u.resok.reply.eof;
			arena_reset();
		}
		for (i = 0; i < NFILES; i++)
			lost += seen[i] == 0;
		check(first > 0 && eof && again == 0 && lost == 0,
		    "readdir-resume-after-remove", "after removing listed entries: "
		    "%d listed twice, %d never listed, eof %d (%s)", again, lost,
		    eof, st3(rst));
		/* put them back for what follows */
		for (i = 0; i < NFILES; i += 2) {
			snprintf(name, sizeof(name), "f%04d", i);
			if (mkfile(&d, name, 0644, &f))
				fh_release(&f);
			if (i % 50 == 0)
				arena_reset();
		}
		arena_reset();
		memset(verf, 0, sizeof(verf));
		r = readdir3(&d, 0, NULL, 4096);
		if (ST(r) == NFS3_OK)
			memcpy(verf, r->READDIR3res_u.resok.cookieverf, sizeof(verf));
	}
	/* ".." at the export root is the root, in READDIR too */
	r = readdir3(&root, 0, NULL, 65536);
	{
		uint64_t rid = fileid_of(&root), dd = 0;
		for (e = ST(r) == NFS3_OK ? r->READDIR3res_u.resok.reply.entries :
		    NULL; e; e = e->nextentry)
			if (strcmp(e->name, "..") == 0)
				dd = e->fileid;
		check(ST(r) == NFS3_OK && (dd == 0 || dd == rid),
		    "readdir-root-dotdot", "READDIR: \"..\" of the export root "
		    "has fileid %llu, root %llu", (unsigned long long)dd,
		    (unsigned long long)rid);
	}
	/* one big reply */
	r = readdir3(&d, 0, NULL, UINT32_MAX);
	for (i = 0, e = ST(r) == NFS3_OK ? r->READDIR3res_u.resok.reply.entries :
	    NULL; e; e = e->nextentry)
		i++;
	check(ST(r) == NFS3_OK && r->READDIR3res_u.resok.reply.eof &&
	    i == NFILES + 2, "readdir-count-max", "READDIR count 2^32-1: %s, "
	    "%d entries, eof %d", st3(ST(r)), i,
	    r ? r->READDIR3res_u.resok.reply.eof : 0);
	r = readdir3(&d, 0, NULL, 0);
	check(ST(r) == NFS3ERR_TOOSMALL, "readdir-count-0", "READDIR count 0: %s",
	    st3(ST(r)));
	r = readdir3(&d, 0, NULL, 100);
	check(ST(r) == NFS3ERR_TOOSMALL, "readdir-count-100",
	    "READDIR count 100 (less than one entry): %s", st3(ST(r)));
	/* garbage cookies and verifiers */
	r = readdir3(&d, 0xdeadbeefdeadbeefULL, verf, 4096);
	check(ST(r) == NFS3ERR_BAD_COOKIE || (ST(r) == NFS3_OK &&
	    last_xdrlen <= 4096), "readdir-garbage-cookie",
	    "READDIR cookie 0xdeadbeefdeadbeef: %s (%zu bytes)", st3(ST(r)),
	    last_xdrlen);
	r = readdir3(&d, UINT64_MAX, verf, 4096);
	check(ST(r) == NFS3ERR_BAD_COOKIE || (ST(r) == NFS3_OK &&
	    last_xdrlen <= 4096), "readdir-cookie-max",
	    "READDIR cookie 2^64-1: %s", st3(ST(r)));
	r = readdir3(&d, c10, "garbage!", 4096);
	check(ST(r) == NFS3ERR_BAD_COOKIE || (ST(r) == NFS3_OK &&
	    last_xdrlen <= 4096), "readdir-garbage-verf",
	    "READDIR with a garbage verifier: %s", st3(ST(r)));
	r = readdir3(&d, 0, "garbage!", 4096);
	check(ST(r) == NFS3_OK || ST(r) == NFS3ERR_BAD_COOKIE,
	    "readdir-cookie0-garbage-verf",
	    "READDIR cookie 0 with a garbage verifier: %s", st3(ST(r)));
	r = readdir3(&wd, 0, NULL, 4096);
	{
		int has_rd = 0;
		for (e = ST(r) == NFS3_OK ? r->READDIR3res_u.resok.reply.entries :
		    NULL; e; e = e->nextentry)
			has_rd |= strcmp(e->name, "rd") == 0;
		check(has_rd, "readdir-small-dir", "READDIR of the group dir: %s",
		    st3(ST(r)));
	}
	if (mkfile(&wd, "file", 0644, &f)) {
		r = readdir3(&f, 0, NULL, 4096);
		check(ST(r) == NFS3ERR_NOTDIR, "readdir-file",
		    "READDIR of a file: %s", st3(ST(r)));
	}
	arena_reset();
	/* READDIRPLUS in pages: dircount/maxcount, handles, attributes */
	memset(seen, 0, NFILES);
	memset(verf, 0, sizeof(verf));
	cookie = 0;
	eof = false;
	dup = bad = over = 0;
	{
		int overd = 0, nohandle = 0, wrongid = 0, checked = 0;

		for (calls_ = 0; !eof && calls_ < 1000; calls_++) {
			size_t dsum = 0;
			int ne = 0;

			p = readdirplus3(&d, cookie, verf, 512, 8192);
			if (ST(p) != NFS3_OK) {
				check(false, "readdirplus-pages", "cookie %llu: %s",
				    (unsigned long long)cookie,
				    p ? st3(ST(p)) : lasterr);
				break;
			}
			if (last_xdrlen > 8192)
				over++;
			memcpy(verf, p->READDIRPLUS3res_u.resok.cookieverf,
			    sizeof(verf));
			for (ep = p->READDIRPLUS3res_u.resok.reply.entries; ep;
			    ep = ep->nextentry) {
				ne++;
				if (ne > 1)
					dsum += dirbytes(ep->name);
				if (sscanf(ep->name, "f%d", &k) == 1 && k >= 0 &&
				    k < NFILES) {
					if (seen[k]++)
						dup++;
					if (!ep->name_handle.handle_follows ||
					    !ep->name_attributes.attributes_follow)
						nohandle++;
					else if (ep->name_attributes.post_op_attr_u.attributes.fileid != ep->fileid)
						wrongid++;
					else if (k % 60 == 0) {
						nfs_fh3 h = ep->name_handle.post_op_fh3_u.handle;
						if (fileid_of(&h) != ep->fileid)
							wrongid++;
						checked++;
					}
				} else if (strcmp(ep->name, ".") &&
				    strcmp(ep->name, ".."))
					bad++;
				cookie = ep->cookie;
			}
			if (dsum + (ne > 0 ? dirbytes("f0000") : 0) > 512 + 64)
				overd++;
			eof = p->READDIRPLUS3res_u.resok.reply.eof;
			if (ne == 0 && !eof)
				break;
			arena_reset();
		}
		for (i = 0, k = 0; i < NFILES; i++)
			k += seen[i] == 0;
		check(eof && k == 0 && dup == 0 && bad == 0, "readdirplus-pages",
		    "READDIRPLUS 512/8192: eof %d, %d missing, %d duplicates, "
		    "%d unknown, %d calls", eof, k, dup, bad, calls_);
		check(over == 0, "readdirplus-maxcount",
		    "%d replies larger than maxcount 8192", over);
		check(overd == 0, "readdirplus-dircount",
		    "%d replies with more than dircount 512 of directory data",
		    overd);
		check(nohandle == 0 && wrongid == 0 && checked > 0,
		    "readdirplus-handles", "%d entries without handle/attributes, "
		    "%d with a wrong fileid (%d handles checked)", nohandle,
		    wrongid, checked);
	}
	p = readdirplus3(&d, 0, NULL, 4096, 0);
	check(ST(p) == NFS3ERR_TOOSMALL, "readdirplus-maxcount-0",
	    "READDIRPLUS maxcount 0: %s", st3(ST(p)));
	p = readdirplus3(&d, 0, NULL, UINT32_MAX, UINT32_MAX);
	for (i = 0, ep = ST(p) == NFS3_OK ? p->READDIRPLUS3res_u.resok.reply.entries :
	    NULL; ep; ep = ep->nextentry)
		i++;
	check(ST(p) == NFS3_OK && i > 0 && (i == NFILES + 2 ||
	    !p->READDIRPLUS3res_u.resok.reply.eof), "readdirplus-count-max",
	    "READDIRPLUS 2^32-1/2^32-1: %s, %d entries", st3(ST(p)), i);
	p = readdirplus3(&d, 0xdeadbeefdeadbeefULL, verf, 4096, 8192);
	check(ST(p) == NFS3ERR_BAD_COOKIE || (ST(p) == NFS3_OK &&
	    last_xdrlen <= 8192), "readdirplus-garbage-cookie",
	    "READDIRPLUS garbage cookie: %s", st3(ST(p)));
	p = readdirplus3(&d, 12345, "garbage!", 4096, 8192);
	check(ST(p) == NFS3ERR_BAD_COOKIE || (ST(p) == NFS3_OK &&
	    last_xdrlen <= 8192), "readdirplus-garbage-verf",
	    "READDIRPLUS garbage cookie and verifier: %s", st3(ST(p)));
	/* ".." at the export root lists the root itself */
	p = readdirplus3(&root, 0, NULL, 65536, 65536);
	{
		uint64_t rid = fileid_of(&root), dd = 0;
		for (ep = ST(p) == NFS3_OK ? p->READDIRPLUS3res_u.resok.reply.entries :
		    NULL; ep; ep = ep->nextentry)
			if (strcmp(ep->name, "..") == 0) {
				dd = ep->name_attributes.attributes_follow ?
				    ep->name_attributes.post_op_attr_u.attributes.fileid :
				    ep->fileid;
				if (ep->name_handle.handle_follows &&
				    !fh_eq(&ep->name_handle.post_op_fh3_u.handle, &root))
					dd = 1;	/* another handle: report */
				if (ep->fileid != rid)
					dd = 2;
			}
		check(ST(p) == NFS3_OK && (dd == 0 || dd == rid),
		    "readdirplus-root-dotdot", "\"..\" of the export root has "
		    "fileid %llu, root %llu", (unsigned long long)dd,
		    (unsigned long long)rid);
	}
	free(seen);
}

/* ---------------------------------------------------------------- group drc */
static void
g_drc(void)
{
	nfs_fh3 f;
	REMOVE3res *rm;
	uint32_t xid = (uint32_t)time(NULL) * 2654435761U ^ (uint32_t)getpid() << 8;
	CREATE3res *c;
	MKDIR3res *m;
	RENAME3res *rn;

	if (!mkfile(&wd, "x", 0644, &f))
		return;
	rpc_set_next_xid(nfs.rpc, xid);
	rm = remove3(&wd, "x");
	check(ST(rm) == NFS3_OK, "remove-first", "REMOVE x: %s", st3(ST(rm)));
	rpc_set_next_xid(nfs.rpc, xid);
	rm = remove3(&wd, "x");
	check(ST(rm) == NFS3_OK, "remove-retransmit",
	    "REMOVE retransmitted with the same xid %#x: %s (want the cached OK)",
	    xid, st3(ST(rm)));
	rpc_set_next_xid(nfs.rpc, xid + 100);
	rm = remove3(&wd, "x");
	check(ST(rm) == NFS3ERR_NOENT, "remove-new-xid",
	    "REMOVE with a new xid: %s (want NOENT)", st3(ST(rm)));
	/* GUARDED CREATE, MKDIR and RENAME retransmitted */
	rpc_set_next_xid(nfs.rpc, xid + 200);
	c = create3(&wd, "g", GUARDED, 0644, NULL);
	rpc_set_next_xid(nfs.rpc, xid + 200);
	c = create3(&wd, "g", GUARDED, 0644, NULL);
	check(ST(c) == NFS3_OK, "create-guarded-retransmit",
	    "CREATE GUARDED retransmitted: %s (want the cached OK)", st3(ST(c)));
	rpc_set_next_xid(nfs.rpc, xid + 300);
	m = mkdir3(&wd, "m", 0755);
	rpc_set_next_xid(nfs.rpc, xid + 300);
	m = mkdir3(&wd, "m", 0755);
	check(ST(m) == NFS3_OK, "mkdir-retransmit",
	    "MKDIR retransmitted: %s (want the cached OK)", st3(ST(m)));
	rpc_set_next_xid(nfs.rpc, xid + 400);
	rn = rename3(&wd, "g", &wd, "g2");
	rpc_set_next_xid(nfs.rpc, xid + 400);
	rn = rename3(&wd, "g", &wd, "g2");
	check(ST(rn) == NFS3_OK, "rename-retransmit",
	    "RENAME retransmitted: %s (want the cached OK)", st3(ST(rn)));
	/* a different procedure with a reused xid is not a retransmission */
	rpc_set_next_xid(nfs.rpc, xid + 400);
	rm = remove3(&wd, "g2");
	check(ST(rm) == NFS3_OK && ST(lookup3(&wd, "g2")) == NFS3ERR_NOENT,
	    "xid-reuse-other-proc", "REMOVE with RENAME's xid: %s", st3(ST(rm)));
	rpc_set_next_xid(nfs.rpc, xid + 1000);
}

/* ---------------------------------------------------------------- group concurrency */
#define NCONC	96

/*
 * Many requests in flight at once on one connection, with different
 * credentials interleaved: each runs as its own caller (per-thread
 * identity: fsuid/fsgid/groups), and WRITEs at many offsets all land.
 */
static void
g_concurrency(void)
{
	struct call *c[NCONC];
	CREATE3args ca[NCONC];
	LOOKUP3res *l;
	char names[NCONC][16];
	nfs_fh3 gd, f;
	fattr3 a = { 0 };
	int i, wrong = 0, failed = 0, denied_ok = 0, allowed_ok = 0;
	char why[256] = "";
	uint32_t grp[1] = { 5000 };

	/* a directory only group 5000 may write to */
	if (!mkdir_fh(&wd, "g5000", 0770, &gd))
		return;
	{
		sattr3 sa;
		memset(&sa, 0, sizeof(sa));
		sa.gid.set_it = 1;
		sa.gid.set_gid3_u.gid = 5000;
		sa.mode.set_it = 1;
		sa.mode.set_mode3_u.mode = 0770;
		if (ST(setattr3(&gd, sa, NULL)) != NFS3_OK) {
			check(false, "setup", "SETATTR gid 5000: %s", lasterr);
			return;
		}
	}
	for (i = 0; i < NCONC; i++) {
		/* even: 3000+i%3 in group 5000 (allowed); odd: no group */
		if (i % 2 == 0)
			set_cred(&nfs, 3000 + (uint32_t)(i % 3), 3000, 1, grp);
		else
			set_cred(&nfs, 4000 + (uint32_t)(i % 5), 4000, 0, NULL);
		snprintf(names[i], sizeof(names[i]), "c%03d", i);
		memset(&ca[i], 0, sizeof(ca[i]));
		ca[i].where.dir = i % 2 == 0 || i % 4 == 1 ? gd : wd;
		ca[i].where.name = names[i];
		ca[i].how.mode = UNCHECKED;
		ca[i].how.createhow3_u.obj_attributes = sa_mode(0640);
		c[i] = call_new((zdrproc_t)zdr_CREATE3res, sizeof(CREATE3res));
		if (rpc_nfs3_create_async(nfs.rpc, call_cb, &ca[i], c[i]) != 0) {
			check(false, "send", "cannot queue CREATE %d", i);
			return;
		}
	}
	as_default();
	for (i = 0; i < NCONC; i++) {
		CREATE3res *r = call_wait(&nfs, c[i], 0);
		bool in_gd = i % 2 == 0 || i % 4 == 1;
		int st = ST(r);

		if (r == NULL) {
			failed++;
			continue;
		}
		if (i % 2 == 0 && st == NFS3_OK)
			allowed_ok++;
		else if (i % 4 == 1 && st == NFS3ERR_ACCES)
			denied_ok++;
		else if (i % 4 == 3 && st == NFS3_OK)
			allowed_ok++;
		else if (strlen(why) < 200)
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
			    " c%03d(%s): %s;", i, in_gd ? "g5000" : "wd", st3(st));
	}
	check(failed == 0 && allowed_ok == NCONC / 2 + NCONC / 4 &&
	    denied_ok == NCONC / 4, "mixed-credentials",
	    "%d CREATEs in flight with interleaved credentials: %d without "
	    "reply, %d/%d allowed, %d/%d denied as expected:%s", NCONC, failed,
	    allowed_ok, NCONC / 2 + NCONC / 4, denied_ok, NCONC / 4, why);
	arena_reset();
	for (i = 0; i < NCONC; i++) {
		uint32_t want = i % 2 == 0 ? 3000 + (uint32_t)(i % 3) :
		    4000 + (uint32_t)(i % 5);
		if (i % 4 == 1)
			continue;
		l = lookup3(i % 2 == 0 ? &gd : &wd, names[i]);
		if (ST(l) != NFS3_OK || la.uid != want ||
		    la.gid != (i % 2 == 0 ? 3000U : 4000U))
			wrong++;
	}
	check(wrong == 0, "mixed-credentials-owners", "%d files with the wrong "
	    "owner (another request's identity)", wrong);
	arena_reset();
	/* WRITEs at many offsets in flight, then read back */
	if (mkfile(&wd, "pipe", 0644, &f)) {
		static char blk[NCONC][4096];
		WRITE3args wa[NCONC];
		READ3res *r;
		int bad = 0;

		/*
		 * UDP: a window of 8, since a datagram the socket buffers drop
		 * is the client's to resend, and libnfs does not.
		 */
		int win = o_udp ? o_udpwin : NCONC, j;

		for (i = 0; i < NCONC; i++) {
			memset(blk[i], 'A' + i % 26, sizeof(blk[i]));
			memset(&wa[i], 0, sizeof(wa[i]));
			wa[i].file = f;
			wa[i].offset = (uint64_t)(NCONC - 1 - i) * sizeof(blk[i]);
			wa[i].count = sizeof(blk[i]);
			wa[i].stable = i % 3 == 0 ? FILE_SYNC : UNSTABLE;
			wa[i].data.data_len = sizeof(blk[i]);
			wa[i].data.data_val = blk[i];
			c[i] = call_new((zdrproc_t)zdr_WRITE3res, sizeof(WRITE3res));
			if (rpc_nfs3_write_async(nfs.rpc, call_cb, &wa[i], c[i]) != 0) {
				check(false, "send", "cannot queue WRITE %d", i);
				return;
			}
			if ((i + 1) % win != 0 && i != NCONC - 1)
				continue;
			for (j = i + 1 - ((i % win) + 1); j <= i; j++) {
				WRITE3res *w = call_wait(&nfs, c[j], 0);
				if (ST(w) != NFS3_OK ||
				    w->WRITE3res_u.resok.count != 4096)
					bad++;
			}
		}
		check(bad == 0, "pipelined-writes", "%d of %d WRITEs in flight "
		    "failed", bad, NCONC);
		arena_reset();
		(void)commit3(&f, 0, 0);
		for (i = 0, bad = 0; i < NCONC; i++) {
			r = read3(&f, (uint64_t)(NCONC - 1 - i) * 4096, 4096);
			if (ST(r) != NFS3_OK || r->READ3res_u.resok.count != 4096 ||
			    memcmp(r->READ3res_u.resok.data.data_val, blk[i], 4096))
				bad++;
			if (i % 16 == 0)
				arena_reset();
		}
		check(bad == 0 && attrs(&f, &a) && a.size == NCONC * 4096,
		    "pipelined-writes-data", "%d blocks wrong after %d pipelined "
		    "WRITEs, size %llu", bad, NCONC, (unsigned long long)a.size);
	}
}

/*
 * A Linux client over UDP keeps 16 requests in flight (udp_slot_table_
 * entries) of wsize 32 KiB: the server's socket must hold such a burst,
 * or every dropped WRITE costs the client a retransmission timeout.
 */
static void
g_udpburst(void)
{
	enum { N = 16, SZ = 32 * 1024 };
	static char blk[N][SZ];
	struct call *c[N];
	WRITE3args wa[N];
	nfs_fh3 f;
	int i, bad = 0, round;

	if (!mkfile(&wd, "burst", 0644, &f))
		return;
	for (round = 0; round < 8; round++) {
		for (i = 0; i < N; i++) {
			memset(blk[i], 'a' + i, SZ);
			memset(&wa[i], 0, sizeof(wa[i]));
			wa[i].file = f;
			wa[i].offset = (uint64_t)(round * N + i) * SZ;
			wa[i].count = SZ;
			wa[i].stable = UNSTABLE;
			wa[i].data.data_len = SZ;
			wa[i].data.data_val = blk[i];
			c[i] = call_new((zdrproc_t)zdr_WRITE3res, sizeof(WRITE3res));
			if (rpc_nfs3_write_async(nfs.rpc, call_cb, &wa[i], c[i]) != 0) {
				check(false, "send", "cannot queue WRITE %d", i);
				return;
			}
		}
		for (i = 0; i < N; i++) {
			WRITE3res *w = call_wait(&nfs, c[i], 0);
			if (ST(w) != NFS3_OK)
				bad++;
		}
		arena_reset();
	}
	check(bad == 0, "writes-16x32k", "%d of %d WRITEs of 32 KiB sent 16 at "
	    "a time got no reply (dropped by the server's socket?)", bad, 8 * N);
}

/* ---------------------------------------------------------------- group forged */
static bool
refused(int st)
{
	return st == NFS3ERR_BADHANDLE || st == NFS3ERR_STALE;
}

static void
g_forged(void)
{
	nfs_fh3 f, x, r2;
	GETATTR3res *g;
	LOOKUP3res *l;
	u_int i, len;
	int bad = 0;
	char what[512] = "";
	static const int pos[] = { 0, 1, 2, 3, 4, 7, 8, 15, 23, 24, 27, -13,
	    -5, -1 };

	if (!mkfile(&wd, "f", 0644, &f))
		return;
	len = f.data.data_len;
	/* flip each of a few bytes: header, export id, volume id, kernel
	 * handle, tag */
	for (i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		int p = pos[i] < 0 ? (int)len + pos[i] : pos[i];
		x = fh_dup(&f);
		x.data.data_val[p] ^= 0x01;
		g = getattr3(&x);
		if (!refused(ST(g))) {
			bad++;
			snprintf(what + strlen(what), sizeof(what) - strlen(what),
			    " byte %d: %s;", p, g ? st3(ST(g)) : lasterr);
		}
		fh_release(&x);
	}
	check(bad == 0, "flipped-bytes", "GETATTR with a flipped byte must be "
	    "BADHANDLE or STALE:%s", what);
	/* truncated and extended */
	x = fh_dup(&f);
	x.data.data_len = len - 1;
	g = getattr3(&x);
	check(refused(ST(g)), "truncated", "GETATTR of a handle 1 byte short: %s",
	    g ? st3(ST(g)) : lasterr);
	x.data.data_len = 0;
	g = getattr3(&x);
	check(refused(ST(g)), "empty", "GETATTR of an empty handle: %s",
	    g ? st3(ST(g)) : lasterr);
	fh_release(&x);
	x.data.data_val = calloc(1, len + 1);
	memcpy(x.data.data_val, f.data.data_val, len);
	x.data.data_len = len + 1;
	g = getattr3(&x);
	check(refused(ST(g)), "extended", "GETATTR of a handle 1 byte long: %s",
	    g ? st3(ST(g)) : lasterr);
	fh_release(&x);
	x.data.data_val = calloc(1, 64);
	x.data.data_len = 64;
	g = getattr3(&x);
	check(refused(ST(g)), "zeros", "GETATTR of 64 zero bytes: %s",
	    g ? st3(ST(g)) : lasterr);
	memset(x.data.data_val, 0xff, 64);
	l = lookup3(&x, "..");
	check(refused(ST(l)), "ones-lookup", "LOOKUP in 64 0xff bytes: %s",
	    l ? st3(ST(l)) : lasterr);
	fh_release(&x);
	/* a forged handle in every kind of call: nothing happens */
	{
		nfs_fh3 fd = fh_dup(&wd), ff = fh_dup(&f);
		int st;
		char nm[64];

		fd.data.data_val[fd.data.data_len - 1] ^= 0x80;
		ff.data.data_val[ff.data.data_len - 1] ^= 0x80;
#define FORGED(name, expr) do {						\
	st = ST(expr);							\
	snprintf(nm, sizeof(nm), "forged-%s", name);			\
	check(refused(st), nm, "%s with a forged handle: %s", name,	\
	    st3(st));							\
} while (0)
		FORGED("LOOKUP", lookup3(&fd, "f"));
		FORGED("CREATE", create3(&fd, "forged", UNCHECKED, 0644, NULL));
		FORGED("MKDIR", mkdir3(&fd, "forged", 0755));
		FORGED("REMOVE", remove3(&fd, "f"));
		FORGED("RENAME-from", rename3(&fd, "f", &wd, "g"));
		FORGED("RENAME-to", rename3(&wd, "f", &fd, "g"));
		FORGED("LINK-file", link3(&ff, &wd, "l"));
		FORGED("LINK-dir", link3(&f, &fd, "l"));
		FORGED("READDIR", readdir3(&fd, 0, NULL, 4096));
		FORGED("READDIRPLUS", readdirplus3(&fd, 0, NULL, 4096, 8192));
		FORGED("READ", read3(&ff, 0, 100));
		FORGED("WRITE", write3(&ff, 0, "forged", 6, FILE_SYNC));
		FORGED("SETATTR", setattr3(&ff, sa_mode(0777), NULL));
		FORGED("ACCESS", access3(&ff, ACCESS3_READ));
		FORGED("COMMIT", commit3(&ff, 0, 0));
		FORGED("READLINK", readlink3(&ff));
		FORGED("FSINFO", fsinfo3(&fd));
#undef FORGED
		check(ST(lookup3(&wd, "f")) == NFS3_OK &&
		    ST(lookup3(&wd, "forged")) == NFS3ERR_NOENT &&
		    ST(lookup3(&wd, "g")) == NFS3ERR_NOENT && attrs(&f, &la) &&
		    la.size == 0 && (la.mode & 0777) == 0644, "forged-no-effect",
		    "a call with a forged handle changed something");
		fh_release(&fd);
		fh_release(&ff);
	}
	/* a handle of this export with the second export's id region */
	if (export2 != NULL) {
		if (!do_mnt(export2, &r2)) {
			check(false, "mnt-export2", "MNT %s: %d %s", export2,
			    mnt_status, lasterr);
			return;
		}
		x = fh_dup(&f);
		memcpy(x.data.data_val + 4, r2.data.data_val + 4, 4);
		g = getattr3(&x);
		check(refused(ST(g)), "foreign-export-id", "GETATTR with export "
		    "B's id in export A's handle: %s", g ? st3(ST(g)) : lasterr);
		memcpy(x.data.data_val + 4, r2.data.data_val + 4, 20);
		g = getattr3(&x);
		check(refused(ST(g)), "foreign-export-id-volid",
		    "GETATTR with export B's id and volume id: %s",
		    g ? st3(ST(g)) : lasterr);
		fh_release(&x);
		{
			int st = ST(link3(&f, &r2, "crosslink"));
			check(st != NFS3_OK && ST(lookup3(&r2, "crosslink")) ==
			    NFS3ERR_NOENT, "cross-export-link", "LINK of export A's "
			    "file into export B: %s", st3(st));
			st = ST(rename3(&wd, "f", &r2, "crossrename"));
			check(st != NFS3_OK && ST(lookup3(&wd, "f")) == NFS3_OK,
			    "cross-export-rename", "RENAME from export A into "
			    "export B: %s", st3(st));
		}
		l = lookup3(&r2, "..");
		check(ST(l) == NFS3_OK && la.fileid == fileid_of(&r2),
		    "export2-dotdot", "LOOKUP \"..\" at export B's root: %s",
		    st3(ST(l)));
	}
}

/* ---------------------------------------------------------------- group v2 */
LIBNFS_LISTS static void
g_v2(void)
{
	char root2[FHSIZE2], d2[FHSIZE2], f2[FHSIZE2];
	nfs_fh3 r1;
	GETATTR2res *g;
	LOOKUP2res *l;
	CREATE2res *c;
	MKDIR2res *m;
	WRITE2res *w;
	READ2res *rd;
	SETATTR2res *s;
	READLINK2res *rl;
	READDIR2res *rdd;
	STATFS2res *sf;
	int st;
	char name[64];
	static const char msg[] = "nfs version 2 data";

	if (!do_mnt1(export, &r1)) {
		check(false, "mnt1", "MNT v1 %s: %s", export, lasterr);
		return;
	}
	memcpy(root2, r1.data.data_val, FHSIZE2);
	fh_release(&r1);
	{
		GETATTR2args a;
		memcpy(a.fhandle, root2, FHSIZE2);
		g = RAW(nfs, GETATTR2res, rpc_nfs2_getattr_async, &a);
		check(ST(g) == NFS2_OK && g->GETATTR2res_u.resok.attributes.type == NF3DIR - 1 + 1,
		    "getattr", "v2 GETATTR root: %s", st3(ST(g)));
	}
	snprintf(name, sizeof(name), "probe.%d.v2", (int)getpid());
	{
		MKDIR2args a;
		memset(&a, 0, sizeof(a));
		memcpy(a.where.dir, root2, FHSIZE2);
		a.where.name = name;
		a.attributes.mode = 0777;
		a.attributes.uid = a.attributes.gid = a.attributes.size = UINT32_MAX;
		a.attributes.atime.seconds = a.attributes.atime.nseconds = UINT32_MAX;
		a.attributes.mtime.seconds = a.attributes.mtime.nseconds = UINT32_MAX;
		m = RAW(nfs, MKDIR2res, rpc_nfs2_mkdir_async, &a);
		st = ST(m);
		check(st == NFS2_OK && m->MKDIR2res_u.resok.attributes.type == 2,
		    "mkdir", "v2 MKDIR: %s", st3(st));
		if (st != NFS2_OK)
			return;
		memcpy(d2, m->MKDIR2res_u.resok.file, FHSIZE2);
	}
	{
		CREATE2args a;
		memset(&a, 0, sizeof(a));
		memcpy(a.where.dir, d2, FHSIZE2);
		a.where.name = "f";
		a.attributes.mode = 0100644;
		a.attributes.uid = a.attributes.gid = UINT32_MAX;
		a.attributes.size = 0;
		a.attributes.atime.seconds = a.attributes.atime.nseconds = UINT32_MAX;
		a.attributes.mtime.seconds = a.attributes.mtime.nseconds = UINT32_MAX;
		c = RAW(nfs, CREATE2res, rpc_nfs2_create_async, &a);
		st = ST(c);
		check(st == NFS2_OK && c->CREATE2res_u.resok.attributes.type == 1 &&
		    (c->CREATE2res_u.resok.attributes.mode & 07777) == 0644,
		    "create", "v2 CREATE: %s mode %o", st3(st),
		    c ? c->CREATE2res_u.resok.attributes.mode : 0);
		if (st != NFS2_OK)
			return;
		memcpy(f2, c->CREATE2res_u.resok.file, FHSIZE2);
	}
	{
		WRITE2args a;
		memset(&a, 0, sizeof(a));
		memcpy(a.file, f2, FHSIZE2);
		a.offset = 0;
		a.data.nfsdata2_len = sizeof(msg) - 1;
		a.data.nfsdata2_val = (char *)msg;
		w = RAW(nfs, WRITE2res, rpc_nfs2_write_async, &a);
		check(ST(w) == NFS2_OK &&
		    w->WRITE2res_u.resok.attributes.size == sizeof(msg) - 1,
		    "write", "v2 WRITE: %s size %u", st3(ST(w)),
		    w ? w->WRITE2res_u.resok.attributes.size : 0);
	}
	{
		READ2args a;
		memset(&a, 0, sizeof(a));
		memcpy(a.file, f2, FHSIZE2);
		a.count = 8192;
		rd = RAW(nfs, READ2res, rpc_nfs2_read_async, &a);
		check(ST(rd) == NFS2_OK &&
		    rd->READ2res_u.resok.data.nfsdata2_len == sizeof(msg) - 1 &&
		    memcmp(rd->READ2res_u.resok.data.nfsdata2_val, msg,
		    sizeof(msg) - 1) == 0, "read", "v2 READ: %s", st3(ST(rd)));
	}
	{
		SETATTR2args a;
		memset(&a, 0xff, sizeof(a));
		memcpy(a.fhandle, f2, FHSIZE2);
		a.attributes.mode = 0600;
		s = RAW(nfs, SETATTR2res, rpc_nfs2_setattr_async, &a);
		check(ST(s) == NFS2_OK &&
		    (s->SETATTR2res_u.resok.attributes.mode & 07777) == 0600 &&
		    s->SETATTR2res_u.resok.attributes.size == sizeof(msg) - 1,
		    "setattr", "v2 SETATTR mode 0600 (other fields -1): %s mode %o",
		    st3(ST(s)), s ? s->SETATTR2res_u.resok.attributes.mode : 0);
		a.attributes.mode = UINT32_MAX;
		a.attributes.size = 4;
		s = RAW(nfs, SETATTR2res, rpc_nfs2_setattr_async, &a);
		check(ST(s) == NFS2_OK && s->SETATTR2res_u.resok.attributes.size == 4,
		    "setattr-size", "v2 SETATTR size 4: %s", st3(ST(s)));
	}
	{
		LOOKUP2args a;
		memcpy(a.what.dir, d2, FHSIZE2);
		a.what.name = "f";
		l = RAW(nfs, LOOKUP2res, rpc_nfs2_lookup_async, &a);
		check(ST(l) == NFS2_OK && memcmp(l->LOOKUP2res_u.resok.file, f2,
		    FHSIZE2) == 0, "lookup", "v2 LOOKUP: %s", st3(ST(l)));
		a.what.name = "absent";
		l = RAW(nfs, LOOKUP2res, rpc_nfs2_lookup_async, &a);
		check(ST(l) == NFS3ERR_NOENT, "lookup-noent", "v2 LOOKUP absent: %s",
		    st3(ST(l)));
		memcpy(a.what.dir, root2, FHSIZE2);
		a.what.name = "..";
		l = RAW(nfs, LOOKUP2res, rpc_nfs2_lookup_async, &a);
		check(ST(l) == NFS2_OK && memcmp(l->LOOKUP2res_u.resok.file, root2,
		    FHSIZE2) == 0, "lookup-dotdot-root",
		    "v2 LOOKUP \"..\" at the root: %s%s", st3(ST(l)),
		    ST(l) == NFS2_OK ? " (another handle)" : "");
	}
	{
		LINK2args a;
		memcpy(a.from, f2, FHSIZE2);
		memcpy(a.to.dir, d2, FHSIZE2);
		a.to.name = "f2";
		st = ST(RAW(nfs, LINK2res, rpc_nfs2_link_async, &a));
		check(st == NFS2_OK, "link", "v2 LINK: %s", st3(st));
	}
	{
		RENAME2args a;
		memcpy(a.from.dir, d2, FHSIZE2);
		a.from.name = "f2";
		memcpy(a.to.dir, d2, FHSIZE2);
		a.to.name = "f3";
		st = ST(RAW(nfs, RENAME2res, rpc_nfs2_rename_async, &a));
		check(st == NFS2_OK, "rename", "v2 RENAME: %s", st3(st));
	}
	{
		SYMLINK2args a;
		memset(&a, 0xff, sizeof(a));
		memcpy(a.from.dir, d2, FHSIZE2);
		a.from.name = "sl";
		a.to = "f3";
		a.attributes.mode = 0777;
		st = ST(RAW(nfs, SYMLINK2res, rpc_nfs2_symlink_async, &a));
		check(st == NFS2_OK, "symlink", "v2 SYMLINK: %s", st3(st));
	}
	{
		LOOKUP2args a;
		READLINK2args ra;
		memcpy(a.what.dir, d2, FHSIZE2);
		a.what.name = "sl";
		l = RAW(nfs, LOOKUP2res, rpc_nfs2_lookup_async, &a);
		if (ST(l) == NFS2_OK) {
			memcpy(ra.file, l->LOOKUP2res_u.resok.file, FHSIZE2);
			rl = RAW(nfs, READLINK2res, rpc_nfs2_readlink_async, &ra);
			check(ST(rl) == NFS2_OK &&
			    strcmp(rl->READLINK2res_u.resok.data, "f3") == 0,
			    "readlink", "v2 READLINK: %s", st3(ST(rl)));
		} else
			check(false, "readlink", "v2 LOOKUP sl: %s", st3(ST(l)));
	}
	{
		READDIR2args a;
		entry2 *e;
		int seen = 0;
		memset(&a, 0, sizeof(a));
		memcpy(a.dir, d2, FHSIZE2);
		a.count = 4096;
		rdd = RAW(nfs, READDIR2res, rpc_nfs2_readdir_async, &a);
		for (e = ST(rdd) == NFS2_OK ? rdd->READDIR2res_u.resok.entries :
		    NULL; e; e = e->nextentry)
			seen |= (strcmp(e->name, "f") == 0) |
			    (strcmp(e->name, "f3") == 0) << 1 |
			    (strcmp(e->name, "sl") == 0) << 2;
		check(ST(rdd) == NFS2_OK && seen == 7 &&
		    rdd->READDIR2res_u.resok.eof, "readdir",
		    "v2 READDIR: %s seen %#x", st3(ST(rdd)), seen);
	}
	{
		STATFS2args a;
		memcpy(a.dir, root2, FHSIZE2);
		sf = RAW(nfs, STATFS2res, rpc_nfs2_statfs_async, &a);
		check(ST(sf) == NFS2_OK && sf->STATFS2res_u.resok.bsize > 0 &&
		    sf->STATFS2res_u.resok.tsize > 0 &&
		    sf->STATFS2res_u.resok.bfree <= sf->STATFS2res_u.resok.blocks,
		    "statfs", "v2 STATFS: %s", st3(ST(sf)));
	}
	{
		REMOVE2args a;
		memcpy(a.what.dir, d2, FHSIZE2);
		a.what.name = "f3";
		st = ST(RAW(nfs, REMOVE2res, rpc_nfs2_remove_async, &a));
		check(st == NFS2_OK, "remove", "v2 REMOVE: %s", st3(st));
		a.what.name = "f3";
		st = ST(RAW(nfs, REMOVE2res, rpc_nfs2_remove_async, &a));
		check(st == NFS3ERR_NOENT, "remove-noent", "v2 REMOVE again: %s",
		    st3(st));
	}
	{
		RMDIR2args a;
		memcpy(a.what.dir, root2, FHSIZE2);
		a.what.name = name;
		st = ST(RAW(nfs, RMDIR2res, rpc_nfs2_rmdir_async, &a));
		check(st == NFS3ERR_NOTEMPTY || st == NFS3ERR_EXIST, "rmdir-nonempty",
		    "v2 RMDIR of a non-empty dir: %s", st3(st));
	}
	{
		GETATTR2args a;
		memcpy(a.fhandle, f2, FHSIZE2);
		a.fhandle[20] ^= 1;
		g = RAW(nfs, GETATTR2res, rpc_nfs2_getattr_async, &a);
		check(ST(g) == NFS3ERR_STALE || ST(g) == NFS3ERR_BADHANDLE ||
		    ST(g) == 70, "forged", "v2 GETATTR of a forged handle: %s",
		    st3(ST(g)));
	}
}

/* ---------------------------------------------------------------- group setuid */
static void
g_setuid(void)
{
	nfs_fh3 f;
	fattr3 a = { 0 };
	WRITE3res *w;
	SETATTR3res *s;
	sattr3 sa;

	as_user(1000, 1000);
	if (!mkfile(&wd, "su", 0644, &f)) {
		check(false, "create", "CREATE as uid 1000: %s", lasterr);
		as_default();
		return;
	}
	s = setattr3(&f, sa_mode(06777), NULL);
	check(ST(s) == NFS3_OK && attrs(&f, &a) && (a.mode & 07777) == 06777,
	    "setuid-set", "owner sets 06777: %s mode %o", st3(ST(s)), a.mode);
	as_user(2000, 2000);
	w = write3(&f, 0, "x", 1, FILE_SYNC);
	check(ST(w) == NFS3_OK, "write-other", "WRITE by uid 2000 to a 0777 "
	    "file: %s", st3(ST(w)));
	check(attrs(&f, &a) && (a.mode & 04000) == 0, "setuid-cleared",
	    "mode after a non-owner WRITE: %o (setuid must be cleared)", a.mode);
	check((a.mode & 02010) != 02010, "setgid-cleared",
	    "mode after a non-owner WRITE: %o (setgid must be cleared)", a.mode);
	{
		sattr3 tr;

		memset(&tr, 0, sizeof(tr));
		tr.size.set_it = 1;
		as_user(1000, 1000);
		(void)setattr3(&f, sa_mode(0644), NULL);
		as_user(2000, 2000);
		s = setattr3(&f, tr, NULL);
		check(ST(s) == NFS3ERR_ACCES || ST(s) == NFS3ERR_PERM,
		    "truncate-other", "SETATTR size 0 by a non-owner of a 0644 "
		    "file: %s", st3(ST(s)));
		w = write3(&f, 0, "y", 1, FILE_SYNC);
		check(ST(w) == NFS3ERR_ACCES || ST(w) == NFS3ERR_PERM,
		    "write-other-denied", "WRITE by a non-owner of a 0644 file: %s",
		    st3(ST(w)));
		as_user(1000, 1000);
		{
			nfs_fh3 ro;
			if (mkfile(&wd, "ro-own", 0444, &ro)) {
				w = write3(&ro, 0, "owner", 5, FILE_SYNC);
				check(ST(w) == NFS3_OK, "owner-override-write",
				    "WRITE by the owner to its new 0444 file (knfsd "
				    "allows: cp/tar create such files): %s",
				    st3(ST(w)));
			}
		}
		as_user(2000, 2000);
		(void)0;
	}
	s = setattr3(&f, sa_mode(0777), NULL);
	check(ST(s) == NFS3ERR_PERM, "chmod-other", "SETATTR mode by a "
	    "non-owner: %s", st3(ST(s)));
	memset(&sa, 0, sizeof(sa));
	sa.uid.set_it = 1;
	sa.uid.set_uid3_u.uid = 2000;
	s = setattr3(&f, sa, NULL);
	check(ST(s) == NFS3ERR_PERM, "chown-other", "SETATTR uid by a non-owner: "
	    "%s", st3(ST(s)));
	as_user(1000, 1000);
	s = setattr3(&f, sa, NULL);
	check(ST(s) == NFS3ERR_PERM, "chown-owner", "SETATTR uid to another "
	    "user by the (non-root) owner: %s", st3(ST(s)));
	sa = sa_mode(-1);
	sa.gid.set_it = 1;
	sa.gid.set_gid3_u.gid = 3000;
	s = setattr3(&f, sa, NULL);
	check(ST(s) == NFS3ERR_PERM, "chgrp-not-member", "SETATTR gid to a "
	    "group the owner is not in: %s", st3(ST(s)));
	{
		uint32_t gl[1] = { 3000 };
		set_cred(&nfs, 1000, 1000, 1, gl);
		s = setattr3(&f, sa, NULL);
		check(ST(s) == NFS3_OK && attrs(&f, &a) && a.gid == 3000,
		    "chgrp-member", "SETATTR gid to a supplementary group: %s gid "
		    "%u", st3(ST(s)), a.gid);
	}
	as_default();
}

/* ---------------------------------------------------------------- group ro */
static void
g_ro(void)
{
	nfs_fh3 f, d;
	LOOKUP3res *l;
	ACCESS3res *ac;
	sattr3 sa = sa_mode(0600);
	int st;
	char nm[64];

	l = lookup3(&root, "ro_file");
	if (ST(l) != NFS3_OK) {
		check(false, "setup", "LOOKUP ro_file: %s", st3(ST(l)));
		return;
	}
	f = fh_dup(&l->LOOKUP3res_u.resok.object);
	l = lookup3(&root, "ro_dir");
	if (ST(l) != NFS3_OK) {
		check(false, "setup", "LOOKUP ro_dir: %s", st3(ST(l)));
		return;
	}
	d = fh_dup(&l->LOOKUP3res_u.resok.object);
#define ROFS(name, expr) do {						\
	st = ST(expr);							\
	snprintf(nm, sizeof(nm), "rofs-%s", name);			\
	check(st == NFS3ERR_ROFS, nm, "%s on a ro export: %s", name,	\
	    st3(st));							\
} while (0)
	ROFS("SETATTR", setattr3(&f, sa, NULL));
	ROFS("WRITE", write3(&f, 0, "x", 1, FILE_SYNC));
	ROFS("CREATE", create3(&root, "new", UNCHECKED, 0644, NULL));
	ROFS("CREATE-EXCLUSIVE", create3(&root, "new", EXCLUSIVE, 0, "verf0001"));
	ROFS("MKDIR", mkdir3(&root, "newdir", 0755));
	ROFS("SYMLINK", symlink3(&root, "newlink", "x"));
	ROFS("MKNOD", mknod3(&root, "newfifo", NF3FIFO, 0, 0));
	ROFS("REMOVE", remove3(&root, "ro_file"));
	ROFS("RMDIR", rmdir3(&root, "ro_dir"));
	ROFS("RENAME", rename3(&root, "ro_file", &d, "moved"));
	ROFS("LINK", link3(&f, &d, "hard"));
	st = ST(commit3(&f, 0, 0));
	check(st == NFS3ERR_ROFS || st == NFS3_OK, "commit",
	    "COMMIT on a ro export: %s", st3(st));
	/* reading still works, ACCESS says no modification */
	check(ST(read3(&f, 0, 100)) == NFS3_OK, "read", "READ: %s", lasterr);
	check(ST(lookup3(&d, "inner")) == NFS3_OK, "lookup", "LOOKUP inner");
	check(ST(readdir3(&d, 0, NULL, 4096)) == NFS3_OK, "readdir", "READDIR");
	ac = access3(&f, ACCESS3_READ | ACCESS3_MODIFY | ACCESS3_EXTEND);
	check(ST(ac) == NFS3_OK && (ac->ACCESS3res_u.resok.access &
	    (ACCESS3_MODIFY | ACCESS3_EXTEND)) == 0 &&
	    (ac->ACCESS3res_u.resok.access & ACCESS3_READ), "access",
	    "ACCESS on a ro export: %s %#x", st3(ST(ac)),
	    ac ? ac->ACCESS3res_u.resok.access : 0);
	check(ST(lookup3(&root, "new")) == NFS3ERR_NOENT &&
	    ST(lookup3(&root, "ro_file")) == NFS3_OK, "unchanged",
	    "the export changed");
	/* v2 */
	{
		nfs_fh3 r1;
		char r2[FHSIZE2], f2[FHSIZE2];
		LOOKUP2args la2;
		LOOKUP2res *l2;

		if (!do_mnt1(export, &r1)) {
			check(false, "v2-mnt", "MNT v1: %s", lasterr);
			return;
		}
		memcpy(r2, r1.data.data_val, FHSIZE2);
		fh_release(&r1);
		memcpy(la2.what.dir, r2, FHSIZE2);
		la2.what.name = "ro_file";
		l2 = RAW(nfs, LOOKUP2res, rpc_nfs2_lookup_async, &la2);
		if (ST(l2) != NFS2_OK) {
			check(false, "v2-lookup", "v2 LOOKUP: %s", st3(ST(l2)));
			return;
		}
		memcpy(f2, l2->LOOKUP2res_u.resok.file, FHSIZE2);
		{
			WRITE2args a;
			memset(&a, 0, sizeof(a));
			memcpy(a.file, f2, FHSIZE2);
			a.data.nfsdata2_len = 1;
			a.data.nfsdata2_val = "x";
			ROFS("v2-WRITE", RAW(nfs, WRITE2res, rpc_nfs2_write_async, &a));
		}
		{
			CREATE2args a;
			memset(&a, 0xff, sizeof(a));
			memcpy(a.where.dir, r2, FHSIZE2);
			a.where.name = "new2";
			a.attributes.mode = 0644;
			ROFS("v2-CREATE", RAW(nfs, CREATE2res, rpc_nfs2_create_async, &a));
		}
		{
			REMOVE2args a;
			memcpy(a.what.dir, r2, FHSIZE2);
			a.what.name = "ro_file";
			ROFS("v2-REMOVE", RAW(nfs, REMOVE2res, rpc_nfs2_remove_async, &a));
		}
		{
			SETATTR2args a;
			memset(&a, 0xff, sizeof(a));
			memcpy(a.fhandle, f2, FHSIZE2);
			a.attributes.mode = 0600;
			ROFS("v2-SETATTR", RAW(nfs, SETATTR2res, rpc_nfs2_setattr_async, &a));
		}
		{
			MKDIR2args a;
			memset(&a, 0xff, sizeof(a));
			memcpy(a.where.dir, r2, FHSIZE2);
			a.where.name = "newdir2";
			a.attributes.mode = 0755;
			ROFS("v2-MKDIR", RAW(nfs, MKDIR2res, rpc_nfs2_mkdir_async, &a));
		}
	}
#undef ROFS
}

/* ---------------------------------------------------------------- squash groups */
static void
expect_owner(const char *nm, uint32_t uid, uint32_t gid, uint32_t wuid,
    uint32_t wgid, const char *fname)
{
	nfs_fh3 f;
	fattr3 a = { 0 };
	uint32_t none[1];

	set_cred(&nfs, uid, gid, 0, none);
	if (!mkfile(&wd, fname, 0644, &f)) {
		check(false, nm, "CREATE as %u:%u: %s", uid, gid, lasterr);
		return;
	}
	check(attrs(&f, &a) && a.uid == wuid && a.gid == wgid, nm,
	    "CREATE as %u:%u gave owner %u:%u, expected %u:%u", uid, gid,
	    a.uid, a.gid, wuid, wgid);
}

static void
g_rootsquash(void)
{
	nfs_fh3 d, s;
	LOOKUP3res *l;
	READ3res *r;
	CREATE3res *c;
	fattr3 a = { 0 };
	uint32_t g0[2] = { 0, 1000 };
	int st;

	expect_owner("root-squashed", 0, 0, anon_uid, anon_gid, "r0");
	expect_owner("gid0-squashed", 1000, 0, 1000, anon_gid, "r1");
	expect_owner("user-unchanged", 1000, 1000, 1000, 1000, "r2");
	{
		MKDIR3res *m;
		set_cred(&nfs, 0, 0, 0, NULL);
		m = mkdir3(&wd, "rdir", 0755);
		check(ST(m) == NFS3_OK && m->MKDIR3res_u.resok.obj_attributes.attributes_follow &&
		    m->MKDIR3res_u.resok.obj_attributes.post_op_attr_u.attributes.uid == anon_uid,
		    "mkdir-root-squashed", "MKDIR as root: %s uid %u", st3(ST(m)),
		    m ? m->MKDIR3res_u.resok.obj_attributes.post_op_attr_u.attributes.uid : 0);
	}
	/* g0: root:root 0070, made by the test; group 0 in the list is squashed */
	l = lookup3(&root, "g0");
	if (ST(l) == NFS3_OK) {
		d = fh_dup(&l->LOOKUP3res_u.resok.object);
		set_cred(&nfs, 1000, 1000, 2, g0);
		c = create3(&d, "x", UNCHECKED, 0644, NULL);
		check(ST(c) == NFS3ERR_ACCES, "groups-gid0-squashed",
		    "CREATE in a root-group 0070 dir as 1000 with groups {0,1000}: "
		    "%s", st3(ST(c)));
		set_cred(&nfs, 1000, 0, 0, NULL);
		l = lookup3(&d, "anything");
		check(ST(l) == NFS3ERR_ACCES, "gid0-lookup-squashed",
		    "LOOKUP in a root-group 0070 dir as 1000:0: %s", st3(ST(l)));
	} else
		check(false, "g0", "LOOKUP g0: %s", st3(ST(l)));
	/* secret: 1000:1000 0600, made by the test; root is "other" */
	l = lookup3(&root, "secret");
	if (ST(l) == NFS3_OK) {
		s = fh_dup(&l->LOOKUP3res_u.resok.object);
		set_cred(&nfs, 0, 0, 0, NULL);
		r = read3(&s, 0, 100);
		check(ST(r) == NFS3ERR_ACCES, "root-read-denied",
		    "READ of 1000's 0600 file as squashed root: %s", st3(ST(r)));
		{
			sattr3 sa = sa_mode(0644);
			st = ST(setattr3(&s, sa, NULL));
			check(st == NFS3ERR_PERM, "root-chmod-denied",
			    "SETATTR mode of 1000's file as squashed root: %s",
			    st3(st));
		}
		check(attrs(&s, &a) && (a.mode & 0777) == 0600, "secret-unchanged",
		    "mode %o", a.mode);
		{
			MKNOD3res *mk = mknod3(&wd, "chr", NF3CHR, 1, 3);
			check(ST(mk) == NFS3ERR_PERM || ST(mk) == NFS3ERR_ACCES,
			    "mknod-chr-squashed", "MKNOD chr as squashed root: %s",
			    st3(ST(mk)));
		}
	} else
		check(false, "secret", "LOOKUP secret: %s", st3(ST(l)));
	as_default();
}

static void
g_norootsquash(void)
{
	nfs_fh3 s;
	LOOKUP3res *l;
	READ3res *r;

	expect_owner("root-kept", 0, 0, 0, 0, "n0");
	expect_owner("user-kept", 1000, 1000, 1000, 1000, "n1");
	l = lookup3(&root, "secret");
	if (ST(l) == NFS3_OK) {
		s = fh_dup(&l->LOOKUP3res_u.resok.object);
		set_cred(&nfs, 0, 0, 0, NULL);
		r = read3(&s, 0, 100);
		check(ST(r) == NFS3_OK, "root-reads", "READ of 1000's 0600 file "
		    "as root (no_root_squash): %s", st3(ST(r)));
	}
	{
		MKNOD3res *mk;
		set_cred(&nfs, 0, 0, 0, NULL);
		mk = mknod3(&wd, "chr", NF3CHR, 1, 3);
		check(ST(mk) == NFS3_OK, "mknod-chr", "MKNOD chr as root: %s",
		    st3(ST(mk)));
	}
	as_default();
}

/* AUTH_NONE is anonymous: anonuid/anongid */
static void
g_authnone(void)
{
	nfs_fh3 f;
	fattr3 a = { 0 };

	rpc_set_auth(nfs.rpc, libnfs_authnone_create());
	if (!mkfile(&wd, "anon", 0644, &f)) {
		check(false, "create", "CREATE with AUTH_NONE: %s", lasterr);
		return;
	}
	check(attrs(&f, &a) && a.uid == anon_uid && a.gid == anon_gid,
	    "create-anonymous", "CREATE with AUTH_NONE gave owner %u:%u, "
	    "expected %u:%u", a.uid, a.gid, anon_uid, anon_gid);
	as_default();
}

static void
g_allsquash(void)
{
	expect_owner("all-squashed-user", 1000, 1000, anon_uid, anon_gid, "a0");
	expect_owner("all-squashed-root", 0, 0, anon_uid, anon_gid, "a1");
	expect_owner("all-squashed-other", 2345, 2345, anon_uid, anon_gid, "a2");
	as_default();
}

/* ---------------------------------------------------------------- denied */
static void
g_nfsdenied(void)
{
	nfs_fh3 *r = saved_fh("root") != NULL ? saved_fh("root") : &root;
	GETATTR3res *g;
	LOOKUP3res *l;
	READDIR3res *rd;
	FSINFO3res *fi;
	CREATE3res *c;

	if (r == NULL) {
		check(false, "setup", "no -H root=HANDLE");
		return;
	}
	g = getattr3(r);
	printf("# note: denied GETATTR answered %s\n", g != NULL ?
	    st3(ST(g)) : lasterr);
	check(g == NULL || ST(g) == NFS3ERR_ACCES || ST(g) == NFS3ERR_PERM ||
	    ST(g) == NFS3ERR_STALE, "getattr", "GETATTR: %s", st3(ST(g)));
	l = lookup3(r, "ro_file");
	check(l == NULL || ST(l) == NFS3ERR_ACCES || ST(l) == NFS3ERR_PERM ||
	    ST(l) == NFS3ERR_STALE, "lookup", "LOOKUP: %s", st3(ST(l)));
	rd = readdir3(r, 0, NULL, 4096);
	check(rd == NULL || ST(rd) == NFS3ERR_ACCES || ST(rd) == NFS3ERR_PERM ||
	    ST(rd) == NFS3ERR_STALE, "readdir", "READDIR: %s", st3(ST(rd)));
	fi = fsinfo3(r);
	check(fi == NULL || ST(fi) != NFS3_OK, "fsinfo", "FSINFO: %s",
	    st3(ST(fi)));
	c = create3(r, "denied-create", UNCHECKED, 0644, NULL);
	check(c == NULL || ST(c) == NFS3ERR_ACCES || ST(c) == NFS3ERR_PERM ||
	    ST(c) == NFS3ERR_STALE, "create", "CREATE: %s", st3(ST(c)));
}

static void
g_nfsallowed(void)
{
	nfs_fh3 *r = saved_fh("root") != NULL ? saved_fh("root") : &root;
	GETATTR3res *g;
	READDIR3res *rd;

	if (r == NULL) {
		check(false, "setup", "no -H root=HANDLE");
		return;
	}
	g = getattr3(r);
	check(ST(g) == NFS3_OK, "getattr", "GETATTR: %s", g ? st3(ST(g)) : lasterr);
	rd = readdir3(r, 0, NULL, 4096);
	check(ST(rd) == NFS3_OK, "readdir", "READDIR: %s",
	    rd ? st3(ST(rd)) : lasterr);
}

/* ---------------------------------------------------------------- restart */
static void
verf_print(const char *v)
{
	int i;

	printf("verf ");
	for (i = 0; i < NFS3_WRITEVERFSIZE; i++)
		printf("%02x", (unsigned char)v[i]);
	printf("\n");
}

static const char rs_data[] = "survives a restart\n";

static void
g_save(void)
{
	nfs_fh3 f, d, in;
	WRITE3res *w;

	if (!mkfile(&wd, "file", 0644, &f) || !mkdir_fh(&wd, "dir", 0755, &d) ||
	    !mkfile(&d, "inner", 0644, &in)) {
		check(false, "setup", "%s", lasterr);
		return;
	}
	w = write3(&f, 0, rs_data, sizeof(rs_data) - 1, FILE_SYNC);
	check(ST(w) == NFS3_OK, "write", "WRITE: %s", st3(ST(w)));
	if (ST(w) == NFS3_OK)
		verf_print(w->WRITE3res_u.resok.verf);
	fh_print("root", &root);
	fh_print("file", &f);
	fh_print("dir", &d);
	fh_print("inner", &in);
}

LIBNFS_LISTS static void
g_restarted(void)
{
	nfs_fh3 *f = saved_fh("file"), *d = saved_fh("dir"), *in = saved_fh("inner");
	READ3res *r;
	LOOKUP3res *l;
	READDIR3res *rd;
	WRITE3res *w;
	entry3 *e;
	int seen = 0;

	if (f == NULL || d == NULL || in == NULL) {
		check(false, "setup", "need -H file=, dir=, inner=");
		return;
	}
	r = read3(f, 0, 4096);
	check(ST(r) == NFS3_OK && r->READ3res_u.resok.count >= sizeof(rs_data) - 1 &&
	    memcmp(r->READ3res_u.resok.data.data_val, rs_data,
	    sizeof(rs_data) - 1) == 0, "read-file", "READ with the saved file "
	    "handle: %s", r ? st3(ST(r)) : lasterr);
	l = lookup3(d, "inner");
	check(ST(l) == NFS3_OK && fh_eq(&l->LOOKUP3res_u.resok.object, in),
	    "lookup-dir", "LOOKUP inner in the saved dir handle: %s%s",
	    l ? st3(ST(l)) : lasterr, ST(l) == NFS3_OK ? " (another handle)" : "");
	rd = readdir3(d, 0, NULL, 4096);
	for (e = ST(rd) == NFS3_OK ? rd->READDIR3res_u.resok.reply.entries : NULL;
	    e; e = e->nextentry)
		seen |= strcmp(e->name, "inner") == 0;
	check(seen, "readdir-dir", "READDIR of the saved dir handle: %s",
	    rd ? st3(ST(rd)) : lasterr);
	w = write3(f, sizeof(rs_data) - 1, "more", 4, FILE_SYNC);
	check(ST(w) == NFS3_OK, "write-file", "WRITE: %s",
	    w ? st3(ST(w)) : lasterr);
	if (ST(w) == NFS3_OK)
		verf_print(w->WRITE3res_u.resok.verf);
	check(ST(getattr3(in)) == NFS3_OK, "getattr-inner", "GETATTR: %s",
	    lasterr);
	{
		nfs_fh3 x;
		check(mkfile(d, "after", 0644, &x), "create-in-dir",
		    "CREATE in the saved dir: %s", lasterr);
	}
}

/* ---------------------------------------------------------------- group fresh */
/*
 * READDIRPLUS and LOOKUP answers are as fresh as a stat at the time of the
 * call, and a handle belongs to its object: a file changed on the server
 * (by this process, which runs on the server: EXPORT is its local path)
 * shows its new size and mtime in the next READDIRPLUS and LOOKUP with
 * the same handle; a file removed and made again under the same name (its
 * inode number may be reused) gets a new handle, and the old one is
 * STALE.
 */
/* The entry of name, copied into *out: libnfs' decoder may leave entries
 * at addresses not aligned for their 64-bit fields. */
static entryplus3 *
rdp_find(const nfs_fh3 *d, const char *name, entryplus3 *out)
{
	READDIRPLUS3res *p = readdirplus3(d, 0, NULL, 8192, 65536);
	entryplus3 *e;

	if (ST(p) != NFS3_OK)
		return NULL;
	for (e = p->READDIRPLUS3res_u.resok.reply.entries; e != NULL;
	    e = out->nextentry) {
		memcpy(out, e, sizeof(*out));
		if (strcmp(out->name, name) == 0)
			return out;
	}
	return NULL;
}

static void
g_fresh(void)
{
	char dir[PATH_MAX - 16], path[PATH_MAX];
	struct timespec ts[2];
	struct stat st;
	nfs_fh3 d, h1, h2;
	entryplus3 *e, ent;
	fattr3 *a;
	LOOKUP3res *l;
	int fd, round;
	bool ok;

	if (!mkdir_fh(&wd, "fr", 0755, &d))
		return;
	snprintf(dir, sizeof(dir), "%s/probe.%d.%s/fr", export, (int)getpid(),
	    group);
	snprintf(path, sizeof(path), "%s/f", dir);
	if ((fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644)) < 0 ||
	    write(fd, "0123456789", 10) != 10) {
		check(false, "fresh-setup", "%s: %s", path, strerror(errno));
		return;
	}
	close(fd);
	/* twice: the first listing fills the handle cache, the second hits */
	for (round = 0; round < 2; round++) {
		e = rdp_find(&d, "f", &ent);
		check(e != NULL && e->name_attributes.attributes_follow &&
		    e->name_handle.handle_follows &&
		    e->name_attributes.post_op_attr_u.attributes.size == 10,
		    "fresh-rdp", "READDIRPLUS %d of a 10-byte file: %s", round,
		    e == NULL ? "no entry" : "attributes or handle missing");
		if (e == NULL || !e->name_handle.handle_follows)
			return;
		if (round == 0)
			h1 = fh_dup(&e->name_handle.post_op_fh3_u.handle);
		else
			check(fh_eq(&h1, &e->name_handle.post_op_fh3_u.handle),
			    "fresh-same-fh", "the second listing gave another "
			    "handle for the same file");
		arena_reset();
	}
	/* changed on the server, behind the client's back */
	if ((fd = open(path, O_WRONLY | O_APPEND)) < 0 ||
	    write(fd, "abcdefghij", 10) != 10) {
		check(false, "fresh-change", "%s: %s", path, strerror(errno));
		return;
	}
	close(fd);
	ts[0].tv_sec = ts[1].tv_sec = 1234567890;
	ts[0].tv_nsec = ts[1].tv_nsec = 987654321;
	if (utimensat(AT_FDCWD, path, ts, 0) != 0) {
		check(false, "fresh-change", "utimensat: %s", strerror(errno));
		return;
	}
	e = rdp_find(&d, "f", &ent);
	a = e && e->name_attributes.attributes_follow ?
	    &e->name_attributes.post_op_attr_u.attributes : NULL;
	check(a != NULL && a->size == 20 && a->mtime.seconds == 1234567890 &&
	    a->mtime.nseconds == 987654321 && e->name_handle.handle_follows &&
	    fh_eq(&h1, &e->name_handle.post_op_fh3_u.handle), "fresh-rdp-change",
	    "READDIRPLUS after a change on the server: size %llu mtime %u.%09u "
	    "(want 20, 1234567890.987654321), same handle",
	    a ? (unsigned long long)a->size : 0ULL, a ? a->mtime.seconds : 0,
	    a ? a->mtime.nseconds : 0);
	arena_reset();
	l = lookup3(&d, "f");
	check(ST(l) == NFS3_OK && fh_eq(&h1, &l->LOOKUP3res_u.resok.object) &&
	    la.size == 20 && la.mtime.seconds == 1234567890, "fresh-lookup",
	    "LOOKUP after the change: %s, size %llu", st3(ST(l)),
	    (unsigned long long)la.size);
	arena_reset();
	/* removed and made again: a new object under the old name */
	if (stat(path, &st) != 0 || unlink(path) != 0 ||
	    (fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0644)) < 0) {
		check(false, "fresh-recreate", "%s: %s", path, strerror(errno));
		return;
	}
	close(fd);
	e = rdp_find(&d, "f", &ent);
	ok = e != NULL && e->name_handle.handle_follows &&
	    !fh_eq(&h1, &e->name_handle.post_op_fh3_u.handle) &&
	    e->name_attributes.attributes_follow &&
	    e->name_attributes.post_op_attr_u.attributes.size == 0;
	check(ok, "fresh-rdp-recreate", "READDIRPLUS of a file made again "
	    "under the same name: %s", e == NULL ? "no entry" :
	    "the old handle or attributes");
	if (ok)
		h2 = fh_dup(&e->name_handle.post_op_fh3_u.handle);
	arena_reset();
	l = lookup3(&d, "f");
	check(ST(l) == NFS3_OK && ok && fh_eq(&h2, &l->LOOKUP3res_u.resok.object),
	    "fresh-lookup-recreate", "LOOKUP of the new file: %s, its handle "
	    "%s the listing's", st3(ST(l)), ST(l) == NFS3_OK && ok &&
	    fh_eq(&h2, &l->LOOKUP3res_u.resok.object) ? "is" : "is not");
	arena_reset();
	{
		GETATTR3res *g = getattr3(&h1);

		check(ST(g) == NFS3ERR_STALE, "fresh-old-stale", "GETATTR of "
		    "the removed file's handle: %s (want NFS3ERR_STALE)",
		    g ? st3(ST(g)) : lasterr);
	}
	arena_reset();
}

/* ---------------------------------------------------------------- main */
static const struct {
	const char	*name;
	void		(*fn)(void);
	bool		 needs_wd;
} grouptab[] = {
	{ "attr", g_attr, true },
	{ "lookup", g_lookup, true },
	{ "io", g_io, true },
	{ "create", g_create, true },
	{ "readdir", g_readdir, true },
	{ "fresh", g_fresh, true },
	{ "drc", g_drc, true },
	{ "concurrency", g_concurrency, true },
	{ "udpburst", g_udpburst, true },
	{ "forged", g_forged, true },
	{ "v2", g_v2, false },
	{ "setuid", g_setuid, true },
	{ "ro", g_ro, false },
	{ "rootsquash", g_rootsquash, true },
	{ "norootsquash", g_norootsquash, true },
	{ "allsquash", g_allsquash, true },
	{ "authnone", g_authnone, true },
	{ "nfsdenied", g_nfsdenied, false },
	{ "nfsallowed", g_nfsallowed, false },
	{ "save", g_save, true },
	{ "restarted", g_restarted, false },
	{ "mntdenied", NULL, false },
};

static void
usage(void)
{
	fprintf(stderr, "usage: nfsprobe [-UPN] [-u uid] [-g gid] [-G g,g..] "
	    "[-a uid:gid] [-p port] [-X export2] [-H name=hex]... [-t secs] "
	    "SERVER EXPORT GROUP...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	char *p, *tok;
	int ch, i;
	size_t k;
	bool mntdenied = false;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((ch = getopt(argc, argv, "UPNu:g:G:a:p:X:H:t:W:")) != -1) {
		switch (ch) {
		case 'U': o_udp = true; break;
		case 'P': o_nonpriv = true; break;
		case 'N': o_nomount = true; break;
		case 'u': o_uid = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'g': o_gid = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'G':
			for (tok = strtok(optarg, ","); tok != NULL && o_ngroups < 16;
			    tok = strtok(NULL, ","))
				o_groups[o_ngroups++] = (uint32_t)strtoul(tok, NULL, 10);
			break;
		case 'a':
			if (sscanf(optarg, "%u:%u", &anon_uid, &anon_gid) != 2)
				usage();
			break;
		case 'p': o_port = atoi(optarg); break;
		case 'X': export2 = optarg; break;
		case 't': o_timeout = atoi(optarg); break;
		case 'W': o_udpwin = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
		case 'H':
			if ((p = strchr(optarg, '=')) == NULL || nsaved >= 16)
				usage();
			*p = '\0';
			saved[nsaved].name = optarg;
			if (!fh_parse(p + 1, &saved[nsaved].fh))
				usage();
			nsaved++;
			break;
		default: usage();
		}
	}
	if (argc - optind < 3)
		usage();
	server = argv[optind];
	export = argv[optind + 1];
	for (i = optind + 2; i < argc; i++) {
		for (k = 0; k < sizeof(grouptab) / sizeof(grouptab[0]); k++)
			if (strcmp(argv[i], grouptab[k].name) == 0)
				break;
		if (k == sizeof(grouptab) / sizeof(grouptab[0])) {
			fprintf(stderr, "nfsprobe: unknown group %s\n", argv[i]);
			usage();
		}
		mntdenied |= strcmp(argv[i], "mntdenied") == 0;
	}

	if (!o_nomount) {
		snprintf(group, sizeof(group), "mount");
		if (mnt_connect() != 0) {
			check(false, "connect", "mountd at %s: %s", server, lasterr);
			return 1;
		}
		if (mntdenied) {
			nfs_fh3 x;
			snprintf(group, sizeof(group), "mntdenied");
			check(!do_mnt(export, &x) && mnt_status != -1, "mnt",
			    "MNT %s from this address: status %d%s%s", export,
			    mnt_status, mnt_status == -1 ? ", " : "",
			    mnt_status == -1 ? lasterr : "");
			check(mnt_status == MNT3ERR_ACCES || mnt_status == MNT3ERR_PERM,
			    "mnt-status", "MNT status %d, want ACCES (13) or PERM (1)",
			    mnt_status);
			rpc_destroy_context(mnt.rpc);
			arena_reset();
			fh_free_all();
			printf("# %d passed, %d failed\n", npass, nfail);
			return nfail != 0;
		}
		if (!do_mnt(export, &root)) {
			check(false, "mnt", "MNT %s: status %d %s", export,
			    mnt_status, lasterr);
			return 1;
		}
	} else {
		nfs_fh3 *r = saved_fh("root");
		if (r == NULL)
			usage();
		root = fh_dup(r);
	}
	if (nfs_connect() != 0) {
		snprintf(group, sizeof(group), "connect");
		check(false, "nfs", "%s: %s", nfs.what ? nfs.what : "nfs", lasterr);
		return 1;
	}
	for (i = optind + 2; i < argc; i++) {
		for (k = 0; strcmp(argv[i], grouptab[k].name) != 0; k++)
			;
		snprintf(group, sizeof(group), "%s%s", grouptab[k].name,
		    o_udp ? "@udp" : "");
		as_default();
		if (grouptab[k].needs_wd && !group_dir())
			continue;
		grouptab[k].fn();
		arena_reset();
	}
	printf("# %d passed, %d failed\n", npass, nfail);
	if (mnt.rpc != NULL)
		rpc_destroy_context(mnt.rpc);
	rpc_destroy_context(nfs.rpc);
	arena_reset();
	fh_free_all();
	return nfail != 0;
}
