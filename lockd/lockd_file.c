/*
 * lockd_file.c: from the NFS handle of a lock request to the file, with
 * the same key, export and client checks as rpc.nfsd (common/admit.h), and
 * the kernel's OFD lock calls.
 *
 * Who may lock, as knfsd: a caller the export admits (address, reserved
 * port unless insecure; not the flavour: NLM comes with AUTH_SYS even
 * from Kerberos mounts), who may read the file or owns it (as
 * its squashed identity), unless the export says insecure_locks; an
 * exclusive lock needs a read-write export (checked by the caller, which
 * knows the lock type).
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/admit.h"
#include "common/fh_resolve.h"
#include "common/ident.h"
#include "common/log.h"
#include "lockd/lockd.h"

void
lk_target_close(struct lk_target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

/* May the caller (squashed cred c) lock the file fd (stat st)? As knfsd's
 * NFSD_MAY_LOCK: read permission, or ownership. */
static int
may_lock(const struct cred *c, int fd, const struct stat *st)
{
	int rc = 0;

	if (c->uid == st->st_uid)
		return 0;
	if (ident_set(c->uid, c->gid, c->ngroups, c->groups) != 0)
		rc = -EACCES;
	else if (faccessat(fd, "", R_OK, AT_EACCESS | AT_EMPTY_PATH) != 0)
		rc = errno == EACCES || errno == EPERM ? -EACCES : -errno;
	(void)ident_root();
	return rc;
}

int
lk_target_open(struct req *rq, const netobj *fh, struct lk_target *t)
{
	struct lockd *lk = lockd_of(rq);
	struct lk_rq *lr = rq->priv;
	const struct exp_live_export *ex;
	struct fh_fields f;
	struct admit a;
	struct cred c;
	int rc, fd = -1;

	t->fd = -1;
	t->ro = false;
	if (fh_decode(&lk->key, (const uint8_t *)fh->n_bytes, fh->n_len,
	    &f) != 0)
		return -EBADMSG;
	if ((ex = exp_live_by_id(lr->gen, f.export_id)) == NULL ||
	    ex->err != 0 || fh_match_export(&f, ex->export_id, ex->volid) != 0)
		return -ESTALE;
	if ((rc = admit_export_nlm(lk->names, ex, rq, LK_NAME_WAIT_MS,
	    &a)) != 0) {
		if (ratelog_allow(&lk->rate_denied,
		    (const struct sockaddr *)&rq->peer))
			log_notice("refused lock request from %s on %s: %s",
			    req_peer_str(rq), ex->e->path, rc == -EPERM ?
			    "not from a privileged port" :
			    "not exported to this client");
		else
			log_debug(LOG_D_EXPORT, "%s: lock on %s refused: %s",
			    req_peer_str(rq), ex->e->path, strerror(-rc));
		return -EACCES;
	}
	if ((rc = fh_open(ex->root_fd, &f.kh, O_PATH, &fd, &t->st)) != 0)
		return rc == -ENOENT ? -ESTALE : rc;
	if ((rc = admit_contained(ex, fd, &t->st)) != 0)
		goto fail;
	if (!S_ISREG(t->st.st_mode)) {
		rc = -EINVAL;
		goto fail;
	}
	if (!(a.flags & EXP_F_INSECURE_LOCKS)) {
		c = rq->cred;
		admit_cred(rq, &a, &c);
		if ((rc = may_lock(&c, fd, &t->st)) != 0)
			goto fail;
	}
	t->ro = (a.flags & EXP_F_RO) != 0;
	t->fd = fd;
	return 0;
fail:
	close(fd);
	return rc;
}

int
lk_k_setlk(int fd, const struct lk_range *r, bool unlock)
{
	struct flock fl;
	uint64_t off, len;

	lk_range_wire(r, 64, &off, &len);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = unlock ? F_UNLCK : r->excl ? F_WRLCK : F_RDLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = (off_t)off;
	fl.l_len = (off_t)len;
	if (fcntl(fd, F_OFD_SETLK, &fl) != 0)
		return -errno;
	return 0;
}

int
lk_k_getlk(int fd, const struct lk_range *q, bool *conflict,
    struct lk_range *held, pid_t *pid)
{
	struct flock fl;
	uint64_t off, len;

	lk_range_wire(q, 64, &off, &len);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = q->excl ? F_WRLCK : F_RDLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = (off_t)off;
	fl.l_len = (off_t)len;
	*conflict = false;
	if (fcntl(fd, F_OFD_GETLK, &fl) != 0)
		return -errno;
	if (fl.l_type == F_UNLCK)
		return 0;
	*conflict = true;
	*pid = fl.l_pid;
	(void)lk_range_make((uint64_t)fl.l_start, (uint64_t)fl.l_len, 64,
	    fl.l_type == F_WRLCK, held);
	return 0;
}

nlm4_stats
lk_errno_stat(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return NLM4_GRANTED;
	case EBADMSG:
	case ESTALE:
		return NLM4_STALE_FH;
	case EROFS:
	case EBADF:		/* exclusive lock on a read-only description */
		return NLM4_ROFS;
	case EAGAIN:
	case EACCES:
	case EPERM:
		return NLM4_DENIED;
	case EOVERFLOW:
	case EFBIG:
		return NLM4_FBIG;
	case ENOLCK:
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		return NLM4_DENIED_NOLOCKS;
	case EDEADLK:
		return NLM4_DEADLCK;
	default:
		return NLM4_FAILED;
	}
}
