/*
 * exports.h: the exports(5) table of Linux nfs-utils, parsed into an
 * immutable struct exp_table, and the client matcher mountd and nfsd use.
 *
 * Building a table is three steps, none of which touches the network:
 *	exp_parse() or exp_load()	text -> table (syntax, options, clients)
 *	exp_resolve()			host names -> addresses, through a
 *					resolver the caller supplies
 *	then only const use:		exp_lookup(), exp_match(), exp_format(),
 *					exp_serialize(), exp_showmount()
 * A reload builds a new table and swaps it in on success; nothing here
 * keeps state outside the table, so tables can be used from any thread.
 *
 * Precedence, as nfs-utils: of the entries of one export that match a
 * client, the one of the first class wins, in the order host (name or
 * single address), subnet, wildcard, netgroup, anyone ("*"); inside a
 * class the first listed wins.
 */
#ifndef NFS_EXPORTS_H
#define NFS_EXPORTS_H

#include <sys/socket.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cred.h"
#include "common/parse.h"

/* Flag bits of struct exp_opts.flags; the name is the option that sets it. */
#define EXP_F_RO		0x00000001	/* ro (rw clears) */
#define EXP_F_ASYNC		0x00000002	/* async (sync clears) */
#define EXP_F_ROOT_SQUASH	0x00000004	/* root_squash */
#define EXP_F_ALL_SQUASH	0x00000008	/* all_squash */
#define EXP_F_INSECURE		0x00000010	/* insecure (secure clears) */
#define EXP_F_SUBTREE_CHECK	0x00000020	/* subtree_check */
#define EXP_F_WDELAY		0x00000040	/* wdelay */
#define EXP_F_NOHIDE		0x00000080	/* nohide */
#define EXP_F_CROSSMNT		0x00000100	/* crossmnt */
#define EXP_F_NORDIRPLUS	0x00000200	/* nordirplus */
#define EXP_F_PUBLIC		0x00000400	/* public */
#define EXP_F_INSECURE_LOCKS	0x00000800	/* insecure_locks, no_auth_nlm */
#define EXP_F_NO_ACL		0x00001000	/* no_acl */
#define EXP_F_PNFS		0x00002000	/* pnfs (carried, NFSv4.1 only) */
#define EXP_F_SECURITY_LABEL	0x00004000	/* security_label (carried) */

/* The flags that may differ per security flavour (options after sec=). */
#define EXP_F_SECFLAGS	(EXP_F_RO | EXP_F_INSECURE | EXP_F_ROOT_SQUASH | \
			 EXP_F_ALL_SQUASH)
/* nfs-utils defaults: ro, sync, root_squash, secure, no_subtree_check,
 * wdelay, hide, nocrossmnt, secure_locks, acl. */
#define EXP_F_DEFAULT	(EXP_F_RO | EXP_F_ROOT_SQUASH | EXP_F_WDELAY)
#define EXP_ANON_DEFAULT	65534u

/* RPC security flavours (RFC 5531, RFC 2623 pseudoflavours). */
#define EXP_SEC_NONE	0u
#define EXP_SEC_SYS	1u
#define EXP_SEC_DH	3u	/* AUTH_DH (RFC 2695): broken, exports(5) */
#define EXP_SEC_KRB5	390003u
#define EXP_SEC_KRB5I	390004u
#define EXP_SEC_KRB5P	390005u
#define EXP_SEC_MAX	8	/* as nfs-utils' SECFLAVOR_COUNT */

#define EXP_MAXADDRS	16	/* addresses kept per host name */
#define EXP_UUID_TEXTLEN 48	/* fsid=UUID as written, with dashes */

enum exp_fsid {
	EXP_FSID_NONE = 0,
	EXP_FSID_NUM,		/* fsid=N, and fsid=root (N = 0) */
	EXP_FSID_UUID,		/* fsid=32 hex digits, '-' allowed between */
};

struct exp_sec {
	uint32_t	flavor;		/* EXP_SEC_* */
	uint32_t	flags;		/* the EXP_F_SECFLAGS bits for it */
};

struct exp_opts {
	uint32_t	flags;		/* EXP_F_*; the EXP_F_SECFLAGS bits are
					 * those of sec[0]: use exp_sec_flags() */
	uint32_t	anonuid;
	uint32_t	anongid;
	enum exp_fsid	fsid_type;
	uint32_t	fsid;
	uint8_t		uuid[16];
	char		uuid_text[EXP_UUID_TEXTLEN];
	char		*mountpoint;	/* NULL; "" for bare mountpoint/mp */
	unsigned	nsec;		/* >= 1 in a table (sec=sys default) */
	struct exp_sec	sec[EXP_SEC_MAX];	/* preference order */
};

/* Client classes, in precedence order. */
enum exp_client_type {
	EXP_CL_HOST = 0,	/* host name or single IPv4/IPv6 address */
	EXP_CL_SUBNET,		/* address/prefix or address/netmask */
	EXP_CL_WILDCARD,	/* name with * ? [...] */
	EXP_CL_NETGROUP,	/* @group */
	EXP_CL_ANY,		/* "*", "(opts)" alone, or a path alone */
	EXP_CL_NTYPES
};

/* Where a client entry was written. */
struct exp_where {
	const char	*file;		/* owned by the table */
	unsigned	line, col;
};

struct exp_export;

struct exp_client {
	enum exp_client_type	type;
	char			*name;	/* as written, unquoted; "*" for any */
	const struct exp_export	*export;
	struct exp_opts		opts;	/* effective (line defaults + own) */
	struct exp_where	where;
	/* EXP_CL_SUBNET: the network; EXP_CL_HOST: addresses (the one given,
	 * or what exp_resolve() found for a name: 0 until then) */
	struct sockaddr_storage	net;
	unsigned		prefix;
	bool			numeric;	/* HOST written as an address */
	size_t			naddrs;
	struct sockaddr_storage	*addrs;
};

struct exp_export {
	char			*path;	/* normalized: no //, /./, trailing / */
	size_t			nclients;
	struct exp_client	**clients;	/* in file order */
};

struct exp_table;

/* A position and message, as struct parse_err but with room for the
 * nfs-utils warnings that quote a path and an option list. */
struct exp_pos {
	unsigned	line;	/* 1-based; 0 when the error has no position */
	unsigned	col;	/* 1-based; 0 when unknown */
	char		msg[384];
};

/* A parse or load error: the file plus its position. */
struct exp_err {
	char		file[256];
	struct exp_pos	pos;	/* line 0 when the error has no position */
	bool		severe;	/* a warning nfs-utils' exportfs reports as
				 * an error (exit 1): duplicated entries */
};

/* Parse exports text (fname is used in errors only; NULL = "exports").
 * Returns 0 and *tp, or -EINVAL (err filled) or -ENOMEM. */
int	exp_parse(const char *text, size_t len, const char *fname,
	    struct exp_table **tp, struct exp_err *err);
/*
 * Load file and then dir/<name>.exports in version order (as nfs-utils;
 * dot files and other names are skipped). Either may be NULL; a missing
 * file or directory counts as empty. Returns 0 and *tp, or -errno with err
 * filled (file name; a position for syntax errors).
 */
int	exp_load(const char *file, const char *dir, struct exp_table **tp,
	    struct exp_err *err);
/*
 * exp_load() with flags:
 *	EXP_LOAD_PARTIAL	a line that does not parse is left out (each
 *				one in exp_skipped()) instead of failing the
 *				load; a file that cannot be read still fails
 *	EXP_LOAD_WARN_SUBTREE	warn about entries with neither subtree_check
 *				nor no_subtree_check, as nfs-utils' exportfs
 * Returns as exp_load().
 */
#define EXP_LOAD_PARTIAL	0x1u
#define EXP_LOAD_WARN_SUBTREE	0x2u
int	exp_load_flags(const char *file, const char *dir, unsigned flags,
	    struct exp_table **tp, struct exp_err *err);
/* The lines an EXP_LOAD_PARTIAL load left out, with why (file order). */
const struct exp_err *exp_skipped(const struct exp_table *t, size_t *np);
void	exp_table_free(struct exp_table *t);

/* "file:line:col: msg" (or "file: msg" without a position); returns buf. */
const char *exp_err_fmt(const struct exp_err *e, char *buf, size_t len);
/* Warnings the parse or resolve step recorded (no client given, no
 * options, a blank before "(options)", duplicate entries, names that did
 * not resolve), in nfs-utils' words where nfs-utils has the warning. */
const struct exp_err *exp_warnings(const struct exp_table *t, size_t *np);

/*
 * Fill the addresses of every EXP_CL_HOST entry given by name, with the
 * resolver fn: it puts up to max addresses of name in addrs, sets *np and
 * returns 0, or -errno (-ENOENT: no such host). exp_resolver_getaddrinfo
 * in production, a stub in tests. A name that fails to resolve is a
 * warning and its entry matches nobody. Call once, before sharing the
 * table; calling again re-resolves. Returns 0 or -ENOMEM.
 */
int	exp_resolve(struct exp_table *t,
	    int (*fn)(void *arg, const char *name,
		struct sockaddr_storage *addrs, size_t max, size_t *np),
	    void *arg);
/* The getaddrinfo(3) resolver (may block: not for the request path). */
int	exp_resolver_getaddrinfo(void *arg, const char *name,
	    struct sockaddr_storage *addrs, size_t max, size_t *np);

/* Exports in order of first appearance. */
size_t	exp_count(const struct exp_table *t);
const struct exp_export *exp_at(const struct exp_table *t, size_t i);
/* 32-bit FNV-1a of a NUL-terminated path (the path index; export ids). */
uint32_t exp_path_hash(const char *s);
/* The export of exactly this path (normalized first), or NULL. */
const struct exp_export *exp_lookup(const struct exp_table *t,
	    const char *path);

/* Who is asking. addr is required; name is the client's host name as the
 * caller already resolved it (NULL: wildcard entries cannot match); with
 * no in_netgroup callback netgroup entries cannot match. */
struct exp_peer {
	const struct sockaddr	*addr;
	const char		*name;
	/* 1 if host is in netgroup, else 0 (innetgr(3) fits) */
	int			(*in_netgroup)(void *arg, const char *netgroup,
				    const char *host);
	void			*ng_arg;
};

/* The winning entry of export e for the peer, or NULL: access denied. */
const struct exp_client *exp_match_export(const struct exp_export *e,
	    const struct exp_peer *peer);
/* Does some client entry of e (of some export of t) match by the client's
 * host name (a wildcard, a netgroup) rather than by its address? */
bool	exp_export_needs_names(const struct exp_export *e);
bool	exp_table_needs_names(const struct exp_table *t);
/* Does some client entry of some export of t write synchronously (no
 * async option)? */
bool	exp_table_any_sync(const struct exp_table *t);
/* exp_lookup() + exp_match_export() without netgroups; NULL if the path is
 * not exported or not to this client. */
const struct exp_client *exp_match(const struct exp_table *t,
	    const char *path, const struct sockaddr *addr, const char *name);
/* As mountd does for a MOUNT of a directory inside an export: try path,
 * then each parent directory up to "/", and return the first export that
 * admits the peer (its entry), or NULL. */
const struct exp_client *exp_match_under(const struct exp_table *t,
	    const char *path, const struct exp_peer *peer);

/* Flags in effect for a call of this flavour: 0 and *flagsp, or -EPERM if
 * the flavour is not in the entry's sec= list. */
int	exp_sec_flags(const struct exp_opts *o, uint32_t flavor,
	    uint32_t *flagsp);
/* The squash rules of opts for a flavour (as exp_sec_flags()). */
int	exp_squash(const struct exp_opts *o, uint32_t flavor,
	    struct cred_squash *sq);
/* "sys", "krb5", ... or NULL. */
const char *exp_sec_name(uint32_t flavor);

/* s in exports syntax: \ooo for whatever would end or split a word (space,
 * quote, backslash, '#', ',', parentheses, control and non-ASCII bytes).
 * Writes at most len bytes with a NUL; returns the length needed, like
 * snprintf(). */
size_t	exp_escape(char *buf, size_t len, const char *s);

/* Options the way `exportfs -v` prints them, in parentheses:
 * "(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,
 * no_all_squash)". Returns 0, or -ENOSPC (buf truncated). */
int	exp_format(const struct exp_opts *o, char *buf, size_t len);
/* The whole table as canonical exports text, one "path\tclient(opts)" line
 * per entry in file order; parsing it gives the same table. Returns 0 and a
 * malloc'd NUL-terminated *outp (length in *lenp if not NULL), or -ENOMEM. */
int	exp_serialize(const struct exp_table *t, char **outp, size_t *lenp);
/* 64-bit FNV-1a hash of the canonical text: equal hash, same exports. */
uint64_t exp_table_hash(const struct exp_table *t);

/*
 * The MOUNT EXPORT (showmount -e) list, built as nfs-utils' mountd builds
 * it: classes in precedence order, exports and names each put in front of
 * the list as they are met; a "*" entry empties the groups of an export
 * that already has some (shown as everyone); subnet and wildcard entries
 * absorb host entries they cover. Computed when the table is built.
 */
struct exp_mnt_export {
	const char		*path;
	size_t			ngroups;
	const char		**groups;
};
const struct exp_mnt_export *exp_showmount(const struct exp_table *t,
	    size_t *np);

#endif
