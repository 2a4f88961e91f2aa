/*
 * gss_name.h: from a Kerberos principal to the local identity the server
 * acts as, the way knfsd's user-space helpers do it: the realm's
 * auth_to_local rules (krb5_aname_to_localname), then the passwd database
 * for uid, gid and the whole group list; the machine principals
 * root/HOST, host/HOST and nfs/HOST are uid 0 (root_squash applies).
 */
#ifndef NFS_GSS_NAME_H
#define NFS_GSS_NAME_H

#include <stdbool.h>

#include "common/cred.h"

/* Is principal ("primary/instance@REALM") a machine principal that maps
 * to root? */
bool	gss_name_is_machine(const char *principal);

/*
 * Fill c's uid, gid and groups for principal (c->principal gets it too).
 * Returns 0, or -ENOENT when no local user matches (the caller treats it
 * as anonymous), -EINVAL for a malformed name, -ENOMEM.
 */
int	gss_name_to_cred(const char *principal, struct cred *c);

#endif
