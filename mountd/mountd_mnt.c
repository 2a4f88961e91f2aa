/*
 * mountd_mnt.c: MNT (all versions), UMNT, UMNTALL and PATHCONF.
 *
 * A MNT names a directory: an export, or a directory beneath one, as
 * Linux allows. The path is normalized lexically first (so "/srv/../etc"
 * is "/etc" and matches what "/etc" matches), then the export that admits
 * the caller is found by its numeric address alone (no DNS on this path),
 * the secure-port rule is applied, and the directory is opened beneath the
 * export root with openat2(2) and RESOLVE_BENEATH, so neither ".." nor a
 * symlink can lead out of the export. The handle comes from the opened
 * directory itself.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/exp_path.h"
#include "common/hostcache.h"
#include "common/fh_resolve.h"
#include "common/log.h"
#include "common/rpc/auth_dh.h"
#include "common/util.h"
#include "mountd/mountd.h"

mountstat3
mnt3_stat(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case 0:
		return MNT3_OK;
	case EPERM:
		return MNT3ERR_PERM;
	case ENOENT:
		return MNT3ERR_NOENT;
	case EIO:
		return MNT3ERR_IO;
	case EACCES:
	case EXDEV:		/* openat2: would leave the export */
	case ELOOP:		/* symlink loop or magic link */
		return MNT3ERR_ACCES;
	case ENOTDIR:
		return MNT3ERR_NOTDIR;
	case EINVAL:
		return MNT3ERR_INVAL;
	case ENAMETOOLONG:
		return MNT3ERR_NAMETOOLONG;
	case EOPNOTSUPP:
		return MNT3ERR_NOTSUPP;
	default:
		return MNT3ERR_SERVERFAULT;
	}
}

/* Version 1/2 status: an errno value; the v3-only codes become EIO. */
static u_int
mnt1_stat(int err)
{
	mountstat3 s = mnt3_stat(err);

	return s == MNT3ERR_NOTSUPP || s == MNT3ERR_SERVERFAULT ? EIO :
	    (u_int)s;
}

void
mountd_rate_init(struct mountd *m)
{
	ratelog_init(&m->rate_mnt, "refused MNT calls", RATELOG_BURST,
	    RATELOG_INTERVAL);
	ratelog_init(&m->rate_umnt, "UMNT/UMNTALL calls for nothing mounted",
	    RATELOG_BURST, RATELOG_INTERVAL);
}

void
mountd_rate_flush(struct mountd *m)
{
	ratelog_flush(&m->rate_mnt);
	ratelog_flush(&m->rate_umnt);
}

void
mountd_rate_destroy(struct mountd *m)
{
	ratelog_destroy(&m->rate_mnt);
	ratelog_destroy(&m->rate_umnt);
}

/* Log a refusal at notice: numeric address, the path as data, why; a few
 * per interval, then a count. */
static void
refuse(struct mountd *m, struct req *rq, const char *path, const char *why)
{
	char safe[512];

	if (ratelog_allow(&m->rate_mnt, (const struct sockaddr *)&rq->peer))
		log_notice("refused mount request from %s for %s: %s",
		    req_peer_str(rq), exp_path_safe(path, safe,
		    sizeof(safe)), why);
}

int
mountd_mnt(struct mountd *m, struct req *rq, const char *path, int form,
    struct mountd_mnt_res *r)
{
	const struct exp_client *c;
	const struct exp_live_export *x;
	struct exp_live *l = NULL;
	struct fh_fields f;
	struct stat st;
	char host[ADDR_STRLEN], why[64], safe[512], esafe[512];
	size_t len;
	unsigned i;
	int fd = -1, rc;

	memset(r, 0, sizeof(*r));
	if ((rc = exp_path_norm(path, r->path, sizeof(r->path))) != 0) {
		refuse(m, rq, path, rc == -EINVAL ? "not an absolute path" :
		    "path too long");
		return rc;
	}
	if ((l = exp_holder_get(&m->exports)) == NULL) {
		refuse(m, rq, path, "no exports loaded");
		return -EACCES;
	}
	if ((c = hostcache_match_under(m->hosts, l->table, r->path,
	    (const struct sockaddr *)&rq->peer, MOUNTD_NAME_WAIT_MS)) == NULL) {
		refuse(m, rq, path, "no export entry or access denied");
		rc = -EACCES;
		goto out;
	}
	if ((x = exp_live_by_export(l, c->export)) == NULL) {
		refuse(m, rq, path, "export unavailable");
		rc = -EACCES;
		goto out;
	}
	if ((c->opts.flags & EXP_F_INSECURE) == 0 && !req_is_privileged(rq)) {
		snprintf(why, sizeof(why), "illegal port %d",
		    addr_port((const struct sockaddr *)&rq->peer));
		refuse(m, rq, path, why);
		rc = -EACCES;
		goto out;
	}
	if ((fd = exp_open_beneath(x->root_fd, exp_path_rel(r->path, c->export->path),
	    c->opts.flags)) < 0) {
		rc = fd;
		snprintf(why, sizeof(why), "%s", strerror(-rc));
		refuse(m, rq, path, why);
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		refuse(m, rq, path, "not a directory");
		rc = -ENOTDIR;
		goto out;
	}
	memset(&f, 0, sizeof(f));
	if ((rc = fh_from_fd(fd, &f.kh, NULL)) != 0) {
		log_warnx("mount request from %s for %s: no file handle: %s",
		    req_peer_str(rq), exp_path_safe(path, safe,
		    sizeof(safe)), strerror(-rc));
		goto out;
	}
	f.export_id = x->export_id;
	memcpy(f.volid, x->volid, sizeof(f.volid));
	len = sizeof(r->fh);
	if ((rc = fh_encode(&m->key, &f, form, r->fh, &len)) != 0) {
		log_warnx("mount request from %s for %s: cannot encode a "
		    "version %d handle: %s", req_peer_str(rq),
		    exp_path_safe(path, safe, sizeof(safe)),
		    form == FH_FORM_V2 ? 2 : 3, strerror(-rc));
		rc = rc == -EOVERFLOW ? -EOPNOTSUPP : rc;
		goto out;
	}
	r->fhlen = len;
	/* AUTH_DH only when this server verifies it ([global] auth-dh):
	 * a dh-only export offers nothing otherwise */
	for (i = 0; i < c->opts.nsec && i < EXP_SEC_MAX; i++)
		if (c->opts.sec[i].flavor != EXP_SEC_DH ||
		    rpc_srv_dh_enabled(rq->srv))
			r->flavors[r->nflavors++] = (int)c->opts.sec[i].flavor;
	if (r->nflavors == 0 && c->opts.nsec == 0)
		r->flavors[r->nflavors++] = (int)EXP_SEC_SYS;

	addr_ntop((const struct sockaddr *)&rq->peer, host, sizeof(host));
	if ((rc = rmtab_add(m->rmtab, host, r->path)) == -ENOSPC)
		log_debug(LOG_D_STATE, "rmtab full: %s not recorded", host);
	rc = 0;
	log_notice("authenticated mount request from %s for %s (%s)",
	    req_peer_str(rq), exp_path_safe(r->path, safe, sizeof(safe)),
	    exp_path_safe(c->export->path, esafe, sizeof(esafe)));
out:
	if (fd >= 0)
		close(fd);
	exp_live_put(l);
	return rc;
}

/* RFC 1094 A.5.2 (versions 1 and 2): MNT returns a 32-byte handle. */
enum disp
mountd_mnt1(struct req *rq, mnt_dirpath *a, fhstatus *res)
{
	struct mountd_mnt_res *r;
	int rc;

	if ((r = req_alloc(rq, sizeof(*r))) == NULL)
		return DISP_SYSERR;
	rc = mountd_mnt(rq->ctx, rq, *a, FH_FORM_V2, r);
	res->fhs_status = mnt1_stat(rc);
	if (rc == 0) {
		if (r->fhlen != FHSIZE)
			res->fhs_status = EIO;
		else
			memcpy(res->fhstatus_u.fhs_fhandle, r->fh, FHSIZE);
	}
	return DISP_REPLY;
}

/* RFC 1813 5.2.1: MNT returns the handle and the flavours, preferred
 * first. */
enum disp
mountd_mnt3(struct req *rq, mnt_dirpath *a, mountres3 *res)
{
	struct mountd_mnt_res *r;
	mountres3_ok *ok = &res->mountres3_u.mountinfo;
	int rc;

	if ((r = req_alloc(rq, sizeof(*r))) == NULL)
		return DISP_SYSERR;
	rc = mountd_mnt(rq->ctx, rq, *a, FH_FORM_V3, r);
	res->fhs_status = mnt3_stat(rc);
	if (rc != 0)
		return DISP_REPLY;
	ok->fhandle.fhandle3_len = (u_int)r->fhlen;
	ok->fhandle.fhandle3_val = (char *)r->fh;
	ok->auth_flavors.auth_flavors_len = r->nflavors;
	ok->auth_flavors.auth_flavors_val = r->flavors;
	return DISP_REPLY;
}

/* RFC 1813 5.2.3: UMNT removes the caller's entry for the path. */
enum disp
mountd_umnt(struct req *rq, mnt_dirpath *a, mountd_void *res)
{
	struct mountd *m = rq->ctx;
	char host[ADDR_STRLEN], path[PATH_MAX], safe[512];
	int n;

	(void)res;
	if (exp_path_norm(*a, path, sizeof(path)) != 0)
		return DISP_REPLY;
	addr_ntop((const struct sockaddr *)&rq->peer, host, sizeof(host));
	n = rmtab_del(m->rmtab, host, path);
	if (n > 0 || ratelog_allow(&m->rate_umnt,
	    (const struct sockaddr *)&rq->peer))
		log_notice("authenticated unmount request from %s for %s%s",
		    req_peer_str(rq), exp_path_safe(path, safe,
		    sizeof(safe)), n == 0 ? " (not mounted)" : "");
	return DISP_REPLY;
}

/* RFC 1813 5.2.4: UMNTALL removes every entry of the caller. */
enum disp
mountd_umntall(struct req *rq, mountd_void *a, mountd_void *res)
{
	struct mountd *m = rq->ctx;
	char host[ADDR_STRLEN];
	int n;

	(void)a;
	(void)res;
	addr_ntop((const struct sockaddr *)&rq->peer, host, sizeof(host));
	n = rmtab_del(m->rmtab, host, NULL);
	if (n > 0 || ratelog_allow(&m->rate_umnt,
	    (const struct sockaddr *)&rq->peer))
		log_notice("authenticated unmount-all request from %s: %d "
		    "entr%s", req_peer_str(rq), n < 0 ? 0 : n, n == 1 ? "y" :
		    "ies");
	return DISP_REPLY;
}

/* pc_mask bits (ours to define, see mount.x): bit i of pc_mask[0] set
 * means value i is not supported (no limit). */
#define PC_LINK_MAX	0
#define PC_MAX_CANON	1
#define PC_MAX_INPUT	2
#define PC_NAME_MAX	3
#define PC_PATH_MAX	4
#define PC_PIPE_BUF	5
#define PC_NO_TRUNC	6	/* set: names are not truncated */
#define PC_CHOWN_RESTRICTED 7

static short
clamp_short(long v, short *mask, int bit)
{
	if (v < 0) {
		*mask |= (short)(1 << bit);
		return 0;
	}
	return v > SHRT_MAX ? SHRT_MAX : (short)v;
}

/*
 * Version 2 PATHCONF (Sun's POSIX extension): the pathconf values of an
 * exported directory, under the same access rules as MNT (the path must be
 * a directory the caller may mount). Failures answer zeroes with every
 * value marked unsupported, as there is no status in the result.
 */
enum disp
mountd_pathconf(struct req *rq, mnt_dirpath *a, ppathcnf *res)
{
	struct mountd *m = rq->ctx;
	const struct exp_client *c;
	const struct exp_live_export *x;
	struct exp_live *l;
	char path[PATH_MAX];
	long v;
	int fd = -1;

	memset(res, 0, sizeof(*res));
	res->pc_mask[0] = (short)0xff;
	if (exp_path_norm(*a, path, sizeof(path)) != 0)
		return DISP_REPLY;
	if ((l = exp_holder_get(&m->exports)) == NULL)
		return DISP_REPLY;
	if ((c = hostcache_match_under(m->hosts, l->table, path,
	    (const struct sockaddr *)&rq->peer, MOUNTD_NAME_WAIT_MS)) == NULL ||
	    (x = exp_live_by_export(l, c->export)) == NULL ||
	    ((c->opts.flags & EXP_F_INSECURE) == 0 && !req_is_privileged(rq)))
		goto out;
	if ((fd = exp_open_beneath(x->root_fd, exp_path_rel(path, c->export->path),
	    c->opts.flags)) < 0)
		goto out;
	res->pc_mask[0] = 0;
	errno = 0;
	v = fpathconf(fd, _PC_LINK_MAX);
	res->pc_link_max = v < 0 ? 0 : (v > INT32_MAX ? INT32_MAX : (int)v);
	if (v < 0)
		res->pc_mask[0] |= 1 << PC_LINK_MAX;
	res->pc_max_canon = clamp_short(fpathconf(fd, _PC_MAX_CANON),
	    &res->pc_mask[0], PC_MAX_CANON);
	res->pc_max_input = clamp_short(fpathconf(fd, _PC_MAX_INPUT),
	    &res->pc_mask[0], PC_MAX_INPUT);
	res->pc_name_max = clamp_short(fpathconf(fd, _PC_NAME_MAX),
	    &res->pc_mask[0], PC_NAME_MAX);
	res->pc_path_max = clamp_short(fpathconf(fd, _PC_PATH_MAX),
	    &res->pc_mask[0], PC_PATH_MAX);
	res->pc_pipe_buf = clamp_short(fpathconf(fd, _PC_PIPE_BUF),
	    &res->pc_mask[0], PC_PIPE_BUF);
	if (fpathconf(fd, _PC_NO_TRUNC) > 0)
		res->pc_mask[0] |= 1 << PC_NO_TRUNC;
	if (fpathconf(fd, _PC_CHOWN_RESTRICTED) > 0)
		res->pc_mask[0] |= 1 << PC_CHOWN_RESTRICTED;
	v = fpathconf(fd, _PC_VDISABLE);
	res->pc_vdisable = v < 0 ? 0 : (u_char)v;
out:
	if (fd >= 0)
		close(fd);
	exp_live_put(l);
	return DISP_REPLY;
}
