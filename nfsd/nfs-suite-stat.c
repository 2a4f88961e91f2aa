/*
 * nfs-suite-stat: the suite's nfsstat. Reads a daemon's statistics from its
 * stats socket (the Prometheus text format, common/metrics.h; names in
 * nfs-suite-stat(8)) and prints them as nfs-utils' "nfsstat -s" does, with
 * its options -s -n -r -o -l -Z -2 -3 -v; or the text itself (--metrics).
 * Its own name, so it never clashes with nfs-common's nfsstat, which a
 * server host has too (and which reads the kernel's /proc/net/rpc/nfsd).
 *
 * The counts nfsstat prints, from the metrics:
 *   rpc   calls     sum of nfs_suite_rpc_calls_total (procedure found)
 *         badfmt    nfs_suite_rpc_rejected_total, every reason but auth
 *         badauth   nfs_suite_rpc_rejected_total{reason="auth"}
 *         badclnt   0 (as knfsd); badcalls = badfmt + badauth + badclnt
 *   net   packets   sum of nfs_suite_rpc_packets_total; udp; tcp (and
 *                   local); tcpconn nfs_suite_rpc_connections_accepted_total
 *   rc    hits      nfs_suite_drc_hits_total + nfs_suite_drc_in_progress_total
 *         misses    nfs_suite_drc_misses_total
 *         nocache   nfs_suite_drc_uncached_total
 *   io    read write  nfs_suite_nfsd_{read,write}_bytes_total
 *   fh, ra          not kept (zeros, printed for the layout)
 *   nfs   per procedure, nfs_suite_rpc_calls_total{program,version,procedure}
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/metrics.h"
#include "common/util.h"

#define MAX_READ	(64 * 1024 * 1024)
#define MAX_TABLES	16
#define MAX_PROCS	64

#define PRNT_CALLS	0x0001
#define PRNT_RPC	0x0002
#define PRNT_NET	0x0004
#define PRNT_FH		0x0008
#define PRNT_RC		0x0010
#define PRNT_IO		0x0020
#define PRNT_RA		0x0040
#define PRNT_ALL	0x0fff
#define PRNT_V2		0x2000
#define PRNT_V3		0x4000
#define PRNT_ACL	0x8000

typedef unsigned long long ull;

/* nfs-utils utils/nfsstat: the names and order of its columns */
static const char *const nfsv2name[] = {
	"null", "getattr", "setattr", "root", "lookup", "readlink", "read",
	"wrcache", "write", "create", "remove", "rename", "link", "symlink",
	"mkdir", "rmdir", "readdir", "fsstat",
};
static const char *const nfsv3name[] = {
	"null", "getattr", "setattr", "lookup", "access", "readlink", "read",
	"write", "create", "mkdir", "symlink", "mknod", "remove", "rmdir",
	"rename", "link", "readdir", "readdirplus", "fsstat", "fsinfo",
	"pathconf", "commit",
};

struct table {
	char		 program[32];
	unsigned	 vers;
	unsigned	 n;
	char		 names[MAX_PROCS][32];
	ull		 v[MAX_PROCS];
};

struct stats {
	ull		 net[4], rpc[5], rc[3], fh[5], io[2], ra[12];
	struct table	 t[MAX_TABLES];
	unsigned	 nt;
};

static volatile sig_atomic_t interrupted;

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: nfs-suite-stat [-s] [-n] [-r] [-o facility]... [-2] [-3] [-a] [-l] [-v]\n"
"                      [-Z[interval]] [--daemon NAME] [--socket PATH]\n"
"                      [--metrics] [--help] [--version]\n"
"  -s, --server\t\tserver statistics (the only kind there is)\n"
"  -n, --nfs\t\tprocedure counts (NFS, or the daemon's programs)\n"
"  -r, --rpc\t\tRPC statistics\n"
"  -o facility\t\tnfs, rpc, net, fh, io, ra, rc or all\n"
"  -v, --verbose, --all\tthe same as -o all\n"
"  -2, -3\t\tNFS version 2 or 3 even when it has no calls\n"
"  -a, --acl\t\tNFS_ACL (versions 2 and 3) even when it has no calls\n"
"  -l, --list\t\tlist form\n"
"  -Z[#], --sleep[=#]\tcounts over an interval: until SIGINT, or every #\n"
"\t\t\tseconds\n"
"  --daemon NAME\t\tread NAME's statistics (rpc.nfsd; rpc.mountd,\n"
"\t\t\trpcbind, rpc.lockd, rpc.statd, rpc.rquotad)\n"
"  --socket PATH\t\tits stats socket (%s/NAME.stats)\n"
"  --metrics\t\tprint the metrics text as read\n", RUNSTATEDIR);
}

/* ------------------------------------------------------------ reading */

static int
read_socket(const char *path, char **text, size_t *len)
{
	struct sockaddr_un sun;
	size_t cap = 65536, n = 0;
	char *buf = NULL, *nb;
	int fd, rc = 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (str_copy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		rc = -errno;
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (buf == NULL || n == cap) {
			if (buf != NULL)
				cap *= 2;
			if (cap > MAX_READ || (nb = realloc(buf, cap)) == NULL) {
				rc = -ENOMEM;
				goto out;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n == 0)
		rc = -ENODATA;
out:
	close(fd);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	*text = buf;
	*len = n;
	return 0;
}

static ull
get(const struct metrics_set *m, const char *name, const char *k,
    const char *v)
{
	const char *kv[3] = { k, v, NULL };
	double d;

	metrics_sum(m, name, k != NULL ? kv : NULL, &d);
	return d > 0 ? (ull)d : 0;
}

static struct table *
table_for(struct stats *st, const char *prog, unsigned vers)
{
	struct table *t;
	unsigned i;

	for (i = 0; i < st->nt; i++)
		if (strcmp(st->t[i].program, prog) == 0 && st->t[i].vers == vers)
			return &st->t[i];
	if (st->nt == MAX_TABLES)
		return NULL;
	t = &st->t[st->nt++];
	memset(t, 0, sizeof(*t));
	str_copy(t->program, prog, sizeof(t->program));
	t->vers = vers;
	if (strcmp(prog, "nfs") == 0 && (vers == 2 || vers == 3)) {
		const char *const *nm = vers == 2 ? nfsv2name : nfsv3name;
		unsigned n = vers == 2 ? nitems(nfsv2name) : nitems(nfsv3name);

		for (i = 0; i < n; i++)
			str_copy(t->names[i], nm[i], sizeof(t->names[i]));
		t->n = n;
	}
	return t;
}

static void
add_proc(struct table *t, const char *proc, ull v)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->names[i], proc) == 0) {
			t->v[i] += v;
			return;
		}
	if (t->n == MAX_PROCS)
		return;
	str_copy(t->names[t->n], proc, sizeof(t->names[t->n]));
	t->v[t->n++] = v;
}

static void
collect(const struct metrics_set *m, struct stats *st)
{
	size_t i;
	ull fmt;

	memset(st, 0, sizeof(*st));
	st->net[1] = get(m, "nfs_suite_rpc_packets_total", "transport", "udp");
	st->net[2] = get(m, "nfs_suite_rpc_packets_total", "transport", "tcp") +
	    get(m, "nfs_suite_rpc_packets_total", "transport", "local");
	st->net[0] = get(m, "nfs_suite_rpc_packets_total", NULL, NULL);
	st->net[3] = get(m, "nfs_suite_rpc_connections_accepted_total", NULL,
	    NULL);
	st->rpc[0] = get(m, "nfs_suite_rpc_calls_total", NULL, NULL);
	st->rpc[3] = get(m, "nfs_suite_rpc_rejected_total", "reason", "auth");
	fmt = get(m, "nfs_suite_rpc_rejected_total", NULL, NULL);
	st->rpc[2] = fmt >= st->rpc[3] ? fmt - st->rpc[3] : 0;
	st->rpc[4] = 0;
	st->rpc[1] = st->rpc[2] + st->rpc[3] + st->rpc[4];
	st->rc[0] = get(m, "nfs_suite_drc_hits_total", NULL, NULL) +
	    get(m, "nfs_suite_drc_in_progress_total", NULL, NULL);
	st->rc[1] = get(m, "nfs_suite_drc_misses_total", NULL, NULL);
	st->rc[2] = get(m, "nfs_suite_drc_uncached_total", NULL, NULL);
	st->io[0] = get(m, "nfs_suite_nfsd_read_bytes_total", NULL, NULL);
	st->io[1] = get(m, "nfs_suite_nfsd_write_bytes_total", NULL, NULL);
	for (i = 0; i < m->n; i++) {
		const struct metrics_sample *s = &m->v[i];
		const char *prog, *vers, *proc;
		struct table *t;

		if (strcmp(s->name, "nfs_suite_rpc_calls_total") != 0 ||
		    (prog = metrics_label(s, "program")) == NULL ||
		    (vers = metrics_label(s, "version")) == NULL ||
		    (proc = metrics_label(s, "procedure")) == NULL)
			continue;
		if ((t = table_for(st, prog, (unsigned)strtoul(vers, NULL, 10)))
		    != NULL)
			add_proc(t, proc, s->value > 0 ? (ull)s->value : 0);
	}
}

static int
fetch(const char *path, bool raw, struct stats *st)
{
	struct metrics_set *m;
	struct parse_err perr;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if ((rc = read_socket(path, &text, &len)) != 0) {
		fprintf(stderr, "nfs-suite-stat: %s: %s%s\n", path,
		    strerror(-rc), rc == -ENOENT || rc == -ECONNREFUSED ?
		    " (is the daemon running?)" : "");
		return -1;
	}
	if (raw) {
		fwrite(text, 1, len, stdout);
		free(text);
		return 0;
	}
	memset(&perr, 0, sizeof(perr));
	rc = metrics_parse(text, len, &m, &perr);
	free(text);
	if (rc != 0) {
		fprintf(stderr, "nfs-suite-stat: %s:%u: %s\n", path, perr.line,
		    rc == -EINVAL ? perr.msg : strerror(-rc));
		return -1;
	}
	collect(m, st);
	metrics_set_free(m);
	return 0;
}

/* cur -= old, element by element; tables matched by program/version. */
static void
diff(struct stats *cur, const struct stats *old)
{
	unsigned i, j, k;

#define D(a)	for (i = 0; i < nitems(cur->a); i++) \
			cur->a[i] = cur->a[i] >= old->a[i] ? \
			    cur->a[i] - old->a[i] : 0
	D(net); D(rpc); D(rc); D(fh); D(io); D(ra);
#undef D
	for (i = 0; i < cur->nt; i++)
		for (j = 0; j < old->nt; j++) {
			struct table *a = &cur->t[i];
			const struct table *b = &old->t[j];

			if (strcmp(a->program, b->program) != 0 ||
			    a->vers != b->vers)
				continue;
			for (k = 0; k < a->n && k < b->n; k++)
				a->v[k] = a->v[k] >= b->v[k] ?
				    a->v[k] - b->v[k] : 0;
		}
}

/* ------------------------------------------------------------ printing */

static bool
nonzero(const ull *v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (v[i] != 0)
			return true;
	return false;
}

static void
print_numbers(const char *hdr, const ull *v, unsigned n)
{
	unsigned i;

	fputs(hdr, stdout);
	for (i = 0; i < n; i++)
		printf("%s%-8llu", i ? "   " : "", v[i]);
	printf("\n\n");
}

static void
print_callstats(const char *hdr, const struct table *t)
{
	ull total = 0, pct;
	unsigned i, j;

	fputs(hdr, stdout);
	for (i = 0; i < t->n; i++)
		total += t->v[i];
	if (total == 0)
		total = 1;
	for (i = 0; i < t->n; i += 5) {
		for (j = 0; j < 5 && i + j < t->n; j++)
			printf("%-17s", t->names[i + j]);
		printf("\n");
		for (j = 0; j < 5 && i + j < t->n; j++) {
			pct = t->v[i + j] * 100 / total;
			printf("%-8llu%3llu%%     ", t->v[i + j], pct);
		}
		printf("\n");
	}
	printf("\n");
}

static void
print_callstats_list(const char *hdr, const struct table *t)
{
	ull total = 0;
	unsigned i;

	for (i = 0; i < t->n; i++)
		total += t->v[i];
	if (total == 0)
		return;
	printf("%13s %13s %8llu \n", hdr, "total:", total);
	printf("------------- ------------- --------\n");
	for (i = 0; i < t->n; i++)
		if (t->v[i] != 0)
			printf("%13s %12s: %8llu \n", hdr, t->names[i], t->v[i]);
	printf("\n");
}

/* Is table t to be printed with these flags? */
static bool
wanted(const struct table *t, int prt, bool sleeping)
{
	bool has = nonzero(t->v, t->n);

	if (strcmp(t->program, "nfs") == 0 &&
	    ((t->vers == 2 && (prt & PRNT_V2)) ||
	    (t->vers == 3 && (prt & PRNT_V3))))
		return !sleeping || has;
	if (strcmp(t->program, "nfs_acl") == 0 && (prt & PRNT_ACL))
		return !sleeping || has;
	return has;
}

static void
print_tables(const struct stats *st, int prt, bool list, bool sleeping)
{
	char hdr[64];
	unsigned i;

	for (i = 0; i < st->nt; i++) {
		const struct table *t = &st->t[i];

		if (!wanted(t, prt, sleeping))
			continue;
		if (list) {
			snprintf(hdr, sizeof(hdr), "%s v%u server", t->program,
			    t->vers);
			print_callstats_list(hdr, t);
		} else {
			snprintf(hdr, sizeof(hdr), "Server %s v%u:\n",
			    t->program, t->vers);
			print_callstats(hdr, t);
		}
	}
}

static void
print_server(const struct stats *st, int prt, bool list, bool sleeping)
{
	if (list) {
		if (prt & PRNT_CALLS)
			print_tables(st, prt, true, sleeping);
		return;
	}
	if ((prt & PRNT_NET) && (!sleeping || nonzero(st->net, 4)))
		print_numbers("Server packet stats:\n"
		    "packets    udp        tcp        tcpconn\n", st->net, 4);
	if ((prt & PRNT_RPC) && (!sleeping || nonzero(st->rpc, 5)))
		print_numbers("Server rpc stats:\n"
		    "calls      badcalls   badfmt     badauth    badclnt\n",
		    st->rpc, 5);
	if ((prt & PRNT_RC) && (!sleeping || nonzero(st->rc, 3)))
		print_numbers("Server reply cache:\n"
		    "hits       misses     nocache\n", st->rc, 3);
	if ((prt & PRNT_IO) && (!sleeping || nonzero(st->io, 2)))
		print_numbers("Server io stats:\n"
		    "read       write\n", st->io, 2);
	if ((prt & PRNT_RA) && (!sleeping || nonzero(st->ra, 12)))
		print_numbers("Server read ahead cache:\n"
		    "size       0-10%      10-20%     20-30%     30-40%     "
		    "40-50%     50-60%     60-70%     70-80%     80-90%     "
		    "90-100%    notfound\n", st->ra, 12);
	if (prt & PRNT_FH)
		print_numbers("Server file handle cache:\n"
		    "lookup     anon       ncachedir  ncachenondir  stale\n",
		    st->fh, 5);
	if (prt & PRNT_CALLS)
		print_tables(st, prt, false, sleeping);
}

static void
on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

int
main(int argc, char **argv)
{
	enum { OPT_DAEMON = 256, OPT_SOCKET, OPT_METRICS, OPT_HELP,
	    OPT_VERSION };
	static const struct option longopts[] = {
		{ "server", no_argument, NULL, 's' },
		{ "client", no_argument, NULL, 'c' },
		{ "nfs", no_argument, NULL, 'n' },
		{ "acl", no_argument, NULL, 'a' },
		{ "rpc", no_argument, NULL, 'r' },
		{ "list", no_argument, NULL, 'l' },
		{ "all", no_argument, NULL, 'v' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "sleep", optional_argument, NULL, 'Z' },
		{ "daemon", required_argument, NULL, OPT_DAEMON },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "metrics", no_argument, NULL, OPT_METRICS },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	static struct stats cur, old;
	const char *daemon = "rpc.nfsd", *sock = NULL;
	char path[256];
	bool list = false, raw = false, sleeping = false;
	long interval = 0;
	int c, prt = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "23acmno:Z::S:vrslz", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 's':
			break;
		case 'c':
		case 'm':
			fprintf(stderr, "nfs-suite-stat: no client statistics: "
			    "the suite is a server (nfsstat -c reads the "
			    "kernel's client)\n");
			return 2;
		case 'a':
			prt |= PRNT_ACL;
			break;
		case 'z':
			fprintf(stderr, "nfs-suite-stat: zeroing of statistics "
			    "not supported (use -Z)\n");
			return 2;
		case 'S':
			fprintf(stderr, "nfs-suite-stat: -S is not supported "
			    "(use -Z)\n");
			return 2;
		case 'n':
			prt |= PRNT_CALLS;
			break;
		case 'r':
			prt |= PRNT_RPC;
			break;
		case 'o':
			if (strcmp(optarg, "nfs") == 0)
				prt |= PRNT_CALLS;
			else if (strcmp(optarg, "rpc") == 0)
				prt |= PRNT_RPC;
			else if (strcmp(optarg, "net") == 0)
				prt |= PRNT_NET;
			else if (strcmp(optarg, "rc") == 0)
				prt |= PRNT_RC;
			else if (strcmp(optarg, "fh") == 0)
				prt |= PRNT_FH;
			else if (strcmp(optarg, "io") == 0)
				prt |= PRNT_IO;
			else if (strcmp(optarg, "ra") == 0)
				prt |= PRNT_RA;
			else if (strcmp(optarg, "all") == 0)
				prt |= PRNT_CALLS | PRNT_RPC | PRNT_NET |
				    PRNT_RC | PRNT_FH | PRNT_IO | PRNT_RA;
			else {
				fprintf(stderr, "nfs-suite-stat: unknown "
				    "category: %s\n", optarg);
				return 2;
			}
			break;
		case '2':
			prt |= PRNT_V2;
			break;
		case '3':
			prt |= PRNT_V3;
			break;
		case 'v':
			prt |= PRNT_ALL;
			break;
		case 'l':
			list = true;
			break;
		case 'Z':
			sleeping = true;
			if (optarg != NULL) {
				char *end;

				interval = strtol(optarg, &end, 10);
				if (*end != '\0' || interval < 1 ||
				    interval > 86400) {
					fprintf(stderr, "nfs-suite-stat: bad "
					    "interval: %s\n", optarg);
					return 2;
				}
			}
			break;
		case OPT_DAEMON:
			daemon = optarg;
			break;
		case OPT_SOCKET:
			sock = optarg;
			break;
		case OPT_METRICS:
			raw = true;
			break;
		case OPT_HELP:
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("nfs-suite-stat %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, "nfs-suite-stat: unknown option or "
			    "missing argument: %s\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nfs-suite-stat: unexpected argument: %s\n",
		    argv[optind]);
		usage(stderr);
		return 2;
	}
	if (sock == NULL) {
		if (strchr(daemon, '/') != NULL ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s.stats",
		    RUNSTATEDIR, daemon) >= sizeof(path)) {
			fprintf(stderr, "nfs-suite-stat: bad daemon name: %s\n",
			    daemon);
			return 2;
		}
		sock = path;
	}
	if (raw)
		return fetch(sock, true, NULL) == 0 ? 0 : 1;
	if (!(prt & PRNT_ALL))
		prt |= PRNT_CALLS | PRNT_RPC;

	if (fetch(sock, false, sleeping ? &old : &cur) != 0)
		return 1;
	if (sleeping && interval == 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigint;
		sa.sa_flags = SA_RESETHAND;
		if (sigaction(SIGINT, &sa, NULL) != 0) {
			perror("nfs-suite-stat: sigaction");
			return 1;
		}
		printf("Collecting statistics; press CTRL-C to view results "
		    "from interval (i.e., from pause to CTRL-C).\n");
		fflush(stdout);
		while (!interrupted)
			pause();
		if (fetch(sock, false, &cur) != 0)
			return 1;
		diff(&cur, &old);
	}
	if (sleeping && interval > 0) {
		for (;;) {
			sleep((unsigned)interval);
			if (fetch(sock, false, &cur) != 0)
				return 1;
			{
				struct stats now = cur;

				diff(&cur, &old);
				print_server(&cur, prt, list, true);
				fflush(stdout);
				old = now;
			}
		}
	}
	print_server(&cur, prt, list, sleeping);
	return 0;
}
