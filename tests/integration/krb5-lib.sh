# shellcheck shell=bash
# krb5-lib.sh: a throwaway MIT Kerberos realm for one test, sourced after
# lib.sh (whose namespaces and tmpfs $T it relies on).
#
# Everything lives under $KRB5_DIR ($T/krb5): krb5.conf, kdc.conf, the
# database and its stash, keytabs, credential caches and the replay cache.
# The environment points every MIT library user there (KRB5_CONFIG,
# KRB5_KDC_PROFILE, KRB5CCNAME, KRB5_KTNAME, KRB5_CLIENT_KTNAME,
# KRB5RCACHEDIR), so nothing reads /etc/krb5.conf or writes /etc, /tmp,
# /var/tmp or /var/lib/krb5kdc. The KDC runs in the foreground
# (start_daemon krb5kdc, log in $T/krb5kdc.log) in the test's own network
# namespace. A realm with a service and two users is up in ~0.1 s.
#
#   krb5_realm_setup [REALM]   create REALM (default $KRB5_REALM, NFS.TEST)
#                       and start its KDC on 127.0.0.1:$KRB5_KDC_PORT (88),
#                       and also on $KRB5_KDC_ADDR when set (that address
#                       must exist: e.g. 198.51.100.1 after lc_net_setup);
#                       returns once a kinit against it succeeds
#   krb5_add_service PRINC [KEYTAB]   e.g. nfs/localhost; random key, added
#                       to KEYTAB (default $KRB5_KEYTAB, $KRB5_DIR/krb5.keytab,
#                       which KRB5_KTNAME names)
#   krb5_add_user NAME [PASSWORD]     a user principal, its keys also in
#                       $KRB5_DIR/NAME.keytab (kinit -k: no prompts); with a
#                       PASSWORD the keytab holds the password's keys
#   krb5_kinit NAME [LIFETIME]        a TGT for NAME (kinit -l LIFETIME,
#                       e.g. 10s; default the realm's 1 day) in NAME's
#                       ccache, $KRB5_DIR/cc/NAME
#   krb5_ccache NAME    print NAME's ccache (FILE:...)
#   krb5_as NAME CMD... run CMD with KRB5CCNAME set to NAME's ccache
#   krb5_kdestroy NAME  remove NAME's credentials
#   krb5_client_conf FILE [KDC_ADDR]  a krb5.conf for another host (a guest)
#                       that reaches the KDC at KDC_ADDR ($KRB5_KDC_ADDR)
#   krb5_stop           stop the KDC (also done at exit by lib.sh)
#
# Ticket lifetimes: the realm allows 1 day (max_life), renewable for 7;
# there is no lower bound, so `krb5_kinit alice 10s` gives a 10-second TGT
# (and service tickets got with it end with it). Note that an acceptor
# still takes an AP-REQ whose ticket expired less than clockskew (300 s)
# ago; a GSS context, once made, expires with its ticket, without skew.

KRB5_REALM=${KRB5_REALM:-NFS.TEST}
KRB5_KDC_PORT=${KRB5_KDC_PORT:-88}
KRB5_KDC_ADDR=${KRB5_KDC_ADDR:-}
KRB5_CLOCKSKEW=${KRB5_CLOCKSKEW:-300}
KRB5_DIR=$T/krb5
KRB5_KEYTAB=$KRB5_DIR/krb5.keytab

# _krb5_admin CMD...: one kadmin.local command, quiet unless it fails.
_krb5_admin() {
	local out
	out=$(kadmin.local -r "$KRB5_REALM" -q "$*" 2>&1) ||
	    fail "kadmin.local '$*': $out"
	# kadmin.local exits 0 even when the command failed
	! grep -qiE "error|cannot|no such|unable|not found" <<<"$out" ||
	    fail "kadmin.local '$*': $out"
}

# shellcheck disable=SC2120  # the realm is optional
krb5_realm_setup() {
	local realm=${1:-$KRB5_REALM} listen t0
	local k
	KRB5_REALM=$realm
	for k in krb5kdc kdb5_util kadmin.local kinit klist; do
		command -v "$k" >/dev/null ||
		    fail "$k not installed (krb5-kdc krb5-admin-server krb5-user)"
	done
	t0=$(date +%s.%N)
	mkdir -p "$KRB5_DIR/cc" "$KRB5_DIR/rcache" || fail "mkdir $KRB5_DIR"
	chmod 1777 "$KRB5_DIR/cc"
	listen="127.0.0.1:$KRB5_KDC_PORT"
	[ -z "$KRB5_KDC_ADDR" ] || listen="$listen, $KRB5_KDC_ADDR:$KRB5_KDC_PORT"
	cat >"$KRB5_DIR/krb5.conf" <<EOF
# $TEST_NAME's throwaway realm (tests/integration/krb5-lib.sh)
[libdefaults]
	default_realm = $realm
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
	default_ccache_name = FILE:$KRB5_DIR/cc/default
	default_keytab_name = FILE:$KRB5_KEYTAB
	default_client_keytab_name = FILE:$KRB5_DIR/client.keytab
	forwardable = true
	clockskew = $KRB5_CLOCKSKEW

[realms]
	$realm = {
		kdc = 127.0.0.1:$KRB5_KDC_PORT
	}

[domain_realm]
	localhost = $realm
EOF
	cat >"$KRB5_DIR/kdc.conf" <<EOF
[kdcdefaults]
	kdc_listen = $listen
	kdc_tcp_listen = $listen

[realms]
	$realm = {
		database_name = $KRB5_DIR/principal
		key_stash_file = $KRB5_DIR/stash
		acl_file = $KRB5_DIR/kadm5.acl
		max_life = 1d
		max_renewable_life = 7d
	}

[logging]
	kdc = STDERR
	admin_server = STDERR
	default = STDERR

[plugins]
	kdcpreauth = {
		disable = spake
	}
EOF
	export KRB5_CONFIG=$KRB5_DIR/krb5.conf
	export KRB5_KDC_PROFILE=$KRB5_DIR/kdc.conf
	export KRB5CCNAME=FILE:$KRB5_DIR/cc/default
	export KRB5_KTNAME=FILE:$KRB5_KEYTAB
	export KRB5_CLIENT_KTNAME=FILE:$KRB5_DIR/client.keytab
	export KRB5RCACHEDIR=$KRB5_DIR/rcache
	export KRB5_REALM KRB5_DIR KRB5_KEYTAB
	# -W: the master key from the fast random source (a throwaway realm)
	kdb5_util create -s -W -r "$realm" -P "master-$$" \
	    >"$KRB5_DIR/kdb5_util.log" 2>&1 ||
	    fail "kdb5_util create: $(cat "$KRB5_DIR/kdb5_util.log")"
	# The readiness probe: a principal of its own, its keytab aside.
	_krb5_admin addprinc -randkey krb5-lib/probe
	_krb5_admin ktadd -k "$KRB5_DIR/probe.keytab" krb5-lib/probe
	start_daemon krb5kdc krb5kdc -n -r "$realm"
	wait_until 10 kinit -k -t "$KRB5_DIR/probe.keytab" \
	    -c "FILE:$KRB5_DIR/cc/.probe" krb5-lib/probe ||
	    fail "the KDC does not answer on 127.0.0.1:$KRB5_KDC_PORT"
	if [ -n "$KRB5_KDC_ADDR" ]; then
		krb5_client_conf "$KRB5_DIR/krb5.conf.addr" "$KRB5_KDC_ADDR"
		KRB5_CONFIG=$KRB5_DIR/krb5.conf.addr wait_until 10 \
		    kinit -k -t "$KRB5_DIR/probe.keytab" \
		    -c "FILE:$KRB5_DIR/cc/.probe" krb5-lib/probe ||
		    fail "the KDC does not answer on $KRB5_KDC_ADDR:$KRB5_KDC_PORT"
	fi
	echo "+ realm $realm: KDC on $listen, files in $KRB5_DIR, up in" \
	    "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s"
}

# krb5_add_service PRINC [KEYTAB]
krb5_add_service() {
	local princ=$1 kt=${2:-$KRB5_KEYTAB}
	_krb5_admin addprinc -randkey "$princ"
	_krb5_admin ktadd -k "$kt" "$princ"
	echo "+ principal $princ@$KRB5_REALM in $kt"
}

# krb5_add_user NAME [PASSWORD]
krb5_add_user() {
	local name=$1
	if [ $# -ge 2 ]; then
		_krb5_admin addprinc -pw "$2" "$name"
		# -norandkey: the keytab gets the password's keys, which stay valid
		_krb5_admin ktadd -norandkey -k "$KRB5_DIR/$name.keytab" "$name"
	else
		_krb5_admin addprinc -randkey "$name"
		_krb5_admin ktadd -k "$KRB5_DIR/$name.keytab" "$name"
	fi
	chmod 644 "$KRB5_DIR/$name.keytab"
	echo "+ user $name@$KRB5_REALM, keytab $KRB5_DIR/$name.keytab"
}

krb5_ccache() {
	echo "FILE:$KRB5_DIR/cc/$1"
}

# krb5_kinit NAME [LIFETIME]
krb5_kinit() {
	local name=$1 out
	local life=()
	[ $# -lt 2 ] || life=(-l "$2")
	out=$(kinit "${life[@]}" -k -t "$KRB5_DIR/$name.keytab" \
	    -c "$(krb5_ccache "$name")" "$name" 2>&1) ||
	    fail "kinit $name: $out"
}

# krb5_as NAME CMD...
krb5_as() {
	local name=$1
	shift
	KRB5CCNAME=$(krb5_ccache "$name") "$@"
}

krb5_kdestroy() {
	kdestroy -q -c "$(krb5_ccache "$1")" 2>/dev/null
	rm -f "$KRB5_DIR/cc/$1"
}

# krb5_client_conf FILE [KDC_ADDR]: krb5.conf for a client elsewhere (a
# guest): the realm's KDC at KDC_ADDR, nothing looked up in DNS, default
# ccache and keytab as the host's tools expect them.
krb5_client_conf() {
	local f=$1 addr=${2:-$KRB5_KDC_ADDR}
	[ -n "$addr" ] || fail "krb5_client_conf: no KDC address"
	cat >"$f" <<EOF
# realm $KRB5_REALM of $TEST_NAME (tests/integration/krb5-lib.sh)
[libdefaults]
	default_realm = $KRB5_REALM
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
	forwardable = true

[realms]
	$KRB5_REALM = {
		kdc = $addr:$KRB5_KDC_PORT
	}
EOF
}

krb5_stop() {
	stop_daemon krb5kdc
}
