/*
 * suite_conf.h: the [global] and [exports] sections of the suite config,
 * read alike by every program that serves or edits exports (rpc.mountd,
 * rpc.nfsd, exportfs), so they always agree on where the handle key, the
 * etab and the acknowledgement files live.
 *
 *	[global]
 *	state-dir = /var/lib/nfs-suite	fh.key, rmtab, etab, *.exports-hash
 *	seccomp = yes			every daemon's allow-list (sandbox.h)
 *	log-burst = 5			refusals of a kind logged per 5 s
 *	nfs-conf = /etc/nfs.conf	nfs-utils' file, read too (nfsconf.h)
 *	auth-dh = no			AUTH_DH verified, not refused (broken)
 *	dh-publickey = /etc/publickey	its public keys (dhkeys.h)
 *	dh-secretkey = /etc/nfs-suite/dh.key	the server's secret key
 *	[exports]
 *	file = /etc/exports
 *	dir = /etc/exports.d
 *	etab =				empty: <state-dir>/etab
 */
#ifndef NFS_SUITE_CONF_H
#define NFS_SUITE_CONF_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "common/conf.h"
#include "common/exports_live.h"

struct suite_conf {
	char	*state_dir;
	bool	 seccomp;
	long	 log_burst;
	char	*nfs_conf;
	bool	 auth_dh;		/* AUTH_DH verified (auth_dh.h) */
	char	*dh_publickey;		/* its public keys */
	char	*dh_secretkey;		/* the server's secret key */
	char	*exports_file;
	char	*exports_dir;
	char	*etab_conf;		/* as configured */
	char	 etab[PATH_MAX];	/* in force */
	char	 keyfile[PATH_MAX];	/* <state-dir>/fh.key */
};

/* Command-line overrides (-S, -e, -E); NULL members keep the config. -S
 * moves everything kept in the state directory, the etab included. */
struct suite_overrides {
	const char	*state_dir;
	const char	*exports_file;
	const char	*exports_dir;
};

/* The flags for the overrides, for daemon_parse_args()'s extra options,
 * and their usage lines. */
#define SUITE_CONF_OPTS		"S:e:E:"
#define SUITE_CONF_USAGE \
	"  -S dir\tstate directory ([global] state-dir)\n" \
	"  -e file\texports file ([exports] file)\n" \
	"  -E dir\texports directory ([exports] dir)\n"
/* Take one of those flags: 0, or -ENOENT if opt is not one of them. */
int	suite_conf_opt(struct suite_overrides *o, int opt, const char *arg);

/* Fill sc from cf (may be NULL) and o (may be NULL). Returns 0, or -EINVAL
 * with err positioned (the section is in err->msg), or -ENAMETOOLONG. */
int	suite_conf_apply(const struct conf_file *cf,
	    const struct suite_overrides *o, struct suite_conf *sc,
	    struct parse_err *err);
void	suite_conf_free(struct suite_conf *sc);
/* [global] alone into sc, for a daemon that reads no exports (rpcbind;
 * free with suite_conf_free()). Returns 0 or -EINVAL with err positioned. */
int	suite_conf_global(const struct conf_file *cf, struct suite_conf *sc,
	    struct parse_err *err);
/* Print both sections as --print-config does. */
void	suite_conf_print(FILE *fp, const struct suite_conf *sc);
/* The same saying where each value came from (conf_print_src()). */
void	suite_conf_print_src(FILE *fp, const struct suite_conf *sc,
	    const struct conf_file *cf);
/* Where exports come from. */
struct exp_live_src suite_conf_src(const struct suite_conf *sc);
/*
 * -t of the daemons: load the exports files (not the etab: the files are
 * what the administrator is checking) and print the errors as
 * "prog: file:line:col: message", the warnings, and the number of exports.
 * Returns the exit status: 0, or 1 when the files do not load.
 */
int	suite_conf_check_exports(const struct suite_conf *sc, const char *prog);
/* <state-dir>/<prog>.exports-hash: 0 or -ENAMETOOLONG. */
int	suite_conf_ack_path(const struct suite_conf *sc, const char *prog,
	    char *buf, size_t len);

#endif
