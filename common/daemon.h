/*
 * daemon.h: process set-up shared by every daemon: detaching, the pidfile
 * lock, the signal self-pipe and dropping privileges.
 */
#ifndef NFS_DAEMON_H
#define NFS_DAEMON_H

#include <sys/types.h>
#include <stdbool.h>
#include <stdio.h>

/* Take an exclusive lock on path and write our pid into it. Returns the
 * open fd (kept for the life of the process) or -EAGAIN if another
 * instance holds it, or another -errno. */
int	daemon_pidfile(const char *path);
/* Rewrite the pid in a pidfile we hold (after daemon_detach()). */
int	daemon_pidfile_update(int fd);
/* fork, setsid, chdir("/"), stdio to /dev/null. 0 in the child; the parent
 * exits 0. */
int	daemon_detach(void);

/* Signals that make a byte appear on the self-pipe: SIGTERM, SIGINT,
 * SIGHUP, SIGUSR1, SIGUSR2; SIGPIPE is ignored. Returns the read end
 * (non-blocking) or -errno. Each byte read is the signal number. */
int	daemon_sigpipe(void);
/* Read one pending signal number from the self-pipe; 0 if none. */
int	daemon_sigpipe_read(int fd);

/* Drop to user (name or numeric uid) and its primary group, no
 * supplementary groups. keep_caps is a capability bitmask (1ULL <<
 * CAP_xxx) kept in the permitted and effective sets afterwards, 0 for none;
 * when started with CAP_SETPCAP, the bounding set is reduced to keep_caps
 * too. Returns 0 or -errno (-ENOENT: no such user). */
int	priv_drop(const char *user, unsigned long long keep_caps);
/* The capability bounding set of the calling thread, as a bitmask. */
unsigned long long priv_bounding_set(void);
/* Look up a user; returns 0 or -ENOENT. */
int	priv_lookup(const char *user, uid_t *uid, gid_t *gid);

/*
 * The flags every daemon shares, as far as the daemon does not take the
 * letter over with one of its own (nfs-utils' meaning wins: rpc.nfsd -T is
 * --no-tcp, rpcbind -f foreground and -h ADDR): -F foreground, -f FILE
 * config, -d (debug all, implies -F), -D LIST debug facilities, -t check
 * the configuration and exit, -T print the effective configuration and
 * exit, -o KEY=VALUE override a key of the daemon's section, -V, -h. The
 * long forms never clash: --foreground, --config FILE, --check-config,
 * --print-config, --set KEY=VALUE, --nfs-conf FILE, --no-seccomp, --help,
 * --version.
 */
struct conf_file;
struct daemon_args {
	bool		 foreground;
	bool		 check_only;	/* --check-config */
	bool		 print_conf;	/* --print-config */
	bool		 no_seccomp;	/* --no-seccomp */
	bool		 usage_error;	/* -EINVAL came from the command line:
					   print the usage, exit 2 */
	unsigned	 debug;		/* LOG_D_* mask */
	const char	*conf_path;	/* -f, or CONF_DEFAULT_PATH */
	const char	*nfs_conf;	/* --nfs-conf, or NULL */
	struct conf_file *cf;		/* loaded, with -o applied; caller frees */
	char		 err[256];	/* message when -EINVAL is returned */
	/* for daemon_usage() */
	const char	*prog, *extra_opts, *usage_extra;
};
/*
 * Parse argv. Options in extra_opts (getopt syntax) are passed to
 * extra(opt, optarg, arg), which returns 0 or -EINVAL; they take precedence
 * over a common letter. usage_extra ends the -h usage line, or if it spans
 * lines (option descriptions) is printed below it. Loads the config
 * file (a missing default file is an empty config) and applies -o.
 * Returns 0 to run, 1 when -h/-V printed what was asked (exit 0), or
 * -EINVAL with da->err set (print it with the usage, exit 2/1).
 * *optindp gets the index of the first operand.
 */
int	daemon_parse_args(int argc, char **argv, const char *section,
	    const char *extra_opts, const char *usage_extra,
	    int (*extra)(int opt, const char *optarg, void *arg), void *arg,
	    struct daemon_args *da, int *optindp);
/*
 * The same with the daemon's own long options (getopt_long's struct
 * option, flag NULL, terminated by a zero entry): val is a letter of
 * extra_opts, or a value >= 256 for a long-only option; both reach
 * extra(). Every daemon also takes --config FILE, --check-config (-t),
 * --print-config (-T), --foreground, --no-seccomp (no system call filter,
 * for debugging: [global] seccomp = no), --help and --version.
 */
struct option;
int	daemon_parse_args_long(int argc, char **argv, const char *section,
	    const char *extra_opts, const struct option *extra_long,
	    const char *usage_extra,
	    int (*extra)(int opt, const char *optarg, void *arg), void *arg,
	    struct daemon_args *da, int *optindp);

/* Print the usage daemon_parse_args*() printed for -h (to stderr after a
 * command-line error). */
void	daemon_usage(const struct daemon_args *da, FILE *fp);
/*
 * Report a command-line error or a stray operand: "prog: msg" and the
 * usage on stderr. Returns 2, the exit status for it.
 */
int	daemon_usage_error(const struct daemon_args *da, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Read nfs-utils' nfs.conf (--nfs-conf FILE, else [global] nfs-conf, else
 * /etc/nfs.conf; empty: none; a missing file is no error) and add to
 * da->cf's [section] the values it has that da->cf does not (nfsconf.h).
 * Returns 0, or -EINVAL with da->err set (a syntax error in nfs.conf).
 */
int	daemon_nfs_conf(struct daemon_args *da, const char *section);

/*
 * The addresses to listen on from a bind list (numeric addresses or host
 * names, as nfs-utils' -H and [nfsd] host take them; names resolved once,
 * at start), then the extra ones (NULL-terminated, may be NULL) if the
 * list was not empty. *out: a NULL-terminated vector of numeric addresses
 * to free with daemon_binds_free(), or NULL for an empty list (the
 * wildcards). Returns 0, -EINVAL with err set, or -ENOMEM.
 */
int	daemon_resolve_binds(const char *list, const char *const *extra,
	    char ***out, char *err, size_t errlen);
void	daemon_binds_free(char **v);

#endif
