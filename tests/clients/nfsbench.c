/*
 * nfsbench: an NFSv3 load generator on libnfs' raw async API, and a small
 * line-driven client that keeps its connection (for tests).
 *
 *   nfsbench bench -s SERVER -e EXPORT -w WORKLOAD [-c CONNS] [-d DEPTH]
 *	    [-t SECS] [-n OPS] [-P SERVER_PID] [-W WRITE_MIB] [-p PORT]
 *	    [-T TAG] [-D DIR] [-r RATE]
 *	one timed run of WORKLOAD over CONNS TCP connections (1 to 1024, one
 *	libnfs context each; RLIMIT_NOFILE is raised to fit) with DEPTH
 *	requests outstanding on each (pipelined: the next call goes out from
 *	the callback of the last). -n stops after OPS operations instead (the
 *	-t clock stays a cap). A connection the server closes is counted as
 *	an error and dropped; the run goes on with the others. (As root,
 *	libnfs binds every connection to a free port of 512-1023 first; past
 *	those, connections come from ephemeral ports. See getservbyport below.)
 *	Prints one line:
 *	  RESULT workload=W conns=C depth=D ops=N secs=S bytes=B errors=E
 *	      cpu=SECONDS_OF_SERVER_CPU (utime+stime of SERVER_PID, or -1)
 *	      p50=US p99=US (latency of one operation in microseconds, from
 *	      a log-linear histogram: 16 buckets per power of two, so within
 *	      about 3 %; an operation is one call, a whole listing for
 *	      readdirplus, an MNT+UMNT pair for mnt)
 *	      rss0=KIB rssmax=KIB rss1=KIB hwm=KIB (SERVER_PID's VmRSS before
 *	      the timed part, the largest sampled every 100 ms during it, and
 *	      after it; VmHWM after it; -1 without -P)
 *	      connect=SECS (setting up the connections)
 *	      dropped=N (connections the server closed during the run)
 *	and with -r, a second timed run of SECS on the same connections,
 *	paced: every slot sends its next call 1/RATE x (CONNS x DEPTH)
 *	seconds after its last was due (later if the reply came later), the
 *	slots staggered, so the server sees RATE calls/s in all whatever the
 *	number of connections, and latency is the server's, not the queue
 *	of a saturated closed loop (Little's law):
 *	      rate=RATE rops=N rsecs=S rerrors=E rp50=US rp99=US
 *	The export must hold what tests/bench/run lays out:
 *	  getattr		a small file (GETATTR)
 *	  lookup/l000..l099	names to LOOKUP
 *	  readfile		READ 1 MiB at a time, round robin
 *	  rdp/			10,000 entries (READDIRPLUS, whole listings;
 *				-D names another directory of the export
 *				root, e.g. the scale runs' rdp1000000/)
 *	  create/		CREATE c<TAG>-<conn>-<n>; REMOVE takes the same
 *				names, in order, until one is missing
 *	  write/		WRITE files w<conn>, truncated first
 *	Workloads: null getattr lookup read write-unstable (WRITE_MIB in all,
 *	UNSTABLE, then COMMIT of each file: time includes the COMMITs)
 *	write-sync (FILE_SYNC, timed) create remove readdirplus (one op = one
 *	whole listing, READDIRPLUS continued by cookie), and mnt: MNT of
 *	EXPORT then UMNT of it, over MOUNT v3 connections to the server's
 *	mountd (found through its rpcbind; -P is then mountd's PID).
 *
 *   nfsbench shell
 *	reads commands on stdin, answers each with one line "ok ..." or
 *	"err ERRNO message", on the libnfs synchronous API with automatic
 *	reconnection off, so a dropped connection shows as an error:
 *	  mount NAME SERVER EXPORT	port NAME (local TCP port to nfsd)
 *	  stat NAME PATH (ok SIZE MODE)	write NAME PATH TEXT	cat NAME PATH
 *	  ls NAME PATH (ok COUNT)	umount NAME	quit
 *	  fill NAME PATH MIB (create or truncate, write MIB MiB; ok BYTES)
 *	  read NAME PATH (the whole file; ok BYTES)
 *	  rm NAME PATH			mv NAME FROM TO
 *	  ln NAME FROM TO (a hard link)	mkdir NAME PATH	rmdir NAME PATH
 *	  mkfifo NAME PATH
 *	and, as raw calls on a second connection of the session (MNT of the
 *	same export, PATH one name in its root):
 *	  writeu NAME PATH OFFSET COUNT WORD  one UNSTABLE WRITE of WORD
 *	    repeated to COUNT bytes (ok COUNT COMMITTED VERF, VERF in hex)
 *	  commit NAME PATH  COMMIT of the whole file (ok VERF)
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
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

#define MIB		(1024 * 1024)
#define MAXCONN		1024
#define MAXDEPTH	256
#define RDP_MAXCOUNT	131072
#define RDP_DIRCOUNT	(RDP_MAXCOUNT / 8)	/* as Linux asks */
#define LOOKUP_NAMES	100

enum wl {
	WL_NULL, WL_GETATTR, WL_LOOKUP, WL_READ, WL_WRITE_UNSTABLE,
	WL_WRITE_SYNC, WL_CREATE, WL_REMOVE, WL_READDIRPLUS, WL_MNT
};
static const char *const wl_names[] = {
	"null", "getattr", "lookup", "read", "write-unstable", "write-sync",
	"create", "remove", "readdirplus", "mnt"
};

/*
 * Latency histogram, log-linear: values (ns) under 2^HSUB_BITS+1 have a
 * bucket each; above, each power of two is cut into 2^HSUB_BITS buckets.
 */
#define HSUB_BITS	4
#define HSUB		(1 << HSUB_BITS)
#define HBUCKETS	(64 * HSUB)

struct fh {
	char	 data[128];
	u_int	 len;
};

struct conn;
struct slot {
	struct conn	*c;
	bool		 busy;
	double		 t_issue;	/* when the operation began */
	double		 due;		/* -r: when the next one goes */
	uint64_t	 cookie;	/* READDIRPLUS: where the listing is */
	char		 verf[NFS3_COOKIEVERFSIZE];
	char		 name[64];
};

struct conn {
	int			 idx;
	struct rpc_context	*rpc;
	int			 fd, events;	/* as registered with epoll */
	struct fh		 wfile;		/* WRITE: this connection's file */
	uint64_t		 next_off;	/* READ/WRITE: next offset */
	uint64_t		 budget;	/* write-unstable: bytes to send */
	uint64_t		 next_seq;	/* CREATE/REMOVE names */
	bool			 exhausted;	/* REMOVE: names ran out */
	int			 outstanding;
	bool			 committing, committed;
	char			 wverf[NFS3_WRITEVERFSIZE];
	bool			 have_wverf;
	bool			 dead;		/* closed under us */
	struct slot		 slots[MAXDEPTH];
};

static struct {
	enum wl		 wl;
	int		 nconn, depth;
	double		 secs;
	uint64_t	 write_bytes;
	uint64_t	 read_size;
	struct fh	 root, getattr, lookupdir, readfile, rdp, createdir,
			 writedir;
	struct conn	*conns;		/* nconn of them */
	double		 t0, deadline, tlast;
	uint64_t	 ops, bytes, errors;
	uint64_t	 maxops, issued;	/* -n: operations to run */
	uint64_t	 dropped;	/* connections lost */
	bool		 stop;
	char		*buf;		/* WRITE payload */
	const char	*tag;		/* CREATE/REMOVE: names of this run */
	const char	*rdpdir;	/* READDIRPLUS: the directory's name */
	const char	*export;	/* MNT: the path */
	uint64_t	 hist[HBUCKETS];
	long		 pid;		/* the server's, for CPU and RSS */
	long		 rssmax;
	double		 next_rss;
	int		 epfd;
	double		 rate;		/* -r: calls/s of the paced run */
	bool		 paced;		/* in the paced run */
	struct slot	**heap;		/* paced: idle slots by due time */
	size_t		 nheap;
} B;

/*
 * libnfs asks getservbyport(3) about every port of 512-1023 it tries to
 * bind a connection to, skipping the well-known ones; once all are taken
 * (past ~500 connections) each new connection walks all of them, parsing
 * /etc/services ~500 times: 10-30 ms a connection here, 10-30 s for 1,024.
 * This definition takes the place of libc's for libnfs (ELF symbol
 * interposition): no port is "well known", which on the loopback of a
 * bench's network namespace disturbs nothing.
 */
struct servent *
getservbyport(int port, const char *proto)
{
	(void)port;
	(void)proto;
	return NULL;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));

static unsigned
hbucket(uint64_t ns)
{
	unsigned e;

	if (ns < 2 * HSUB)
		return (unsigned)ns;
	e = 63U - (unsigned)__builtin_clzll(ns);	/* e > HSUB_BITS */
	return (e - HSUB_BITS + 1) * HSUB +
	    (unsigned)((ns >> (e - HSUB_BITS)) & (HSUB - 1));
}

/* The middle of bucket b, in ns. */
static double
hvalue(unsigned b)
{
	unsigned e, sub;
	uint64_t lo;

	if (b < 2 * HSUB)
		return (double)b;
	e = b / HSUB + HSUB_BITS - 1;
	sub = b % HSUB;
	lo = ((uint64_t)(HSUB + sub)) << (e - HSUB_BITS);
	return (double)lo + (double)(1ULL << (e - HSUB_BITS)) / 2;
}

static void
hrecord(double secs)
{
	unsigned b = hbucket(secs > 0 ? (uint64_t)(secs * 1e9) : 0);

	B.hist[b < HBUCKETS ? b : HBUCKETS - 1]++;
}

/* The q-quantile (0 < q < 1) of the recorded latencies in microseconds,
 * or -1 if none was recorded. */
static double
hquantile(double q)
{
	uint64_t n = 0, acc = 0, want;
	unsigned b;

	for (b = 0; b < HBUCKETS; b++)
		n += B.hist[b];
	if (n == 0)
		return -1;
	want = (uint64_t)(q * (double)n);
	if (want >= n)
		want = n - 1;
	for (b = 0; b < HBUCKETS; b++) {
		acc += B.hist[b];
		if (acc > want)
			break;
	}
	return hvalue(b < HBUCKETS ? b : HBUCKETS - 1) / 1e3;
}

/* VmRSS or VmHWM (key "VmRSS:" or "VmHWM:") of pid in KiB, or -1. */
static long
proc_kib(long pid, const char *key)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0) {
			v = strtol(line + strlen(key), NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nfsbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ------------------------------------------------------------ synchronous set-up calls */
struct wait {
	bool	 done;
	int	 status;
	int	 nfsstat;
	struct fh fh;
	char	 err[256];
};

static void
run_until(struct rpc_context *rpc, bool *done)
{
	struct pollfd p;

	while (!*done) {
		p.fd = rpc_get_fd(rpc);
		p.events = (short)rpc_which_events(rpc);
		p.revents = 0;
		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (rpc_service(rpc, p.revents) < 0)
			die("rpc_service: %s", rpc_get_error(rpc));
	}
}

static void
wait_cb_status(struct wait *w, int status, void *data)
{
	w->done = true;
	w->status = status;
	if (status != RPC_STATUS_SUCCESS)
		snprintf(w->err, sizeof(w->err), "%s",
		    data != NULL ? (const char *)data : "cancelled");
}

static void
connect_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	(void)rpc;
	wait_cb_status(priv, status, data);
}

static void
mnt_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	struct wait *w = priv;
	mountres3 *r = data;

	(void)rpc;
	wait_cb_status(w, status, data);
	if (status != RPC_STATUS_SUCCESS)
		return;
	w->nfsstat = (int)r->fhs_status;
	if (r->fhs_status == MNT3_OK) {
		w->fh.len = r->mountres3_u.mountinfo.fhandle.fhandle3_len;
		if (w->fh.len > sizeof(w->fh.data))
			die("%s", "mount: handle too long");
		memcpy(w->fh.data, r->mountres3_u.mountinfo.fhandle.fhandle3_val,
		    w->fh.len);
	}
}

static void
lookup_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	struct wait *w = priv;
	LOOKUP3res *r = data;

	(void)rpc;
	wait_cb_status(w, status, data);
	if (status != RPC_STATUS_SUCCESS)
		return;
	w->nfsstat = (int)r->status;
	if (r->status == NFS3_OK) {
		w->fh.len = r->LOOKUP3res_u.resok.object.data.data_len;
		if (w->fh.len > sizeof(w->fh.data))
			die("%s", "lookup: handle too long");
		memcpy(w->fh.data, r->LOOKUP3res_u.resok.object.data.data_val,
		    w->fh.len);
	}
}

static void
create_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	struct wait *w = priv;
	CREATE3res *r = data;
	post_op_fh3 *o;

	(void)rpc;
	wait_cb_status(w, status, data);
	if (status != RPC_STATUS_SUCCESS)
		return;
	w->nfsstat = (int)r->status;
	if (r->status != NFS3_OK)
		return;
	o = &r->CREATE3res_u.resok.obj;
	if (!o->handle_follows)
		die("%s", "create: no handle in the reply");
	w->fh.len = o->post_op_fh3_u.handle.data.data_len;
	if (w->fh.len > sizeof(w->fh.data))
		die("%s", "create: handle too long");
	memcpy(w->fh.data, o->post_op_fh3_u.handle.data.data_val, w->fh.len);
}

static void
sync_connect(struct rpc_context *rpc, const char *server, int port,
    int program)
{
	struct wait w = { 0 };
	int rc;

	if (port != 0)
		rc = rpc_connect_async(rpc, server, port, connect_cb, &w);
	else
		rc = rpc_connect_program_async(rpc, server, program, 3,
		    connect_cb, &w);
	if (rc != 0)
		die("connect: %s", rpc_get_error(rpc));
	run_until(rpc, &w.done);
	if (w.status != RPC_STATUS_SUCCESS)
		die("connect: %s", w.err);
}

static void
sync_mount(const char *server, const char *export, struct fh *out)
{
	struct rpc_context *rpc;
	struct wait w = { 0 };

	if ((rpc = rpc_init_context()) == NULL)
		die("%s", "rpc_init_context");
	sync_connect(rpc, server, 0, MOUNT_PROGRAM);
	if (rpc_mount3_mnt_async(rpc, mnt_cb, (char *)export, &w) != 0)
		die("mnt: %s", rpc_get_error(rpc));
	run_until(rpc, &w.done);
	if (w.status != RPC_STATUS_SUCCESS)
		die("mnt: %s", w.err);
	if (w.nfsstat != MNT3_OK)
		die("mount %s refused", export);
	*out = w.fh;
	rpc_destroy_context(rpc);
}

static void
sync_lookup(struct rpc_context *rpc, const struct fh *dir, const char *name,
    struct fh *out)
{
	LOOKUP3args a;
	struct wait w = { 0 };

	memset(&a, 0, sizeof(a));
	a.what.dir.data.data_len = dir->len;
	a.what.dir.data.data_val = (char *)dir->data;
	a.what.name = (char *)name;
	if (rpc_nfs3_lookup_async(rpc, lookup_cb, &a, &w) != 0)
		die("lookup: %s", rpc_get_error(rpc));
	run_until(rpc, &w.done);
	if (w.status != RPC_STATUS_SUCCESS)
		die("lookup: %s", w.err);
	if (w.nfsstat != NFS3_OK)
		die("lookup of %s failed", name);
	*out = w.fh;
}

/* CREATE UNCHECKED with size 0: an empty file, existing or not. */
static void
sync_create_empty(struct rpc_context *rpc, const struct fh *dir,
    const char *name, struct fh *out)
{
	CREATE3args a;
	struct wait w = { 0 };

	memset(&a, 0, sizeof(a));
	a.where.dir.data.data_len = dir->len;
	a.where.dir.data.data_val = (char *)dir->data;
	a.where.name = (char *)name;
	a.how.mode = UNCHECKED;
	a.how.createhow3_u.obj_attributes.mode.set_it = 1;
	a.how.createhow3_u.obj_attributes.mode.set_mode3_u.mode = 0644;
	a.how.createhow3_u.obj_attributes.size.set_it = 1;
	a.how.createhow3_u.obj_attributes.size.set_size3_u.size = 0;
	if (rpc_nfs3_create_async(rpc, create_cb, &a, &w) != 0)
		die("create: %s", rpc_get_error(rpc));
	run_until(rpc, &w.done);
	if (w.status != RPC_STATUS_SUCCESS)
		die("create: %s", w.err);
	if (w.nfsstat != NFS3_OK)
		die("create of %s failed", name);
	*out = w.fh;
}

static void
getattr_size_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	struct wait *w = priv;
	GETATTR3res *r = data;

	(void)rpc;
	wait_cb_status(w, status, data);
	if (status == RPC_STATUS_SUCCESS) {
		w->nfsstat = (int)r->status;
		if (r->status == NFS3_OK)
			B.read_size = r->GETATTR3res_u.resok.obj_attributes.size;
	}
}

/* ------------------------------------------------------------ the timed run */
static void issue(struct slot *s);

/* The paced run's idle slots: a binary min-heap on due. */
static void
heap_push(struct slot *s)
{
	size_t i = B.nheap++, p;

	while (i > 0 && B.heap[p = (i - 1) / 2]->due > s->due) {
		B.heap[i] = B.heap[p];
		i = p;
	}
	B.heap[i] = s;
}

static struct slot *
heap_pop(void)
{
	struct slot *top = B.heap[0], *last = B.heap[--B.nheap];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < B.nheap) {
		if (c + 1 < B.nheap && B.heap[c + 1]->due < B.heap[c]->due)
			c++;
		if (B.heap[c]->due >= last->due)
			break;
		B.heap[i] = B.heap[c];
		i = c;
	}
	if (B.nheap > 0)
		B.heap[i] = last;
	return top;
}

/* Paced run: slot s goes again one period after it was last due. */
static void
pace(struct slot *s)
{
	s->due += (double)(B.nconn * B.depth) / B.rate;
	if (s->due < B.tlast)
		s->due = B.tlast;
	heap_push(s);
}

static bool
time_up(void)
{
	return B.stop || now() >= B.deadline;
}

/* One call finished on slot s: count it, send the next. */
static void
done(struct slot *s, int status, void *data, int nfsstat, uint64_t bytes)
{
	struct conn *c = s->c;

	s->busy = false;
	c->outstanding--;
	B.tlast = now();
	if (status != RPC_STATUS_SUCCESS || nfsstat != NFS3_OK) {
		if (B.wl == WL_REMOVE && status == RPC_STATUS_SUCCESS &&
		    nfsstat == NFS3ERR_NOENT) {
			c->exhausted = true;	/* all its files are gone */
			return;
		}
		if (B.errors++ < 5)
			fprintf(stderr, "nfsbench: %s: %s%d\n", wl_names[B.wl],
			    status != RPC_STATUS_SUCCESS ? "rpc error: " :
			    "nfsstat3 ", status != RPC_STATUS_SUCCESS ?
			    status : nfsstat);
		if (status != RPC_STATUS_SUCCESS && data != NULL &&
		    B.errors < 5)
			fprintf(stderr, "nfsbench:   %s\n", (const char *)data);
		if (B.errors > 100)
			B.stop = true;
		return;
	}
	B.ops++;
	B.bytes += bytes;
	hrecord(B.tlast - s->t_issue);
	if (B.paced)
		pace(s);
	else
		issue(s);
}

static void
null_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	(void)rpc;
	done(priv, status, data, NFS3_OK, 0);
}

static void
getattr_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	GETATTR3res *r = data;

	(void)rpc;
	done(priv, status, data, status == RPC_STATUS_SUCCESS ?
	    (int)r->status : 0, 0);
}

static void
lookup_bench_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	LOOKUP3res *r = data;

	(void)rpc;
	done(priv, status, data, status == RPC_STATUS_SUCCESS ?
	    (int)r->status : 0, 0);
}

static void
read_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	READ3res *r = data;
	int st = status == RPC_STATUS_SUCCESS ? (int)r->status : 0;
	uint64_t n = 0;

	(void)rpc;
	if (status == RPC_STATUS_SUCCESS && st == NFS3_OK)
		n = r->READ3res_u.resok.count;
	done(priv, status, data, st, n);
}

static void
write_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	WRITE3res *r = data;
	struct slot *s = priv;
	int st = status == RPC_STATUS_SUCCESS ? (int)r->status : 0;
	uint64_t n = 0;

	(void)rpc;
	if (status == RPC_STATUS_SUCCESS && st == NFS3_OK) {
		n = r->WRITE3res_u.resok.count;
		if (n != MIB && B.errors++ < 5)
			fprintf(stderr, "nfsbench: short write %" PRIu64 "\n", n);
		if (B.wl == WL_WRITE_SYNC &&
		    r->WRITE3res_u.resok.committed != FILE_SYNC &&
		    B.errors++ < 5)
			fprintf(stderr, "nfsbench: FILE_SYNC answered %d\n",
			    (int)r->WRITE3res_u.resok.committed);
		if (!s->c->have_wverf) {
			memcpy(s->c->wverf, r->WRITE3res_u.resok.verf,
			    sizeof(s->c->wverf));
			s->c->have_wverf = true;
		}
	}
	done(s, status, data, st, n);
}

static void
commit_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	COMMIT3res *r = data;
	struct conn *c = priv;

	(void)rpc;
	c->committed = true;
	B.tlast = now();
	if (status != RPC_STATUS_SUCCESS || r->status != NFS3_OK) {
		B.errors++;
		fprintf(stderr, "nfsbench: COMMIT failed\n");
	} else if (c->have_wverf &&
	    memcmp(c->wverf, r->COMMIT3res_u.resok.verf, sizeof(c->wverf)) != 0) {
		B.errors++;
		fprintf(stderr, "nfsbench: COMMIT verifier differs from WRITE's\n");
	}
}

static void
create_bench_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	CREATE3res *r = data;

	(void)rpc;
	done(priv, status, data, status == RPC_STATUS_SUCCESS ?
	    (int)r->status : 0, 0);
}

static void
remove_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	REMOVE3res *r = data;

	(void)rpc;
	done(priv, status, data, status == RPC_STATUS_SUCCESS ?
	    (int)r->status : 0, 0);
}

static void
rdp_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	READDIRPLUS3res *r = data;
	struct slot *s = priv;
	READDIRPLUS3resok *ok;
	entryplus3 *e;
	uint64_t n = 0;

	(void)rpc;
	if (status != RPC_STATUS_SUCCESS || r->status != NFS3_OK) {
		s->cookie = 0;
		done(s, status, data, status == RPC_STATUS_SUCCESS ?
		    (int)r->status : 0, 0);
		return;
	}
	ok = &r->READDIRPLUS3res_u.resok;
	for (e = ok->reply.entries; e != NULL; e = e->nextentry) {
		s->cookie = e->cookie;
		n++;
	}
	memcpy(s->verf, ok->cookieverf, sizeof(s->verf));
	B.bytes += n;		/* entries, for the sanity check */
	if (ok->reply.eof || n == 0) {
		s->cookie = 0;
		memset(s->verf, 0, sizeof(s->verf));
		done(s, status, data, NFS3_OK, 0);
		return;
	}
	/* the listing goes on, whatever the clock says */
	{
		READDIRPLUS3args a;

		memset(&a, 0, sizeof(a));
		a.dir.data.data_len = B.rdp.len;
		a.dir.data.data_val = B.rdp.data;
		a.cookie = s->cookie;
		memcpy(a.cookieverf, s->verf, sizeof(a.cookieverf));
		a.dircount = RDP_DIRCOUNT;
		a.maxcount = RDP_MAXCOUNT;
		if (rpc_nfs3_readdirplus_async(s->c->rpc, rdp_cb, &a, s) != 0) {
			B.errors++;
			B.stop = true;
			s->busy = false;
			s->c->outstanding--;
		}
	}
}

static void
umnt_bench_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	(void)rpc;
	done(priv, status, data, NFS3_OK, 0);
}

/* MNT answered: UMNT the same path; the pair is one operation. */
static void
mnt_bench_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	mountres3 *r = data;
	struct slot *s = priv;

	if (status != RPC_STATUS_SUCCESS || r->fhs_status != MNT3_OK) {
		done(s, status, data, status == RPC_STATUS_SUCCESS ?
		    (int)r->fhs_status : 0, 0);
		return;
	}
	if (rpc_mount3_umnt_async(rpc, umnt_bench_cb, (char *)B.export,
	    s) != 0)
		die("umnt: %s", rpc_get_error(rpc));
}

static void
maybe_commit(struct conn *c)
{
	COMMIT3args a;

	if (B.wl != WL_WRITE_UNSTABLE || c->committing || c->outstanding > 0)
		return;
	if (c->budget > 0 && !B.stop)
		return;
	c->committing = true;
	memset(&a, 0, sizeof(a));
	a.file.data.data_len = c->wfile.len;
	a.file.data.data_val = c->wfile.data;
	a.offset = 0;
	a.count = 0;
	if (rpc_nfs3_commit_async(c->rpc, commit_cb, &a, c) != 0)
		die("commit: %s", rpc_get_error(c->rpc));
}

/* Send the next call of the workload on slot s, if there is one to send. */
static void
issue(struct slot *s)
{
	struct conn *c = s->c;
	struct rpc_context *rpc = c->rpc;
	int rc = 0;

	if (B.wl == WL_WRITE_UNSTABLE) {
		if (c->budget == 0 || B.stop) {
			maybe_commit(c);
			return;
		}
	} else if (time_up() || (B.wl == WL_REMOVE && c->exhausted)) {
		return;
	}
	if (B.maxops > 0 && B.issued >= B.maxops)
		return;
	B.issued++;
	s->busy = true;
	s->t_issue = now();
	c->outstanding++;
	switch (B.wl) {
	case WL_NULL:
		rc = rpc_nfs3_null_async(rpc, null_cb, s);
		break;
	case WL_GETATTR: {
		GETATTR3args a;

		a.object.data.data_len = B.getattr.len;
		a.object.data.data_val = B.getattr.data;
		rc = rpc_nfs3_getattr_async(rpc, getattr_cb, &a, s);
		break;
	}
	case WL_LOOKUP: {
		LOOKUP3args a;

		snprintf(s->name, sizeof(s->name), "l%03u",
		    (unsigned)(c->next_seq++ % LOOKUP_NAMES));
		a.what.dir.data.data_len = B.lookupdir.len;
		a.what.dir.data.data_val = B.lookupdir.data;
		a.what.name = s->name;
		rc = rpc_nfs3_lookup_async(rpc, lookup_bench_cb, &a, s);
		break;
	}
	case WL_READ: {
		READ3args a;

		a.file.data.data_len = B.readfile.len;
		a.file.data.data_val = B.readfile.data;
		a.offset = c->next_off;
		a.count = MIB;
		c->next_off += MIB;
		if (c->next_off + MIB > B.read_size)
			c->next_off = 0;
		rc = rpc_nfs3_read_async(rpc, read_cb, &a, s);
		break;
	}
	case WL_WRITE_UNSTABLE:
	case WL_WRITE_SYNC: {
		WRITE3args a;

		a.file.data.data_len = c->wfile.len;
		a.file.data.data_val = c->wfile.data;
		a.offset = c->next_off;
		a.count = MIB;
		a.stable = B.wl == WL_WRITE_SYNC ? FILE_SYNC : UNSTABLE;
		a.data.data_len = MIB;
		a.data.data_val = B.buf;
		c->next_off += MIB;
		if (B.wl == WL_WRITE_UNSTABLE)
			c->budget -= MIB;
		rc = rpc_nfs3_write_async(rpc, write_cb, &a, s);
		break;
	}
	case WL_CREATE:
	case WL_REMOVE: {
		snprintf(s->name, sizeof(s->name), "c%s-%d-%" PRIu64, B.tag,
		    c->idx, c->next_seq++);
		if (B.wl == WL_CREATE) {
			CREATE3args a;

			memset(&a, 0, sizeof(a));
			a.where.dir.data.data_len = B.createdir.len;
			a.where.dir.data.data_val = B.createdir.data;
			a.where.name = s->name;
			a.how.mode = UNCHECKED;
			a.how.createhow3_u.obj_attributes.mode.set_it = 1;
			a.how.createhow3_u.obj_attributes.mode.set_mode3_u.mode =
			    0644;
			rc = rpc_nfs3_create_async(rpc, create_bench_cb, &a, s);
		} else {
			REMOVE3args a;

			a.object.dir.data.data_len = B.createdir.len;
			a.object.dir.data.data_val = B.createdir.data;
			a.object.name = s->name;
			rc = rpc_nfs3_remove_async(rpc, remove_cb, &a, s);
		}
		break;
	}
	case WL_READDIRPLUS: {
		READDIRPLUS3args a;

		memset(&a, 0, sizeof(a));
		a.dir.data.data_len = B.rdp.len;
		a.dir.data.data_val = B.rdp.data;
		a.cookie = 0;
		a.dircount = RDP_DIRCOUNT;
		a.maxcount = RDP_MAXCOUNT;
		rc = rpc_nfs3_readdirplus_async(rpc, rdp_cb, &a, s);
		break;
	}
	case WL_MNT:
		rc = rpc_mount3_mnt_async(rpc, mnt_bench_cb, (char *)B.export,
		    s);
		break;
	}
	if (rc != 0)
		die("send: %s", rpc_get_error(rpc));
}

static bool
all_idle(void)
{
	int i;

	for (i = 0; i < B.nconn; i++) {
		struct conn *c = &B.conns[i];

		if (c->dead)
			continue;
		if (c->outstanding > 0 || rpc_queue_length(c->rpc) > 0)
			return false;
		if (B.wl == WL_WRITE_UNSTABLE && !c->committed)
			return false;
	}
	return true;
}

/* Tell epoll what connection i waits for now (libnfs' rpc_which_events). */
static void
watch(int i)
{
	struct conn *c = &B.conns[i];
	struct epoll_event ev;
	int fd = rpc_get_fd(c->rpc), events = rpc_which_events(c->rpc);

	if (fd == c->fd && events == c->events)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = (uint32_t)events;	/* POLLIN, POLLOUT == EPOLLIN, EPOLLOUT */
	ev.data.u32 = (uint32_t)i;
	if (fd != c->fd) {
		if (c->fd >= 0)
			(void)epoll_ctl(B.epfd, EPOLL_CTL_DEL, c->fd, NULL);
		if (fd >= 0 && epoll_ctl(B.epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
			die("epoll_ctl: %s", strerror(errno));
	} else if (epoll_ctl(B.epfd, EPOLL_CTL_MOD, fd, &ev) != 0) {
		die("epoll_ctl: %s", strerror(errno));
	}
	c->fd = fd;
	c->events = events;
}

static void
sample_rss(void)
{
	long v;

	if (B.pid <= 0 || now() < B.next_rss)
		return;
	B.next_rss = now() + 0.1;
	if ((v = proc_kib(B.pid, "VmRSS:")) > B.rssmax)
		B.rssmax = v;
}

/* epoll rather than poll: 1,024 connections with one call each would
 * otherwise cost a scan of every descriptor per reply. */
static void
loop(void)
{
	struct epoll_event evs[256];
	struct timespec ts;
	int i, n, k;

	for (i = 0; i < B.nconn; i++)
		watch(i);
	for (;;) {
		sample_rss();
		if (all_idle() && B.nheap == 0)
			return;
		if (B.wl == WL_WRITE_UNSTABLE && now() > B.deadline && !B.stop) {
			fprintf(stderr, "nfsbench: write-unstable: time cap "
			    "reached, stopping early\n");
			B.stop = true;
			for (i = 0; i < B.nconn; i++) {
				maybe_commit(&B.conns[i]);
				watch(i);
			}
		}
		if (B.paced) {
			double t = now(), wait = 0.1;

			while (B.nheap > 0 && B.heap[0]->due <= t &&
			    !time_up()) {
				struct slot *sl = heap_pop();

				issue(sl);
				watch(sl->c->idx);
			}
			if (time_up())
				B.nheap = 0;
			if (B.nheap > 0 && B.heap[0]->due - t < wait)
				wait = B.heap[0]->due - t;
			if (wait < 0)
				wait = 0;
			ts.tv_sec = (time_t)wait;
			ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
			if (all_idle() && B.nheap == 0)
				return;
		} else {
			ts.tv_sec = 0;
			ts.tv_nsec = 100 * 1000 * 1000;
		}
		n = epoll_pwait2(B.epfd, evs, (int)(sizeof(evs) / sizeof(evs[0])),
		    &ts, NULL);
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (k = 0; k < n; k++) {
			struct conn *c = &B.conns[(i = (int)evs[k].data.u32)];

			if (c->dead)
				continue;
			if (rpc_service(c->rpc, (int)evs[k].events) < 0) {
				/* the server closed it: count it, go on */
				const char *m = rpc_get_error(c->rpc);

				if (B.errors++ < 5)
					fprintf(stderr, "nfsbench: connection %d: "
					    "%s\n", i, m != NULL ? m :
					    "closed by the server");
				B.dropped++;
				c->dead = true;
				c->outstanding = 0;
				if (c->fd >= 0)
					(void)epoll_ctl(B.epfd, EPOLL_CTL_DEL,
					    c->fd, NULL);
				continue;
			}
			watch(i);
		}
	}
}

/* Room for n connections and some: the soft limit, and as root the hard. */
static void
raise_nofile(int n)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)n + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		die("getrlimit: %s", strerror(errno));
	if (rl.rlim_cur >= want)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
		rl.rlim_max = want;
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		die("setrlimit(RLIMIT_NOFILE, %lu): %s", (unsigned long)want,
		    strerror(errno));
}

static double
proc_cpu(long pid)
{
	char path[64], buf[2048], *p;
	unsigned long long ut, st;
	FILE *f;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (p == NULL || (p = strrchr(buf, ')')) == NULL)
		return -1;
	/* after "pid (comm)": state is field 3; utime, stime are 14, 15 */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	    &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int
bench(int argc, char **argv)
{
	const char *server = NULL, *export = NULL, *wname = NULL;
	long pid = 0, rss0, rss1, hwm;
	int port = 2049, opt, i, j, k;
	double cpu0, cpu1, secs, tconn;
	struct fh tmp;
	char name[32];

	B.nconn = 1;
	B.depth = 1;
	B.secs = 3;
	B.write_bytes = 1024ULL * MIB;
	B.tag = "";
	B.rdpdir = "rdp";
	while ((opt = getopt(argc, argv, "s:e:w:c:d:t:n:P:W:p:T:D:r:")) != -1) {
		switch (opt) {
		case 's': server = optarg; break;
		case 'e': export = optarg; break;
		case 'w': wname = optarg; break;
		case 'c': B.nconn = atoi(optarg); break;
		case 'd': B.depth = atoi(optarg); break;
		case 't': B.secs = atof(optarg); break;
		case 'P': pid = atol(optarg); break;
		case 'W': B.write_bytes = strtoull(optarg, NULL, 10) * MIB; break;
		case 'p': port = atoi(optarg); break;
		case 'T': B.tag = optarg; break;
		case 'n': B.maxops = strtoull(optarg, NULL, 10); break;
		case 'D': B.rdpdir = optarg; break;
		case 'r': B.rate = atof(optarg); break;
		default: return 2;
		}
	}
	if (server == NULL || export == NULL || wname == NULL)
		die("%s", "bench: -s SERVER -e EXPORT -w WORKLOAD are required");
	if (B.nconn < 1 || B.nconn > MAXCONN || B.depth < 1 ||
	    B.depth > MAXDEPTH || B.secs <= 0)
		die("%s", "bench: bad -c, -d or -t");
	for (i = 0; i < (int)(sizeof(wl_names) / sizeof(wl_names[0])); i++)
		if (strcmp(wname, wl_names[i]) == 0)
			break;
	if (i == (int)(sizeof(wl_names) / sizeof(wl_names[0])))
		die("unknown workload %s", wname);
	B.wl = (enum wl)i;
	B.export = export;
	B.pid = pid;
	raise_nofile(B.nconn);
	if ((B.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		die("epoll_create1: %s", strerror(errno));
	if ((B.conns = calloc((size_t)B.nconn, sizeof(*B.conns))) == NULL ||
	    (B.buf = malloc(MIB)) == NULL)
		die("%s", "out of memory");
	for (i = 0; i < MIB; i++)	/* not all zeroes, not compressible */
		B.buf[i] = (char)(i * 2654435761u >> 13);

	if (B.wl != WL_MNT)
		sync_mount(server, export, &B.root);
	tconn = now();
	for (i = 0; i < B.nconn; i++) {
		struct conn *c = &B.conns[i];

		c->idx = i;
		c->fd = -1;
		if ((c->rpc = rpc_init_context()) == NULL)
			die("%s", "rpc_init_context");
		/* distinct xids per connection, as a real client would */
		rpc_set_next_xid(c->rpc, (uint32_t)i << 22 ^ (uint32_t)getpid());
		if (B.wl == WL_MNT)	/* mountd, through rpcbind */
			sync_connect(c->rpc, server, 0, MOUNT_PROGRAM);
		else
			sync_connect(c->rpc, server, port, NFS_PROGRAM);
		for (j = 0; j < B.depth; j++)
			c->slots[j].c = c;
	}
	tconn = now() - tconn;
	/* handles, on connection 0 */
	switch (B.wl) {
	case WL_GETATTR:
		sync_lookup(B.conns[0].rpc, &B.root, "getattr", &B.getattr);
		break;
	case WL_LOOKUP:
		sync_lookup(B.conns[0].rpc, &B.root, "lookup", &B.lookupdir);
		sync_lookup(B.conns[0].rpc, &B.lookupdir, "l000", &tmp);
		break;
	case WL_READ: {
		GETATTR3args a;
		struct wait w = { 0 };

		sync_lookup(B.conns[0].rpc, &B.root, "readfile", &B.readfile);
		a.object.data.data_len = B.readfile.len;
		a.object.data.data_val = B.readfile.data;
		if (rpc_nfs3_getattr_async(B.conns[0].rpc, getattr_size_cb, &a,
		    &w) != 0)
			die("getattr: %s", rpc_get_error(B.conns[0].rpc));
		run_until(B.conns[0].rpc, &w.done);
		if (B.read_size < 2 * MIB)
			die("%s", "readfile is too small");
		/* each connection starts at its own place */
		for (i = 0; i < B.nconn; i++)
			B.conns[i].next_off = (B.read_size / MIB / (uint64_t)B.nconn *
			    (uint64_t)i) * MIB;
		break;
	}
	case WL_WRITE_UNSTABLE:
	case WL_WRITE_SYNC:
		sync_lookup(B.conns[0].rpc, &B.root, "write", &B.writedir);
		for (i = 0; i < B.nconn; i++) {
			snprintf(name, sizeof(name), "w%d", i);
			sync_create_empty(B.conns[0].rpc, &B.writedir, name,
			    &B.conns[i].wfile);
			B.conns[i].budget = B.write_bytes / (uint64_t)B.nconn /
			    MIB * MIB;
		}
		break;
	case WL_CREATE:
	case WL_REMOVE:
		sync_lookup(B.conns[0].rpc, &B.root, "create", &B.createdir);
		break;
	case WL_READDIRPLUS:
		sync_lookup(B.conns[0].rpc, &B.root, B.rdpdir, &B.rdp);
		break;
	case WL_NULL:
	case WL_MNT:
		break;
	}

	rss0 = B.rssmax = proc_kib(pid, "VmRSS:");
	cpu0 = proc_cpu(pid);
	B.t0 = B.tlast = now();
	/* write-unstable is bounded by bytes; the clock is only a cap */
	B.deadline = B.t0 + (B.wl == WL_WRITE_UNSTABLE ? B.secs * 20 : B.secs);
	for (i = 0; i < B.nconn; i++)
		for (j = 0; j < B.depth; j++)
			issue(&B.conns[i].slots[j]);
	loop();
	secs = B.tlast - B.t0;
	cpu1 = proc_cpu(pid);
	if (B.wl == WL_READDIRPLUS && B.ops > 0)
		B.bytes /= B.ops;	/* entries per listing */
	printf("RESULT workload=%s conns=%d depth=%d ops=%" PRIu64
	    " secs=%.4f bytes=%" PRIu64 " errors=%" PRIu64 " cpu=%.4f"
	    " p50=%.1f p99=%.1f",
	    wl_names[B.wl], B.nconn, B.depth, B.ops, secs, B.bytes, B.errors,
	    cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1.0,
	    hquantile(0.50), hquantile(0.99));
	if (B.rate > 0 && B.wl != WL_WRITE_UNSTABLE && B.maxops == 0) {
		uint64_t errors0 = B.errors;

		/* the paced run, on the same connections */
		memset(B.hist, 0, sizeof(B.hist));
		if ((B.heap = calloc((size_t)(B.nconn * B.depth),
		    sizeof(*B.heap))) == NULL)
			die("%s", "out of memory");
		B.ops = 0;
		B.paced = true;
		B.t0 = B.tlast = now();
		B.deadline = B.t0 + B.secs;
		k = 0;
		for (i = 0; i < B.nconn; i++)
			for (j = 0; j < B.depth; j++) {
				struct slot *sl = &B.conns[i].slots[j];

				if (B.conns[i].dead)
					continue;
				sl->due = B.t0 + (double)k++ / B.rate;
				heap_push(sl);
			}
		loop();
		printf(" rate=%.0f rops=%" PRIu64 " rsecs=%.4f rerrors=%" PRIu64
		    " rp50=%.1f rp99=%.1f", B.rate, B.ops, B.tlast - B.t0,
		    B.errors - errors0, hquantile(0.50), hquantile(0.99));
		free(B.heap);
	}
	B.next_rss = 0;
	sample_rss();
	rss1 = proc_kib(pid, "VmRSS:");
	hwm = proc_kib(pid, "VmHWM:");
	printf(" rss0=%ld rssmax=%ld rss1=%ld hwm=%ld connect=%.3f dropped=%"
	    PRIu64 "\n", rss0, B.rssmax, rss1, hwm, tconn, B.dropped);
	for (i = 0; i < B.nconn; i++)
		rpc_destroy_context(B.conns[i].rpc);
	close(B.epfd);
	free(B.conns);
	free(B.buf);
	return B.errors == 0 ? 0 : 1;
}

/* ------------------------------------------------------------ shell */
struct session {
	char			 name[32];
	struct nfs_context	*nfs;
	char			 server[256], export[1024];
	struct rpc_context	*rpc;		/* raw calls, once needed */
	struct fh		 root;
};

static struct session sessions[16];

static struct session *
find_session(const char *name, bool create)
{
	size_t i;

	for (i = 0; i < sizeof(sessions) / sizeof(sessions[0]); i++)
		if (sessions[i].nfs != NULL && strcmp(sessions[i].name, name) == 0)
			return &sessions[i];
	if (!create)
		return NULL;
	for (i = 0; i < sizeof(sessions) / sizeof(sessions[0]); i++)
		if (sessions[i].nfs == NULL) {
			snprintf(sessions[i].name, sizeof(sessions[i].name), "%s",
			    name);
			return &sessions[i];
		}
	return NULL;
}

static void
reply_err(int rc, struct nfs_context *nfs)
{
	const char *m = nfs != NULL ? nfs_get_error(nfs) : NULL;

	printf("err %d %s\n", rc < 0 ? -rc : rc, m != NULL ? m : strerror(
	    rc < 0 ? -rc : rc));
}

/* The session's raw NFS connection and export root, made on first use. */
static struct rpc_context *
raw_rpc(struct session *s)
{
	if (s->rpc == NULL) {
		sync_mount(s->server, s->export, &s->root);
		if ((s->rpc = rpc_init_context()) == NULL)
			die("%s", "rpc_init_context");
		sync_connect(s->rpc, s->server, 0, NFS_PROGRAM);
	}
	return s->rpc;
}

struct raw_wait {
	struct wait	 w;
	count3		 count;
	stable_how	 committed;
	char		 verf[NFS3_WRITEVERFSIZE];
};

static void
raw_write_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	struct raw_wait *rw = priv;
	WRITE3res *r = data;

	(void)rpc;
	wait_cb_status(&rw->w, status, data);
	if (status != RPC_STATUS_SUCCESS)
		return;
	rw->w.nfsstat = (int)r->status;
	if (r->status == NFS3_OK) {
		rw->count = r->WRITE3res_u.resok.count;
		rw->committed = r->WRITE3res_u.resok.committed;
		memcpy(rw->verf, r->WRITE3res_u.resok.verf, sizeof(rw->verf));
	}
}

static void
raw_commit_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	struct raw_wait *rw = priv;
	COMMIT3res *r = data;

	(void)rpc;
	wait_cb_status(&rw->w, status, data);
	if (status != RPC_STATUS_SUCCESS)
		return;
	rw->w.nfsstat = (int)r->status;
	if (r->status == NFS3_OK)
		memcpy(rw->verf, r->COMMIT3res_u.resok.verf, sizeof(rw->verf));
}

static void
print_verf(const char *verf)
{
	size_t i;

	for (i = 0; i < NFS3_WRITEVERFSIZE; i++)
		printf("%02x", (unsigned char)verf[i]);
}

/* writeu: one UNSTABLE WRITE; commit: COMMIT of the whole file. */
static void
shell_raw(struct session *s, const char *cmd, const char *path,
    const char *args)
{
	struct rpc_context *rpc = raw_rpc(s);
	struct raw_wait rw;
	struct fh file;
	unsigned long long off = 0;
	unsigned long count = 0;
	char word[64], *buf = NULL;
	size_t i, wl;
	int rc;

	memset(&rw, 0, sizeof(rw));
	if (strcmp(cmd, "writeu") == 0 && (args == NULL ||
	    sscanf(args, "%llu %lu %63s", &off, &count, word) != 3 ||
	    count == 0 || count > 4 * MIB)) {
		printf("err 22 usage: writeu NAME PATH OFFSET COUNT WORD\n");
		return;
	}
	sync_lookup(rpc, &s->root, path, &file);
	if (strcmp(cmd, "writeu") == 0) {
		WRITE3args a;

		if ((buf = malloc(count)) == NULL)
			die("%s", "malloc");
		wl = strlen(word);
		for (i = 0; i < count; i++)
			buf[i] = word[i % wl];
		memset(&a, 0, sizeof(a));
		a.file.data.data_len = file.len;
		a.file.data.data_val = file.data;
		a.offset = off;
		a.count = (count3)count;
		a.stable = UNSTABLE;
		a.data.data_len = (u_int)count;
		a.data.data_val = buf;
		rc = rpc_nfs3_write_async(rpc, raw_write_cb, &a, &rw);
	} else {
		COMMIT3args a;

		memset(&a, 0, sizeof(a));
		a.file.data.data_len = file.len;
		a.file.data.data_val = file.data;
		rc = rpc_nfs3_commit_async(rpc, raw_commit_cb, &a, &rw);
	}
	if (rc != 0)
		die("%s: %s", cmd, rpc_get_error(rpc));
	run_until(rpc, &rw.w.done);
	free(buf);
	if (rw.w.status != RPC_STATUS_SUCCESS)
		die("%s: %s", cmd, rw.w.err);
	if (rw.w.nfsstat != NFS3_OK) {
		printf("err %d NFS3 status %d\n", rw.w.nfsstat, rw.w.nfsstat);
		return;
	}
	printf("ok ");
	if (strcmp(cmd, "writeu") == 0)
		printf("%u %d ", (unsigned)rw.count, (int)rw.committed);
	print_verf(rw.verf);
	printf("\n");
}

/* fill: create or truncate PATH and write mib MiB; read: all of PATH. */
static void
shell_data(struct session *s, bool fill, const char *path, const char *args)
{
	struct nfsfh *fh;
	uint64_t done = 0, total = 0;
	unsigned long mib = 0;
	char *buf;
	int rc;

	if (fill && (args == NULL || sscanf(args, "%lu", &mib) != 1)) {
		printf("err 22 usage: fill NAME PATH MIB\n");
		return;
	}
	if ((buf = malloc(MIB)) == NULL)
		die("%s", "malloc");
	memset(buf, 0x5a, MIB);
	if (fill)
		rc = nfs_open(s->nfs, path, O_WRONLY | O_CREAT | O_TRUNC, &fh);
	else
		rc = nfs_open(s->nfs, path, O_RDONLY, &fh);
	if (rc != 0) {
		reply_err(rc, s->nfs);
		free(buf);
		return;
	}
	total = (uint64_t)mib * MIB;
	for (;;) {
		if (fill && done == total)
			break;
		if (fill)
			rc = nfs_pwrite(s->nfs, fh, done, MIB, buf);
		else
			rc = nfs_pread(s->nfs, fh, done, MIB, buf);
		if (rc <= 0)
			break;
		done += (uint64_t)rc;
	}
	nfs_close(s->nfs, fh);
	free(buf);
	if (rc < 0)
		reply_err(rc, s->nfs);
	else
		printf("ok %" PRIu64 "\n", done);
}

static void
shell_cmd(char *line)
{
	char *save = NULL, *cmd, *name, *a1, *a2;
	struct session *s;
	int rc;

	if ((cmd = strtok_r(line, " \t\n", &save)) == NULL) {
		printf("err 22 empty command\n");
		return;
	}
	name = strtok_r(NULL, " \t\n", &save);
	a1 = strtok_r(NULL, " \t\n", &save);
	a2 = strtok_r(NULL, "\n", &save);
	if (strcmp(cmd, "quit") == 0)
		exit(0);
	if (name == NULL) {
		printf("err 22 no session name\n");
		return;
	}
	if (strcmp(cmd, "mount") == 0) {
		if (a1 == NULL || a2 == NULL || find_session(name, false) != NULL ||
		    (s = find_session(name, true)) == NULL) {
			printf("err 22 usage: mount NAME SERVER EXPORT\n");
			return;
		}
		if ((s->nfs = nfs_init_context()) == NULL) {
			printf("err 12 nfs_init_context\n");
			return;
		}
		nfs_set_autoreconnect(s->nfs, 0);
		nfs_set_timeout(s->nfs, 10000);
		if ((rc = nfs_mount(s->nfs, a1, a2)) != 0) {
			reply_err(rc, s->nfs);
			nfs_destroy_context(s->nfs);
			s->nfs = NULL;
			return;
		}
		snprintf(s->server, sizeof(s->server), "%s", a1);
		snprintf(s->export, sizeof(s->export), "%s", a2);
		printf("ok\n");
		return;
	}
	if ((s = find_session(name, false)) == NULL) {
		printf("err 2 no session %s\n", name);
		return;
	}
	if (strcmp(cmd, "umount") == 0) {
		nfs_destroy_context(s->nfs);
		s->nfs = NULL;
		if (s->rpc != NULL)
			rpc_destroy_context(s->rpc);
		s->rpc = NULL;
		printf("ok\n");
	} else if (strcmp(cmd, "port") == 0) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = rpc_get_fd(nfs_get_rpc_context(s->nfs));

		if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
			printf("err %d getsockname\n", errno);
			return;
		}
		printf("ok %u\n", ss.ss_family == AF_INET6 ?
		    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
		    ntohs(((struct sockaddr_in *)&ss)->sin_port));
	} else if (strcmp(cmd, "stat") == 0 && a1 != NULL) {
		struct nfs_stat_64 st;

		if ((rc = nfs_stat64(s->nfs, a1, &st)) != 0)
			reply_err(rc, s->nfs);
		else
			printf("ok %" PRIu64 " %" PRIo64 "\n",
			    (uint64_t)st.nfs_size, (uint64_t)st.nfs_mode);
	} else if (strcmp(cmd, "write") == 0 && a1 != NULL) {
		struct nfsfh *fh;
		const char *text = a2 != NULL ? a2 : "";

		if ((rc = nfs_creat(s->nfs, a1, 0644, &fh)) != 0) {
			reply_err(rc, s->nfs);
			return;
		}
		rc = nfs_write(s->nfs, fh, (uint64_t)strlen(text), text);
		nfs_close(s->nfs, fh);
		if (rc < 0)
			reply_err(rc, s->nfs);
		else
			printf("ok %d\n", rc);
	} else if (strcmp(cmd, "cat") == 0 && a1 != NULL) {
		struct nfsfh *fh;
		char buf[256];

		if ((rc = nfs_open(s->nfs, a1, O_RDONLY, &fh)) != 0) {
			reply_err(rc, s->nfs);
			return;
		}
		rc = nfs_read(s->nfs, fh, sizeof(buf) - 1, buf);
		nfs_close(s->nfs, fh);
		if (rc < 0) {
			reply_err(rc, s->nfs);
			return;
		}
		buf[rc] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		printf("ok %s\n", buf);
	} else if (strcmp(cmd, "ls") == 0 && a1 != NULL) {
		struct nfsdir *d;
		struct nfsdirent *e;
		int n = 0;

		if ((rc = nfs_opendir(s->nfs, a1, &d)) != 0) {
			reply_err(rc, s->nfs);
			return;
		}
		while ((e = nfs_readdir(s->nfs, d)) != NULL)
			if (strcmp(e->name, ".") != 0 && strcmp(e->name, "..") != 0)
				n++;
		nfs_closedir(s->nfs, d);
		printf("ok %d\n", n);
	} else if ((strcmp(cmd, "fill") == 0 || strcmp(cmd, "read") == 0) &&
	    a1 != NULL) {
		shell_data(s, cmd[0] == 'f', a1, a2);
	} else if (strcmp(cmd, "rm") == 0 && a1 != NULL) {
		if ((rc = nfs_unlink(s->nfs, a1)) != 0)
			reply_err(rc, s->nfs);
		else
			printf("ok\n");
	} else if ((strcmp(cmd, "mv") == 0 || strcmp(cmd, "ln") == 0) &&
	    a1 != NULL && a2 != NULL) {
		if (cmd[0] == 'm')
			rc = nfs_rename(s->nfs, a1, a2);
		else
			rc = nfs_link(s->nfs, a1, a2);
		if (rc != 0)
			reply_err(rc, s->nfs);
		else
			printf("ok\n");
	} else if ((strcmp(cmd, "mkdir") == 0 || strcmp(cmd, "rmdir") == 0 ||
	    strcmp(cmd, "mkfifo") == 0) && a1 != NULL) {
		if (strcmp(cmd, "mkdir") == 0)
			rc = nfs_mkdir(s->nfs, a1);
		else if (strcmp(cmd, "rmdir") == 0)
			rc = nfs_rmdir(s->nfs, a1);
		else
			rc = nfs_mknod(s->nfs, a1, S_IFIFO | 0644, 0);
		if (rc != 0)
			reply_err(rc, s->nfs);
		else
			printf("ok\n");
	} else if ((strcmp(cmd, "writeu") == 0 || strcmp(cmd, "commit") == 0) &&
	    a1 != NULL) {
		shell_raw(s, cmd, a1, a2);
	} else {
		printf("err 22 unknown command or missing argument\n");
	}
}

static int
shell(void)
{
	char line[4096];

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin) != NULL)
		shell_cmd(line);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "bench") == 0)
		return bench(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "shell") == 0)
		return shell();
	fprintf(stderr, "usage: nfsbench bench -s SERVER -e EXPORT -w WORKLOAD "
	    "[-c CONNS] [-d DEPTH] [-t SECS] [-n OPS] [-P PID] [-W WRITE_MIB]\n"
	    "       [-p PORT] [-T TAG] [-D DIR] [-r RATE]\n"
	    "       nfsbench shell\n");
	return 2;
}
