/*
 * cred.h: the caller's identity as the RPC layer established it, and the
 * squashing rules exports apply to it.
 */
#ifndef NFS_CRED_H
#define NFS_CRED_H

#include <sys/types.h>
#include <stdbool.h>
#include <stdint.h>

#define CRED_AUTH_NONE		0
#define CRED_AUTH_SYS		1
#define CRED_AUTH_DH		3
#define CRED_RPCSEC_GSS		6

#define CRED_SYS_MAXGIDS	16	/* RFC 5531 appendix A */
#define CRED_SYS_MAXNAME	255
#define CRED_MAXGROUPS		1024	/* after server-side group resolution */

struct cred {
	uint32_t	flavor;		/* CRED_AUTH_* of the call */
	uint32_t	stamp;		/* AUTH_SYS stamp */
	uid_t		uid;
	gid_t		gid;
	unsigned	ngroups;
	gid_t		groups[CRED_MAXGROUPS];
	char		machname[CRED_SYS_MAXNAME + 1];
	char		principal[256];	/* GSS / DH principal, "" otherwise */
	uint32_t	gss_service;	/* 1 none, 2 integrity, 3 privacy (GSS) */
};

/* Squash options as exports carry them. */
struct cred_squash {
	bool	root_squash;
	bool	all_squash;
	uid_t	anonuid;
	gid_t	anongid;
};

/* Set c to the anonymous identity (AUTH_NONE callers). */
void	cred_anon(struct cred *c, uid_t anonuid, gid_t anongid);
/* Apply squashing in place: all_squash maps everyone to anon; root_squash
 * maps uid 0 to anonuid and gid 0 (primary and in the list) to anongid. */
void	cred_squash(struct cred *c, const struct cred_squash *sq);

#endif
