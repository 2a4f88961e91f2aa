/*
 * statd_db.c: the registration table. Registrations are grouped by
 * monitored host (the mon_name in lower case: one file in sm/ each); a
 * host carries the addresses a notifier may come from. Every change saves
 * the host's file through db->save while the lock is held, so the files
 * are written in the order the changes were made.
 *
 * The table is small (max-monitors, 1024 by default) and changes only on
 * the lock manager's SM_MON/SM_UNMON: lists and linear scans.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/addr.h"
#include "statd/statd.h"

void
statd_db_init(struct statd_db *db, size_t max, statd_save_fn save,
    void *save_arg)
{
	memset(db, 0, sizeof(*db));
	pthread_mutex_init(&db->lock, NULL);
	db->max = max;
	db->save = save;
	db->save_arg = save_arg;
}

static void
host_free(struct statd_host *h)
{
	if (h == NULL)
		return;
	free(h->regs);
	free(h);
}

void
statd_db_destroy(struct statd_db *db)
{
	struct statd_host *h;

	while ((h = db->hosts) != NULL) {
		db->hosts = h->next;
		host_free(h);
	}
	pthread_mutex_destroy(&db->lock);
}

static struct statd_host *
host_find(struct statd_db *db, const char *key, struct statd_host ***prevp)
{
	struct statd_host **pp, *h;

	for (pp = &db->hosts; (h = *pp) != NULL; pp = &h->next)
		if (strcmp(h->key, key) == 0) {
			if (prevp != NULL)
				*prevp = pp;
			return h;
		}
	return NULL;
}

static struct statd_host *
host_new(const char *key)
{
	struct statd_host *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	memcpy(h->key, key, strlen(key) + 1);
	if (statd_name_numeric(key, &h->addrs.a[0])) {
		h->numeric = true;
		h->addrs.n = 1;
	}
	return h;
}

/* Unlink h (found through pp) and free it. */
static void
host_drop(struct statd_db *db, struct statd_host **pp, struct statd_host *h)
{
	(void)db;
	*pp = h->next;
	host_free(h);
}

static bool
same_id(const struct statd_reg *r, const char *my_name, uint32_t prog,
    uint32_t vers, uint32_t proc)
{
	return r->prog == prog && r->vers == vers && r->proc == proc &&
	    strcmp(r->my_name, my_name) == 0;
}

static int
save_host(struct statd_db *db, const struct statd_host *h)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (db->save == NULL)
		return 0;
	if ((rc = statd_rec_serialize(h->regs, h->nregs, &text, &len)) != 0)
		return rc;
	rc = db->save(db->save_arg, h->key, text, len);
	free(text);
	return rc;
}

/* Add or update r in the table; *hp gets its host, *oldp the previous
 * registration when it was an update. 1 added, 0 updated, -errno. */
static int
put(struct statd_db *db, const struct statd_reg *r, struct statd_host **hp,
    bool *createdp, struct statd_reg *oldp)
{
	char key[STATD_NAME_MAX + 1];
	struct statd_host *h;
	struct statd_reg *nr;
	size_t i;

	*createdp = false;
	statd_name_key(r->mon_name, key);
	if ((h = host_find(db, key, NULL)) != NULL)
		for (i = 0; i < h->nregs; i++)
			if (strcasecmp(h->regs[i].mon_name, r->mon_name) == 0 &&
			    same_id(&h->regs[i], r->my_name, r->prog, r->vers,
			    r->proc)) {
				*oldp = h->regs[i];
				memcpy(h->regs[i].priv, r->priv,
				    sizeof(r->priv));
				*hp = h;
				return 0;
			}
	if (db->max > 0 && db->nregs >= db->max)
		return -ENOSPC;
	if (h == NULL) {
		if ((h = host_new(key)) == NULL)
			return -ENOMEM;
		h->next = db->hosts;
		db->hosts = h;
		*createdp = true;
	}
	if (h->nregs == h->cap) {
		size_t cap = h->cap == 0 ? 2 : h->cap * 2;

		if ((nr = realloc(h->regs, cap * sizeof(*nr))) == NULL) {
			if (*createdp)
				host_drop(db, &db->hosts, h);
			return -ENOMEM;
		}
		h->regs = nr;
		h->cap = cap;
	}
	h->regs[h->nregs++] = *r;
	db->nregs++;
	*hp = h;
	return 1;
}

int
statd_db_add(struct statd_db *db, const struct statd_reg *r,
    const struct statd_addrs *addrs)
{
	struct statd_host *h, **pp;
	struct statd_reg old;
	bool created;
	int rc, srv;

	pthread_mutex_lock(&db->lock);
	if ((rc = put(db, r, &h, &created, &old)) < 0)
		goto out;
	if (addrs != NULL && addrs->n > 0 && !h->numeric && h->addrs.n == 0)
		h->addrs = *addrs;
	if ((srv = save_host(db, h)) != 0) {
		/* undo: the table says what the files say */
		if (rc == 0) {
			size_t i;

			for (i = 0; i < h->nregs; i++)
				if (same_id(&h->regs[i], old.my_name, old.prog,
				    old.vers, old.proc) &&
				    strcasecmp(h->regs[i].mon_name,
				    old.mon_name) == 0)
					h->regs[i] = old;
		} else {
			h->nregs--;
			db->nregs--;
			if (created && host_find(db, h->key, &pp) != NULL)
				host_drop(db, pp, h);
		}
		rc = srv;
	}
out:
	pthread_mutex_unlock(&db->lock);
	return rc;
}

int
statd_db_load(struct statd_db *db, const struct statd_reg *r)
{
	struct statd_host *h;
	struct statd_reg old;
	bool created;
	int rc;

	pthread_mutex_lock(&db->lock);
	rc = put(db, r, &h, &created, &old);
	pthread_mutex_unlock(&db->lock);
	return rc;
}

/* Remove regs[i] of h (order kept: the file keeps its order). */
static void
reg_remove(struct statd_db *db, struct statd_host *h, size_t i)
{
	memmove(&h->regs[i], &h->regs[i + 1],
	    (h->nregs - i - 1) * sizeof(h->regs[0]));
	h->nregs--;
	db->nregs--;
}

int
statd_db_del(struct statd_db *db, const char *mon_name, const char *my_name,
    uint32_t prog, uint32_t vers, uint32_t proc)
{
	char key[STATD_NAME_MAX + 1];
	struct statd_host *h, **pp;
	size_t i;
	int rc = 0, srv;

	if (strlen(mon_name) > STATD_NAME_MAX)
		return 0;
	statd_name_key(mon_name, key);
	pthread_mutex_lock(&db->lock);
	if ((h = host_find(db, key, &pp)) == NULL)
		goto out;
	for (i = 0; i < h->nregs; i++)
		if (strcasecmp(h->regs[i].mon_name, mon_name) == 0 &&
		    same_id(&h->regs[i], my_name, prog, vers, proc)) {
			reg_remove(db, h, i);
			rc = 1;
			break;
		}
	if (rc == 0)
		goto out;
	srv = save_host(db, h);
	if (h->nregs == 0)
		host_drop(db, pp, h);
	if (srv != 0)
		rc = srv;
out:
	pthread_mutex_unlock(&db->lock);
	return rc;
}

int
statd_db_del_all(struct statd_db *db, const char *my_name, uint32_t prog,
    uint32_t vers, uint32_t proc, struct statd_reg **removedp, size_t *np)
{
	struct statd_host *h, **pp;
	struct statd_reg *out = NULL;
	size_t i, n = 0;
	int rc = 0, srv;
	bool changed;

	if (removedp != NULL)
		*removedp = NULL;
	if (np != NULL)
		*np = 0;
	pthread_mutex_lock(&db->lock);
	/* count first: once something is removed nothing may fail */
	for (h = db->hosts; h != NULL; h = h->next)
		for (i = 0; i < h->nregs; i++)
			if (same_id(&h->regs[i], my_name, prog, vers, proc))
				n++;
	if (n > 0 && removedp != NULL &&
	    (out = calloc(n, sizeof(*out))) == NULL) {
		pthread_mutex_unlock(&db->lock);
		return -ENOMEM;
	}
	n = 0;
	pp = &db->hosts;
	while ((h = *pp) != NULL) {
		changed = false;
		for (i = 0; i < h->nregs;) {
			if (!same_id(&h->regs[i], my_name, prog, vers, proc)) {
				i++;
				continue;
			}
			if (out != NULL)
				out[n] = h->regs[i];
			n++;
			reg_remove(db, h, i);
			changed = true;
		}
		if (changed && (srv = save_host(db, h)) != 0 && rc == 0)
			rc = srv;
		if (h->nregs == 0)
			host_drop(db, pp, h);
		else
			pp = &h->next;
	}
	pthread_mutex_unlock(&db->lock);
	if (removedp != NULL)
		*removedp = out;
	if (np != NULL)
		*np = n;
	return rc != 0 ? rc : (int)n;
}

bool
statd_host_matches(const struct statd_host *h, const struct sockaddr *from,
    const char *name)
{
	unsigned i;

	if (h->addrs.n == 0)
		return name != NULL && strcasecmp(h->key, name) == 0;
	for (i = 0; i < h->addrs.n; i++)
		if (addr_host_eq(from, (const struct sockaddr *)&h->addrs.a[i]))
			return true;
	return false;
}

int
statd_db_match(struct statd_db *db, const struct sockaddr *from,
    const char *name, int32_t state, struct statd_reg **outp,
    unsigned *matchedp)
{
	struct statd_host *h;
	struct statd_reg *out = NULL, *no;
	size_t n = 0, cap = 0, i;
	unsigned matched = 0;
	int rc = 0;

	*outp = NULL;
	if (matchedp != NULL)
		*matchedp = 0;
	pthread_mutex_lock(&db->lock);
	for (h = db->hosts; h != NULL; h = h->next) {
		if (!statd_host_matches(h, from, name))
			continue;
		matched++;
		if (h->have_state && h->state == state)
			continue;	/* a replay: passed on already */
		if (n + h->nregs > cap) {
			/* room first: a host marked is a host called back */
			cap = (n + h->nregs) * 2;
			if ((no = realloc(out, cap * sizeof(*out))) == NULL) {
				rc = -ENOMEM;
				goto out;
			}
			out = no;
		}
		h->have_state = true;
		h->state = state;
		for (i = 0; i < h->nregs; i++)
			out[n++] = h->regs[i];
	}
out:
	pthread_mutex_unlock(&db->lock);
	if (rc != 0) {
		free(out);
		return rc;
	}
	*outp = out;
	if (matchedp != NULL)
		*matchedp = matched;
	return (int)n;
}

bool
statd_db_room(struct statd_db *db, const struct statd_reg *r)
{
	char key[STATD_NAME_MAX + 1];
	struct statd_host *h;
	bool room;
	size_t i;

	statd_name_key(r->mon_name, key);
	pthread_mutex_lock(&db->lock);
	room = db->max == 0 || db->nregs < db->max;
	if (!room && (h = host_find(db, key, NULL)) != NULL)
		for (i = 0; i < h->nregs && !room; i++)
			room = strcasecmp(h->regs[i].mon_name, r->mon_name) ==
			    0 && same_id(&h->regs[i], r->my_name, r->prog,
			    r->vers, r->proc);
	pthread_mutex_unlock(&db->lock);
	return room;
}

bool
statd_db_known(struct statd_db *db, const char *name)
{
	char key[STATD_NAME_MAX + 1];
	struct statd_host *h;
	bool known;

	if (strlen(name) > STATD_NAME_MAX)
		return false;
	statd_name_key(name, key);
	pthread_mutex_lock(&db->lock);
	known = (h = host_find(db, key, NULL)) != NULL && h->addrs.n > 0;
	pthread_mutex_unlock(&db->lock);
	return known;
}

int
statd_db_set_addrs(struct statd_db *db, const char *key,
    const struct statd_addrs *a)
{
	struct statd_host *h;
	int rc = -ENOENT;

	pthread_mutex_lock(&db->lock);
	if ((h = host_find(db, key, NULL)) != NULL) {
		if (!h->numeric)
			h->addrs = *a;
		rc = 0;
	}
	pthread_mutex_unlock(&db->lock);
	return rc;
}

size_t
statd_db_count(struct statd_db *db)
{
	size_t n;

	pthread_mutex_lock(&db->lock);
	n = db->nregs;
	pthread_mutex_unlock(&db->lock);
	return n;
}

/* The keys of the hosts for which want(h) holds. */
static int
keys_of(struct statd_db *db, bool (*want)(const struct statd_host *),
    char (**keysp)[STATD_NAME_MAX + 1])
{
	char (*keys)[STATD_NAME_MAX + 1];
	struct statd_host *h;
	size_t n = 0;

	*keysp = NULL;
	for (h = db->hosts; h != NULL; h = h->next)
		n++;
	if (n == 0)
		return 0;
	if ((keys = calloc(n, sizeof(*keys))) == NULL)
		return -ENOMEM;
	n = 0;
	for (h = db->hosts; h != NULL; h = h->next)
		if (want == NULL || want(h))
			memcpy(keys[n++], h->key, sizeof(h->key));
	*keysp = keys;
	return (int)n;
}

int
statd_db_retire(struct statd_db *db, void (*retire)(void *arg,
    const char *key), void *arg, char (**keysp)[STATD_NAME_MAX + 1])
{
	struct statd_host *h;
	int n, i;

	pthread_mutex_lock(&db->lock);
	if ((n = keys_of(db, NULL, keysp)) > 0) {
		for (i = 0; i < n; i++)
			if (retire != NULL)
				retire(arg, (*keysp)[i]);
		while ((h = db->hosts) != NULL) {
			db->hosts = h->next;
			host_free(h);
		}
		db->nregs = 0;
	}
	pthread_mutex_unlock(&db->lock);
	return n;
}

static bool
unresolved(const struct statd_host *h)
{
	return !h->numeric && h->addrs.n == 0;
}

int
statd_db_unresolved(struct statd_db *db, char (**keysp)[STATD_NAME_MAX + 1])
{
	int n;

	pthread_mutex_lock(&db->lock);
	n = keys_of(db, unresolved, keysp);
	pthread_mutex_unlock(&db->lock);
	if (n == 0) {
		free(*keysp);
		*keysp = NULL;
	}
	return n;
}
