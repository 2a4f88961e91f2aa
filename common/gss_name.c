/*
 * gss_name.c: principal -> local identity (see gss_name.h).
 */
#include <sys/types.h>
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <krb5.h>

#include "common/gss_name.h"

static pthread_mutex_t k5lock = PTHREAD_MUTEX_INITIALIZER;
static krb5_context k5;		/* not thread-safe: under k5lock */

bool
gss_name_is_machine(const char *principal)
{
	static const char *const machines[] = { "root/", "host/", "nfs/" };
	size_t i, n;
	const char *at = strchr(principal, '@');

	for (i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		n = strlen(machines[i]);
		/* primary/instance with a non-empty instance */
		if (strncmp(principal, machines[i], n) == 0 &&
		    principal[n] != '\0' && principal[n] != '@' &&
		    (at == NULL || at > principal + n) &&
		    strchr(principal + n, '/') == NULL)
			return true;
	}
	return false;
}

/* The local name of principal by the realm's rules. 0 or -errno. */
static int
local_name(const char *principal, char *out, size_t len)
{
	krb5_principal p = NULL;
	krb5_error_code kc;
	int rc = 0;

	pthread_mutex_lock(&k5lock);
	if (k5 == NULL && krb5_init_context(&k5) != 0) {
		k5 = NULL;
		rc = -ENOMEM;
		goto out;
	}
	if (krb5_parse_name(k5, principal, &p) != 0) {
		rc = -EINVAL;
		goto out;
	}
	kc = krb5_aname_to_localname(k5, p, (int)len - 1, out);
	if (kc != 0)
		rc = -ENOENT;
out:
	if (p != NULL)
		krb5_free_principal(k5, p);
	pthread_mutex_unlock(&k5lock);
	return rc;
}

int
gss_name_to_cred(const char *principal, struct cred *c)
{
	char name[256], *buf = NULL;
	struct passwd pw, *pwp = NULL;
	gid_t *groups = NULL;
	int ng = CRED_MAXGROUPS, rc;
	long sz;

	if (strlen(principal) >= sizeof(c->principal) || principal[0] == '\0')
		return -EINVAL;
	snprintf(c->principal, sizeof(c->principal), "%s", principal);
	c->ngroups = 0;
	if (gss_name_is_machine(principal)) {
		c->uid = 0;
		c->gid = 0;
		return 0;
	}
	if ((rc = local_name(principal, name, sizeof(name))) != 0)
		return rc;
	if ((sz = sysconf(_SC_GETPW_R_SIZE_MAX)) < 16384)
		sz = 16384;
	if ((buf = malloc((size_t)sz)) == NULL ||
	    (groups = calloc(CRED_MAXGROUPS, sizeof(*groups))) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (getpwnam_r(name, &pw, buf, (size_t)sz, &pwp) != 0 || pwp == NULL) {
		rc = -ENOENT;
		goto out;
	}
	c->uid = pw.pw_uid;
	c->gid = pw.pw_gid;
	if (getgrouplist(name, pw.pw_gid, groups, &ng) < 0)
		ng = CRED_MAXGROUPS;	/* truncated to what fits */
	if (ng < 0)
		ng = 0;
	memcpy(c->groups, groups, (size_t)ng * sizeof(*groups));
	c->ngroups = (unsigned)ng;
	rc = 0;
out:
	free(buf);
	free(groups);
	return rc;
}
