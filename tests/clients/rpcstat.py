#!/usr/bin/python3
"""rpcstat.py: a known number of raw ONC RPC calls, for t_stats.

  rpcstat.py calls HOST EXPORT    the fixed mix below, one line per call kind
  rpcstat.py nulls HOST N         N NFSv3 NULL calls on one TCP connection
  rpcstat.py hold HOST PORT N SECS  N idle TCP connections held SECS seconds
  rpcstat.py scrape URL [METHOD]  an HTTP request; prints status and body
  rpcstat.py value FILE NAME [k=v...]  sum of matching samples of a
                                  Prometheus text file (0 if none)

The mix ("calls"), on NFS (program 100003, version 3) unless said:
  MNT EXPORT (MOUNT v3, on mountd's port from rpcbind)      1
  NULL over TCP                                             7
  NULL over UDP                                             3
  GETATTR of the export root (status OK)                    5
  GETATTR of a bogus handle (an error status)               2
  GETATTR with truncated arguments (GARBAGE_ARGS)           1
  procedure 30 (PROC_UNAVAIL)                               1
  version 5 (PROG_MISMATCH)                                 1
  credential flavour 77 (AUTH_ERROR, bad credential)        1
Each reply is checked to be what the line says; any surprise exits 1.
Only the standard library: runs under any python3.
"""
import socket
import struct
import sys
import time
import urllib.error
import urllib.request

NFS, MOUNT, PMAP = 100003, 100005, 100000
xid_next = [0x5000]


def auth_sys():
    body = struct.pack(">I", 0) + xdr_string(b"t-stats") + \
        struct.pack(">III", 0, 0, 0)
    return struct.pack(">II", 1, len(body)) + body


def xdr_string(b):
    pad = (4 - len(b) % 4) % 4
    return struct.pack(">I", len(b)) + b + b"\0" * pad


def call(prog, vers, proc, args=b"", cred=None):
    xid_next[0] += 1
    xid = xid_next[0]
    msg = struct.pack(">IIIIII", xid, 0, 2, prog, vers, proc)
    msg += cred if cred is not None else auth_sys()
    msg += struct.pack(">II", 0, 0) + args
    return xid, msg


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError("connection closed")
        b += c
    return b


def tcp_rpc(s, prog, vers, proc, args=b"", cred=None):
    xid, msg = call(prog, vers, proc, args, cred)
    s.sendall(struct.pack(">I", 0x80000000 | len(msg)) + msg)
    body = b""
    while True:
        (mark,) = struct.unpack(">I", recv_exact(s, 4))
        body += recv_exact(s, mark & 0x7FFFFFFF)
        if mark & 0x80000000:
            break
    return parse_reply(xid, body)


def udp_rpc(host, port, prog, vers, proc, args=b""):
    xid, msg = call(prog, vers, proc, args)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(msg, (host, port))
    body, _ = s.recvfrom(65536)
    s.close()
    return parse_reply(xid, body)


def parse_reply(xid, b):
    """("accepted", accept_stat, results) or ("denied", reject_stat, why)."""
    rxid, mtype, rstat = struct.unpack(">III", b[:12])
    if rxid != xid or mtype != 1:
        raise ValueError("bad reply header")
    if rstat == 1:
        rej, why = struct.unpack(">II", b[12:20])
        return ("denied", rej, why)
    _, vlen = struct.unpack(">II", b[12:20])
    off = 20 + (vlen + 3) // 4 * 4
    (astat,) = struct.unpack(">I", b[off:off + 4])
    return ("accepted", astat, b[off + 4:])


def connect(host, port):
    s = socket.create_connection((host, port), timeout=10)
    return s


def getport(host, prog, vers):
    s = connect(host, 111)
    r = tcp_rpc(s, PMAP, 2, 3, struct.pack(">IIII", prog, vers, 6, 0))
    s.close()
    return struct.unpack(">I", r[2][:4])[0]


def expect(what, got, want):
    if got != want:
        print("FAIL %s: got %r, want %r" % (what, got, want))
        sys.exit(1)
    print("%s: %r" % (what, got))


def mix(host, export):
    s = connect(host, getport(host, MOUNT, 3))
    r = tcp_rpc(s, MOUNT, 3, 1, xdr_string(export.encode()))
    s.close()
    expect("MNT status", (r[0], r[1], struct.unpack(">I", r[2][:4])[0]),
           ("accepted", 0, 0))
    (fhlen,) = struct.unpack(">I", r[2][4:8])
    fh = r[2][8:8 + fhlen]
    s = connect(host, 2049)
    for _ in range(7):
        expect("NULL tcp", tcp_rpc(s, NFS, 3, 0)[:2], ("accepted", 0))
    for _ in range(3):
        expect("NULL udp", udp_rpc(host, 2049, NFS, 3, 0)[:2], ("accepted", 0))
    for _ in range(5):
        r = tcp_rpc(s, NFS, 3, 1, xdr_string(fh))
        expect("GETATTR ok", (r[0], r[1], r[2][:4]), ("accepted", 0, b"\0" * 4))
    for _ in range(2):
        r = tcp_rpc(s, NFS, 3, 1, xdr_string(b"\x01\x02\x03\x04\x05\x06\x07\x08"))
        st = struct.unpack(">I", r[2][:4])[0]
        expect("GETATTR bad handle (status != 0)", (r[0], r[1], st != 0),
               ("accepted", 0, True))
    expect("GETATTR garbage", tcp_rpc(s, NFS, 3, 1, b"\0\0")[:2],
           ("accepted", 4))
    expect("proc 30", tcp_rpc(s, NFS, 3, 30)[:2], ("accepted", 3))
    expect("vers 5", tcp_rpc(s, NFS, 5, 0)[:2], ("accepted", 2))
    expect("flavour 77", tcp_rpc(s, NFS, 3, 0,
                                 cred=struct.pack(">II", 77, 0))[:3],
           ("denied", 1, 1))
    s.close()


def nulls(host, n):
    s = connect(host, 2049)
    for _ in range(n):
        r = tcp_rpc(s, NFS, 3, 0)
        if r[:2] != ("accepted", 0):
            print("FAIL NULL:", r)
            sys.exit(1)
    s.close()
    print("nulls: %d" % n)


def hold(host, port, n, secs):
    socks = []
    for _ in range(n):
        socks.append(socket.create_connection((host, port), timeout=5))
    print("holding %d" % len(socks), flush=True)
    time.sleep(secs)
    for s in socks:
        s.close()


def scrape(url, method="GET"):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            code, body = r.status, r.read()
    except urllib.error.HTTPError as e:
        code, body = e.code, e.read()
    sys.stdout.write("%d\n" % code)
    sys.stdout.write(body.decode())


def value(path, name, kvs):
    want = dict(kv.split("=", 1) for kv in kvs)
    total = 0.0
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        head, _, val = line.rpartition(" ")
        labels = {}
        if "{" in head:
            mname, _, rest = head.partition("{")
            for part in rest.rstrip("}").split('",'):
                if "=" in part:
                    k, v = part.split("=", 1)
                    labels[k.strip(",")] = v.strip('"')
        else:
            mname = head
        if mname == name and all(labels.get(k) == v for k, v in want.items()):
            total += float(val)
    print("%d" % total if total == int(total) else total)


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "calls":
        mix(a[1], a[2])
    elif len(a) == 3 and a[0] == "nulls":
        nulls(a[1], int(a[2]))
    elif len(a) == 5 and a[0] == "hold":
        hold(a[1], int(a[2]), int(a[3]), float(a[4]))
    elif len(a) in (2, 3) and a[0] == "scrape":
        scrape(*a[1:])
    elif len(a) >= 3 and a[0] == "value":
        value(a[1], a[2], a[3:])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
