/*
 * suite_conf.c: the shared [global] and [exports] sections.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/nfsconf.h"
#include "common/suite_conf.h"
#include "common/util.h"

#define K(n, t, f, d, h) \
	{ n, t, offsetof(struct suite_conf, f), d, 0, 0, h }
static const struct conf_key global_keys[] = {
	K("state-dir", CONF_STR, state_dir, STATEDIR,
	    "fh.key, rmtab, etab and the daemons' exports-hash files"),
	K("seccomp", CONF_BOOL, seccomp, "yes",
	    "every daemon's system call allow-list (no: for debugging only)"),
	{ "log-burst", CONF_INT, offsetof(struct suite_conf, log_burst), "5",
	    0, 1000000, "refusals of one kind logged every 5 s before they "
	    "are only counted (0: log every one)" },
	K("nfs-conf", CONF_STR, nfs_conf, NFSCONF_DEFAULT_PATH,
	    "nfs-utils' nfs.conf(5), read for the keys this file does not set "
	    "(empty: none; --nfs-conf overrides)"),
	K("auth-dh", CONF_BOOL, auth_dh, "no",
	    "verify AUTH_DH (sec=dh) calls; no: refuse them (AUTH_TOOWEAK). "
	    "Deprecated and broken: its 192-bit Diffie-Hellman and DES"),
	K("dh-publickey", CONF_STR, dh_publickey, SYSCONFDIR "/publickey",
	    "AUTH_DH public keys: netname hexpublic:hexsecret a line"),
	K("dh-secretkey", CONF_STR, dh_secretkey,
	    SYSCONFDIR "/nfs-suite/dh.key",
	    "the server's AUTH_DH netname and hex secret key (mode 0600)"),
	CONF_KEY_END
};
static const struct conf_key exports_keys[] = {
	K("file", CONF_STR, exports_file, SYSCONFDIR "/exports",
	    "the exports(5) file"),
	K("dir", CONF_STR, exports_dir, SYSCONFDIR "/exports.d",
	    "more exports, NAME.exports, read in version order"),
	K("etab", CONF_STR, etab_conf, NULL,
	    "the exported table exportfs writes (empty: <state-dir>/etab)"),
	CONF_KEY_END
};
#undef K

static int
replace(char **slot, const char *val)
{
	char *s;

	if (val == NULL)
		return 0;
	if ((s = strdup(val)) == NULL)
		return -ENOMEM;
	free(*slot);
	*slot = s;
	return 0;
}

int
suite_conf_apply(const struct conf_file *cf, const struct suite_overrides *o,
    struct suite_conf *sc, struct parse_err *err)
{
	int rc;

	memset(sc, 0, sizeof(*sc));
	if ((rc = conf_apply(cf, "global", global_keys, sc, err)) != 0)
		return rc;
	if ((rc = conf_apply(cf, "exports", exports_keys, sc, err)) != 0) {
		conf_free_values(global_keys, sc);
		return rc;
	}
	if (o != NULL && ((rc = replace(&sc->state_dir, o->state_dir)) != 0 ||
	    (rc = replace(&sc->exports_file, o->exports_file)) != 0 ||
	    (rc = replace(&sc->exports_dir, o->exports_dir)) != 0))
		goto fail;
	if (sc->etab_conf[0] != '\0' && (o == NULL || o->state_dir == NULL)) {
		if (str_copy(sc->etab, sc->etab_conf, sizeof(sc->etab)) >=
		    sizeof(sc->etab))
			rc = -ENAMETOOLONG;
	} else if ((size_t)snprintf(sc->etab, sizeof(sc->etab), "%s/etab",
	    sc->state_dir) >= sizeof(sc->etab))
		rc = -ENAMETOOLONG;
	if (rc == 0 && (size_t)snprintf(sc->keyfile, sizeof(sc->keyfile),
	    "%s/fh.key", sc->state_dir) >= sizeof(sc->keyfile))
		rc = -ENAMETOOLONG;
	if (rc == 0)
		return 0;
fail:
	suite_conf_free(sc);
	return rc;
}

int
suite_conf_global(const struct conf_file *cf, struct suite_conf *sc,
    struct parse_err *err)
{
	memset(sc, 0, sizeof(*sc));
	return conf_apply(cf, "global", global_keys, sc, err);
}

void
suite_conf_free(struct suite_conf *sc)
{
	conf_free_values(global_keys, sc);
	conf_free_values(exports_keys, sc);
}

void
suite_conf_print(FILE *fp, const struct suite_conf *sc)
{
	suite_conf_print_src(fp, sc, NULL);
}

void
suite_conf_print_src(FILE *fp, const struct suite_conf *sc,
    const struct conf_file *cf)
{
	conf_print_src(fp, "global", global_keys, sc, cf);
	conf_print_src(fp, "exports", exports_keys, sc, cf);
}

struct exp_live_src
suite_conf_src(const struct suite_conf *sc)
{
	struct exp_live_src src;

	src.file = sc->exports_file[0] != '\0' ? sc->exports_file : NULL;
	src.dir = sc->exports_dir[0] != '\0' ? sc->exports_dir : NULL;
	src.etab = sc->etab;
	return src;
}

int
suite_conf_ack_path(const struct suite_conf *sc, const char *prog, char *buf,
    size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/%s.exports-hash", sc->state_dir,
	    prog) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int
suite_conf_opt(struct suite_overrides *o, int opt, const char *arg)
{
	switch (opt) {
	case 'S':
		o->state_dir = arg;
		return 0;
	case 'e':
		o->exports_file = arg;
		return 0;
	case 'E':
		o->exports_dir = arg;
		return 0;
	}
	return -ENOENT;
}

int
suite_conf_check_exports(const struct suite_conf *sc, const char *prog)
{
	struct exp_live_src src = suite_conf_src(sc);
	const struct exp_err *w;
	struct exp_table *t;
	struct exp_err err;
	char buf[512];
	size_t i, n;

	if (exp_load(src.file, src.dir, &t, &err) != 0) {
		fprintf(stderr, "%s: %s\n", prog, exp_err_fmt(&err, buf,
		    sizeof(buf)));
		return 1;
	}
	w = exp_warnings(t, &n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s: warning: %s\n", prog,
		    exp_err_fmt(&w[i], buf, sizeof(buf)));
	printf("%zu export%s\n", exp_count(t), exp_count(t) == 1 ? "" : "s");
	exp_table_free(t);
	return 0;
}
