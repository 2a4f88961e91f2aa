/*
 * rpc_stats.h: statistics of the RPC core, for every daemon of the suite.
 *
 * The core counts, per program, version and procedure: calls, calls
 * answered with an RPC error, calls whose result carried a protocol error
 * (programs that set res_status, e.g. NFS), bytes in and out, and the time
 * from the call's arrival to its reply (a histogram); and for the whole
 * server: packets by transport, rejected calls by reason, connections,
 * the duplicate request cache, queued calls and bytes, threads. Counters
 * are per thread (each written by its own thread only, no lock and no
 * atomic read-modify-write on the call path) and summed when read.
 *
 * A daemon exposes them, in the Prometheus text format (common/metrics.h,
 * metric names in nfs-suite-stat(8)), on
 *   - its stats socket (AF_LOCAL, stream): a connection gets the text and
 *     is closed; nothing is read from it. nfs-suite-stat reads this.
 *   - an optional HTTP/1.0 listener (metrics-listen, off by default,
 *     loopback unless an address is given): GET /metrics.
 * Both are served by the event loop, bounded: a few clients at a time,
 * 4 KiB of request, 5 seconds per client, at most 20 renderings a second
 * (more readers share the last one).
 */
#ifndef NFS_RPC_STATS_H
#define NFS_RPC_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "common/conf.h"
#include "common/rpc/rpc_srv.h"

struct mbuf;

/* The two keys every daemon has in its section. */
struct rpc_stats_conf {
	char	*socket;	/* stats-socket: path, empty: none */
	char	*listen;	/* metrics-listen: [addr:]port, empty: off */
};

#define RPC_STATS_CONF_KEYS(type, member, prog)				\
	{ "stats-socket", CONF_STR, offsetof(type, member.socket),	\
	  RUNSTATEDIR "/" prog ".stats", 0, 0,				\
	  "local socket nfs-suite-stat reads (empty: none)" },		\
	{ "metrics-listen", CONF_STR, offsetof(type, member.listen),	\
	  NULL, 0, 0,							\
	  "HTTP listener for Prometheus, [addr:]port (empty: off; "	\
	  "no address: 127.0.0.1)" }

/*
 * Open the stats socket and the metrics listener c asks for; daemon names
 * the daemon in the metrics. Call it before dropping privileges (the
 * socket file is made world-connectable: statistics are not secret, as
 * /proc/net/rpc/nfsd is not). Returns 0; 1 when only the stats socket
 * could not be made (msg says why: worth a warning, nothing more); or
 * -errno when the metrics listener could not (msg says why).
 */
int	rpc_srv_stats_setup(struct rpc_srv *srv, const char *daemon,
	    const struct rpc_stats_conf *c, char *msg, size_t len);
/* Add a daemon's own metrics: fn writes them (metrics_family() and the
 * samples) when the statistics are read, in the loop thread. At most 4.
 * 0 or -ENOSPC. */
int	rpc_srv_add_metrics(struct rpc_srv *srv,
	    void (*fn)(struct mbuf *out, void *arg), void *arg);
/* Write every metric of srv (and the daemon's) to out. Any thread. */
void	rpc_srv_metrics(struct rpc_srv *srv, struct mbuf *out);

/* Latency histogram bounds, seconds (the last bucket is +Inf). */
#define RPC_LAT_NB	20
extern const double rpc_lat_bounds[RPC_LAT_NB - 1];
/* Bucket of a latency in nanoseconds. */
unsigned rpc_lat_bucket(uint64_t ns);

/*
 * The label statistics give a procedure (nfsstat's names for NFS, RFC
 * names for the others; else from the handler's name, else "procN" in
 * buf). Returns a static string or buf.
 */
const char *rpc_proc_label(uint32_t prog, uint32_t vers, uint32_t proc,
	    const char *handler, char *buf, size_t len);

/* Parse metrics-listen: "port", "addr:port", "[v6addr]:port". 0 or
 * -EINVAL. */
int	rpc_stats_parse_listen(const char *s, struct sockaddr_storage *ss,
	    socklen_t *len);

#endif
