/*
 * exports_live.c: export table generations; see exports_live.h.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/atomicio.h"
#include "common/exports_live.h"
#include "common/fh_resolve.h"
#include "common/log.h"

uint32_t
exp_live_id(const char *path)
{
	uint32_t h = exp_path_hash(path);

	return h != 0 ? h : 1;
}

static void
fsid_text(const struct exp_opts *o, char *buf, size_t len)
{
	if (o->fsid_type == EXP_FSID_NUM)
		snprintf(buf, len, "%u", o->fsid);
	else if (o->fsid_type == EXP_FSID_UUID)
		snprintf(buf, len, "%s", o->uuid_text);
	else
		buf[0] = '\0';
}

/* Open an export's root and work out its identity (dev, ino, volume). */
static void
open_root(struct exp_live_export *x, const char *path, const char *fsid)
{
	struct stat st;
	int rc;

	x->root_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (x->root_fd < 0) {
		x->err = -errno;
		return;
	}
	if (fstat(x->root_fd, &st) != 0) {
		x->err = -errno;
		goto fail;
	}
	x->dev = st.st_dev;
	x->ino = st.st_ino;
	if (fsid != NULL && fsid[0] != '\0')
		rc = fh_volid_from_fsid(fsid, x->volid);
	else
		rc = fh_volid_from_fd(x->root_fd, x->volid);
	if (rc != 0) {
		x->err = rc;
		goto fail;
	}
	return;
fail:
	close(x->root_fd);
	x->root_fd = -1;
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void
unescape(char *s)
{
	char *d = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
			    (s[3] - '0'));
			s += 3;
		} else
			*d++ = *s;
	}
	*d = '\0';
}

static bool
any_crossmnt(const struct exp_export *e)
{
	size_t i;

	for (i = 0; i < e->nclients; i++)
		if (e->clients[i]->opts.flags & EXP_F_CROSSMNT)
			return true;
	return false;
}

static bool
strictly_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/' && path[1] != '\0';
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/*
 * Mount points below crossmnt exports become implicit exports (their own
 * id, volume and mount fd, the parent's client rules), unless they are
 * exported themselves. The mount table is read at load time; mounts made
 * later are seen after the next reload.
 */
static int
add_crossmnt_children(struct exp_live *l)
{
	char *text = NULL, *line, *save = NULL;
	size_t len, nreal = l->n, i;
	int rc;

	for (i = 0; i < nreal; i++)
		if (l->ex[i].err == 0 && any_crossmnt(l->ex[i].e))
			break;
	if (i == nreal)
		return 0;
	if ((rc = read_file("/proc/self/mountinfo", 4 << 20, &text, &len)) != 0)
		return rc;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *f[5], *p = line, *sp = NULL;
		int k;

		for (k = 0; k < 5; k++)
			if ((f[k] = strtok_r(k == 0 ? p : NULL, " ", &sp)) == NULL)
				break;
		if (k < 5)
			continue;
		unescape(f[4]);
		for (i = 0; i < nreal; i++) {
			struct exp_live_export *x, *nex;
			size_t j;
			bool real = false;

			if (l->ex[i].err != 0 || !any_crossmnt(l->ex[i].e) ||
			    !strictly_under(f[4], l->ex[i].e->path))
				continue;
			for (j = 0; j < l->n; j++)
				if ((l->ex[j].parent == NULL &&
				    strcmp(l->ex[j].e->path, f[4]) == 0) ||
				    (l->ex[j].mnt_path != NULL &&
				    strcmp(l->ex[j].mnt_path, f[4]) == 0))
					real = true;
			if (real)
				break;
			nex = realloc(l->ex, (l->n + 1) * sizeof(*l->ex));
			if (nex == NULL) {
				free(text);
				return -ENOMEM;
			}
			l->ex = nex;
			x = &l->ex[l->n];
			memset(x, 0, sizeof(*x));
			x->e = l->ex[i].e;
			/* parent fixed up below: realloc moves the array */
			x->parent = (const void *)(uintptr_t)(i + 1);
			if ((x->mnt_path = strdup(f[4])) == NULL) {
				free(text);
				return -ENOMEM;
			}
			open_root(x, x->mnt_path, NULL);
			x->export_id = exp_live_id(x->mnt_path);
			l->n++;
			break;
		}
	}
	free(text);
	for (i = nreal; i < l->n; i++)
		l->ex[i].parent = &l->ex[(uintptr_t)l->ex[i].parent - 1];
	return 0;
}

static void
open_export(struct exp_live_export *x)
{
	const struct exp_client *c0 = x->e->nclients > 0 ? x->e->clients[0] : NULL;
	char fsid[EXP_UUID_TEXTLEN + 16] = "";

	x->export_id = exp_live_id(x->e->path);
	if (c0 != NULL)
		fsid_text(&c0->opts, fsid, sizeof(fsid));
	open_root(x, x->e->path, fsid);
}

/* Where export id id starts its probe in an index of imask + 1 slots
 * (ids are FNV hashes already: mix the high bits in). */
static size_t
id_slot(uint32_t id, size_t imask)
{
	return (size_t)(id ^ (id >> 16)) & imask;
}

int
exp_live_from_table(struct exp_table *t, struct exp_live **out)
{
	struct exp_live *l;
	size_t i, j, cap;

	*out = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		exp_table_free(t);
		return -ENOMEM;
	}
	l->table = t;
	l->n = exp_count(t);
	l->hash = exp_table_hash(t);
	atomic_init(&l->refs, 1);
	if (l->n > 0 && (l->ex = calloc(l->n, sizeof(*l->ex))) == NULL) {
		exp_live_put(l);
		return -ENOMEM;
	}
	for (i = 0; i < l->n; i++) {
		l->ex[i].e = exp_at(t, i);
		l->ex[i].root_fd = -1;
		open_export(&l->ex[i]);
	}
	if (add_crossmnt_children(l) != 0) {
		exp_live_put(l);
		return -ENOMEM;
	}
	/* the index by id; two paths with one id would let handles cross
	 * exports */
	for (cap = 16; cap < 2 * l->n + 2; cap <<= 1)
		;
	if ((l->idx = calloc(cap, sizeof(*l->idx))) == NULL) {
		exp_live_put(l);
		return -ENOMEM;
	}
	l->imask = cap - 1;
	for (i = 0; i < l->n; i++) {
		for (j = id_slot(l->ex[i].export_id, l->imask); l->idx[j] != 0;
		    j = (j + 1) & l->imask)
			if (l->ex[l->idx[j] - 1].export_id == l->ex[i].export_id) {
				exp_live_put(l);
				return -EEXIST;
			}
		l->idx[j] = (uint32_t)i + 1;
	}
	*out = l;
	return 0;
}

int
exp_live_load(const struct exp_live_src *src, bool ignore_etab,
    struct exp_live **out, struct exp_err *err)
{
	struct exp_table *t = NULL;
	struct stat st;
	int rc;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	if (!ignore_etab && src->etab != NULL && stat(src->etab, &st) == 0)
		rc = exp_load(src->etab, NULL, &t, err);
	else
		rc = exp_load(src->file, src->dir, &t, err);
	if (rc != 0)
		return rc;
	if ((rc = exp_resolve(t, exp_resolver_getaddrinfo, NULL)) != 0) {
		exp_table_free(t);
		return rc;
	}
	rc = exp_live_from_table(t, out);
	if (rc == -EEXIST) {
		snprintf(err->file, sizeof(err->file), "%s", src->file);
		err->pos.line = err->pos.col = 0;
		snprintf(err->pos.msg, sizeof(err->pos.msg),
		    "two export paths hash to the same export id");
	}
	return rc;
}

struct exp_live *
exp_live_ref(struct exp_live *l)
{
	if (l != NULL)
		atomic_fetch_add(&l->refs, 1);
	return l;
}

void
exp_live_put(struct exp_live *l)
{
	size_t i;

	if (l == NULL || atomic_fetch_sub(&l->refs, 1) != 1)
		return;
	for (i = 0; l->ex != NULL && i < l->n; i++) {
		if (l->ex[i].root_fd >= 0)
			close(l->ex[i].root_fd);
		free(l->ex[i].mnt_path);
	}
	free(l->ex);
	free(l->idx);
	exp_table_free(l->table);
	free(l);
}

/* Per call (every handle): a hash probe, never a scan of the exports. */
const struct exp_live_export *
exp_live_by_id(const struct exp_live *l, uint32_t export_id)
{
	const struct exp_live_export *x;
	size_t j;

	if (l->idx == NULL)
		return NULL;
	for (j = id_slot(export_id, l->imask); l->idx[j] != 0;
	    j = (j + 1) & l->imask) {
		x = &l->ex[l->idx[j] - 1];
		if (x->export_id == export_id)
			return x->err == 0 ? x : NULL;
	}
	return NULL;
}

/* An export's own entry has the id of its path (ids are unique). */
const struct exp_live_export *
exp_live_by_export(const struct exp_live *l, const struct exp_export *e)
{
	const struct exp_live_export *x;
	size_t j;

	if (l->idx == NULL)
		return NULL;
	for (j = id_slot(exp_live_id(e->path), l->imask); l->idx[j] != 0;
	    j = (j + 1) & l->imask) {
		x = &l->ex[l->idx[j] - 1];
		if (x->e == e && x->parent == NULL)
			return x->err == 0 ? x : NULL;
	}
	return NULL;
}

void
exp_holder_init(struct exp_holder *h)
{
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->reload_lock, NULL);
	atomic_init(&h->reloads, 0);
	atomic_init(&h->names, false);
	atomic_init(&h->sync, true);
	h->cur = NULL;
}

struct exp_live *
exp_holder_get(struct exp_holder *h)
{
	struct exp_live *l;

	pthread_mutex_lock(&h->lock);
	l = exp_live_ref(h->cur);
	pthread_mutex_unlock(&h->lock);
	return l;
}

void
exp_holder_set(struct exp_holder *h, struct exp_live *l)
{
	struct exp_live *old;

	bool names = l != NULL && exp_table_needs_names(l->table);
	bool sync = l == NULL || exp_table_any_sync(l->table);

	/* raised before a table that needs names is in use, lowered only
	 * after the last one is gone: a reader is never late to wait */
	if (names)
		atomic_store(&h->names, true);
	if (sync)
		atomic_store(&h->sync, true);
	pthread_mutex_lock(&h->lock);
	old = h->cur;
	h->cur = l;
	pthread_mutex_unlock(&h->lock);
	if (!names)
		atomic_store(&h->names, false);
	if (!sync)
		atomic_store(&h->sync, false);
	exp_live_put(old);
}

bool
exp_holder_needs_names(struct exp_holder *h)
{
	return atomic_load(&h->names);
}

bool
exp_holder_any_sync(struct exp_holder *h)
{
	return atomic_load(&h->sync);
}

void
exp_holder_destroy(struct exp_holder *h)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	while (atomic_load(&h->reloads) > 0)	/* let reloads finish */
		nanosleep(&ts, NULL);
	pthread_mutex_lock(&h->reload_lock);
	exp_holder_set(h, NULL);
	pthread_mutex_unlock(&h->reload_lock);
	pthread_mutex_destroy(&h->lock);
	pthread_mutex_destroy(&h->reload_lock);
}

static void
report(const struct exp_live *l)
{
	const struct exp_err *w;
	char buf[512];
	size_t i, n;

	w = exp_warnings(l->table, &n);
	for (i = 0; i < n; i++)
		log_warnx("%s", exp_err_fmt(&w[i], buf, sizeof(buf)));
	for (i = 0; i < l->n; i++)
		if (l->ex[i].err != 0)
			log_warnx("export %s: %s: not served", l->ex[i].parent ?
			    l->ex[i].mnt_path : l->ex[i].e->path,
			    strerror(-l->ex[i].err));
}

int
exp_holder_load(struct exp_holder *h, const struct exp_live_src *src,
    const char *ack_path, bool initial)
{
	struct exp_live *l;
	struct exp_err err;
	char buf[512];
	uint64_t hash;
	size_t n;
	int rc;

	pthread_mutex_lock(&h->reload_lock);
	if ((rc = exp_live_load(src, false, &l, &err)) != 0) {
		if (err.file[0] == '\0')
			snprintf(err.file, sizeof(err.file), "%s",
			    src->etab != NULL ? src->etab : "exports");
		if (err.pos.msg[0] == '\0')
			snprintf(err.pos.msg, sizeof(err.pos.msg), "%s",
			    strerror(-rc));
		log_warnx("%s%s", exp_err_fmt(&err, buf, sizeof(buf)),
		    initial ? "" : "; keeping the exports in use");
		goto out;
	}
	report(l);
	hash = l->hash;
	n = l->n;
	exp_holder_set(h, l);
	log_notice("%s %zu export%s (hash %016" PRIx64 ")",
	    initial ? "serving" : "exports reloaded:", n, n == 1 ? "" : "s",
	    hash);
	if (ack_path != NULL && (rc = exp_live_write_ack(ack_path, hash)) != 0)
		log_warnx("%s: %s", ack_path, strerror(-rc));
	rc = 0;
out:
	pthread_mutex_unlock(&h->reload_lock);
	return rc;
}

struct reload_job {
	struct exp_holder		*h;
	const struct exp_live_src	*src;
	const char			*ack;
};

static void *
reload_main(void *arg)
{
	struct reload_job *j = arg;

	struct exp_holder *h = j->h;

	(void)exp_holder_load(h, j->src, j->ack, false);
	free(j);
	atomic_fetch_sub(&h->reloads, 1);
	return NULL;
}

void
exp_holder_reload_async(struct exp_holder *h, const struct exp_live_src *src,
    const char *ack_path)
{
	struct reload_job *j;
	pthread_attr_t attr;
	pthread_t t;

	if ((j = malloc(sizeof(*j))) == NULL) {
		(void)exp_holder_load(h, src, ack_path, false);
		return;
	}
	j->h = h;
	j->src = src;
	j->ack = ack_path;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	atomic_fetch_add(&h->reloads, 1);
	if (pthread_create(&t, &attr, reload_main, j) != 0) {
		atomic_fetch_sub(&h->reloads, 1);
		free(j);
		(void)exp_holder_load(h, src, ack_path, false);
	}
	pthread_attr_destroy(&attr);
}

int
exp_live_write_ack(const char *path, uint64_t hash)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%016" PRIx64 "\n", hash);

	return atomic_write_file(path, buf, (size_t)n, 0644);
}
