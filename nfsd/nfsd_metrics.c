/*
 * nfsd_metrics.c: what rpc.nfsd adds to the core's statistics
 * (common/rpc/rpc_stats.h): its open-file caches and the data bytes moved
 * by READ and WRITE (nfsstat -o io). Names in nfs-suite-stat(8).
 */
#include <stdint.h>

#include "common/metrics.h"
#include "nfsd/nfsd.h"
#include "nfsd/ofcache.h"

void
nfsd_metrics(struct mbuf *o, void *arg)
{
	struct nfsd *nd = arg;

	metrics_family(o, "nfs_suite_nfsd_open_files", "gauge",
	    "Descriptors held by the open-file caches: io for READ and "
	    "WRITE, path for resolving handles.");
	if (nd->ofc != NULL)
		metrics_u64(o, "nfs_suite_nfsd_open_files", "cache=\"io\"",
		    ofcache_count(nd->ofc));
	if (nd->pathc != NULL)
		metrics_u64(o, "nfs_suite_nfsd_open_files", "cache=\"path\"",
		    ofcache_count(nd->pathc));
	metrics_family(o, "nfs_suite_nfsd_read_bytes_total", "counter",
	    "File data bytes returned by READ.");
	metrics_u64(o, "nfs_suite_nfsd_read_bytes_total", NULL,
	    __atomic_load_n(&nd->io_read, __ATOMIC_RELAXED));
	metrics_family(o, "nfs_suite_nfsd_write_bytes_total", "counter",
	    "File data bytes written by WRITE.");
	metrics_u64(o, "nfs_suite_nfsd_write_bytes_total", NULL,
	    __atomic_load_n(&nd->io_written, __ATOMIC_RELAXED));
}
