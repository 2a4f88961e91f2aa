# shellcheck shell=bash
# ganesha-lib.sh: NFS-Ganesha (Debian's nfs-ganesha + nfs-ganesha-vfs) as a
# reference peer in a test's namespace, sourced after lib.sh (and after
# krb5-lib.sh when it serves Kerberos). Ganesha is a functional reference,
# never a security one (see /work/shared/FACTS.md).
#
#   start_ganesha DIR SECTYPES [PRINCIPAL]
#       export DIR (an ext4 directory: the VFS FSAL needs file handles) over
#       NFSv3 (TCP and UDP) with SecType = SECTYPES (e.g. "krb5, krb5i,
#       krb5p" or "sys"), no root squash, 1 MiB reads and writes; with a
#       PRINCIPAL (e.g. nfs@localhost) RPCSEC_GSS is on, with krb5-lib.sh's
#       keytab. Needs our rpcbind (start_rpcbind) for its registrations;
#       waits for NFS and MOUNT v3. Its own log is $T/ganesha.log.
#   GANESHA_LOG_LEVEL   Ganesha's Default_Log_Level (EVENT)
#
# What it writes stays in $T: config, log, pid file, NFSv4 recovery root.

need_ganesha() {
	command -v ganesha.nfsd >/dev/null ||
	    fail "ganesha.nfsd not installed (apt-get install nfs-ganesha nfs-ganesha-vfs)"
	ls /usr/lib/*/ganesha/libfsalvfs.so >/dev/null 2>&1 ||
	    fail "no Ganesha VFS FSAL (apt-get install nfs-ganesha-vfs)"
}

start_ganesha() {
	local dir=$1 sec=$2 princ=${3:-}
	need_ganesha
	mkdir -p "$T/ganesha-recovery"
	# RPCSEC_GSS principals become users through libnfsidmap's nsswitch
	# method: alice@REALM is passwd's alice when REALM is a local realm and
	# (nss_getpwnam compares it) the NFSv4 domain is the realm too.
	cat >"$T/idmapd.conf" <<EOF
[General]
Domain = ${KRB5_REALM:-NFS.TEST}
Local-Realms = ${KRB5_REALM:-NFS.TEST}
[Translation]
Method = nsswitch
EOF
	{
		cat <<EOF
# written by $TEST_NAME (tests/integration/ganesha-lib.sh)
NFS_CORE_PARAM {
	Protocols = 3;
	NFS_Port = 2049;
	MNT_Port = 20048;
	Enable_NLM = false;
	Enable_RQUOTA = false;
	Enable_UDP = true;
	RPC_Ioq_ThrdMax = 16;
	# 1 MiB READ/WRITE plus RPCSEC_GSS overhead
	MaxRPCRecvBufferSize = 4194304;
	MaxRPCSendBufferSize = 4194304;
}
NFSV4 {
	Graceless = true;
	RecoveryRoot = "$T/ganesha-recovery";
	IdmapConf = "$T/idmapd.conf";
}
EOF
		if [ -n "$princ" ]; then
			cat <<EOF
NFS_KRB5 {
	PrincipalName = "$princ";
	KeytabPath = "$KRB5_KEYTAB";
	Active_krb5 = true;
}
EOF
		else
			printf 'NFS_KRB5 {\n\tActive_krb5 = false;\n}\n'
		fi
		cat <<EOF
EXPORT {
	Export_Id = 1;
	Path = "$dir";
	Pseudo = "$dir";
	Access_Type = RW;
	Squash = No_Root_Squash;
	SecType = $sec;
	Protocols = 3;
	Transports = TCP, UDP;
	MaxRead = 1048576;
	MaxWrite = 1048576;
	FSAL {
		Name = VFS;
	}
}
LOG {
	Default_Log_Level = ${GANESHA_LOG_LEVEL:-EVENT};
}
EOF
	} >"$T/ganesha.conf"
	# ganesha.nfsd's stdout/stderr go to $T/ganesha-out.log, its log to
	# $T/ganesha.log (both shown when the test fails)
	start_daemon ganesha-out ganesha.nfsd -F -f "$T/ganesha.conf" \
	    -L "$T/ganesha.log" -p "$T/ganesha.pid"
	WAIT_SECS=30 wait_rpc 100003 3 tcp
	WAIT_SECS=30 wait_rpc 100005 3 tcp
	echo "+ ganesha: $(ganesha.nfsd -v 2>&1 | grep -o 'Release.*' | head -1)," \
	    "export $dir, SecType $sec${princ:+, principal $princ}"
}
