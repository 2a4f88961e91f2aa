/*
 * nfsconf.c: taking the keys of /etc/nfs.conf that mean something here
 * (see nfsconf.h for the table and the precedence).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/nfsconf.h"
#include "common/util.h"

#define NC_ZERO_UNSET	0x1	/* "0" means "the default" there */

struct nfsconf_map {
	const char	*section, *key;		/* the suite's */
	const char	*nsection, *nkey;	/* nfs.conf's */
	unsigned	 flags;
};

static const struct nfsconf_map nfsconf_map[] = {
	{ "nfsd", "threads", "nfsd", "threads", NC_ZERO_UNSET },
	{ "nfsd", "port", "nfsd", "port", NC_ZERO_UNSET },
	{ "nfsd", "bind", "nfsd", "host", 0 },
	{ "nfsd", "udp", "nfsd", "udp", 0 },
	{ "nfsd", "tcp", "nfsd", "tcp", 0 },
	{ "nfsd", "vers2", "nfsd", "vers2", 0 },
	{ "nfsd", "vers3", "nfsd", "vers3", 0 },
	{ "nfsd", "manage-gids", "mountd", "manage-gids", 0 },
	{ "mountd", "port", "mountd", "port", 0 },
	{ "mountd", "threads", "mountd", "threads", NC_ZERO_UNSET },
	{ "mountd", "udp", "nfsd", "udp", 0 },
	{ "mountd", "tcp", "nfsd", "tcp", 0 },
	{ "mountd", "vers2", "nfsd", "vers2", 0 },
	{ "mountd", "vers3", "nfsd", "vers3", 0 },
	{ "lockd", "port", "lockd", "port", 0 },
	{ "statd", "port", "statd", "port", 0 },
	{ "statd", "outgoing-port", "statd", "outgoing-port", 0 },
	{ "exportfs", "debug", "exportfs", "debug", 0 },
};

int
nfsconf_import(struct conf_file *cf, const struct conf_file *nfs,
    const char *section)
{
	const struct nfsconf_map *m;
	char origin[PATH_MAX + 64];
	const char *v;
	unsigned line;
	size_t i;
	int n = 0, rc;

	for (i = 0; i < nitems(nfsconf_map); i++) {
		m = &nfsconf_map[i];
		if (strcasecmp(m->section, section) != 0 ||
		    conf_get(cf, m->section, m->key, NULL) != NULL)
			continue;
		if ((v = conf_get(nfs, m->nsection, m->nkey, &line)) == NULL ||
		    ((m->flags & NC_ZERO_UNSET) && strcmp(v, "0") == 0))
			continue;
		snprintf(origin, sizeof(origin), "%s:%u [%s] %s",
		    conf_file_path(nfs), line, m->nsection, m->nkey);
		if ((rc = conf_add_origin(cf, m->section, m->key, v,
		    origin)) != 0)
			return rc == -ENOMEM ? rc : -EINVAL;
		n++;
	}
	return n;
}
