#!/usr/bin/env python3
"""summarize.py RESULTS [SCALE_RESULTS]: the tables of tests/bench/run.

Each line of RESULTS is key=value pairs: nfsbench runs (server=suite|ganesha
label= conc= ops= secs= bytes= errors= cpu=) and fio runs (server=fio label=
conc= bw=). Per (label, conc) the median over the rounds is printed: MB/s
for READ and WRITE, operations/s otherwise (READDIRPLUS: whole listings of
the 10,000-entry directory per second), the ratio nfs-suite/Ganesha, the
servers' CPU microseconds per operation, and for the writes fio's MB/s on
the same filesystem with nfs-suite as a percentage of it.

SCALE_RESULTS (issue 13's scale modes) has lines server= label= n= and
nfsbench's RESULT fields (ops secs bytes errors cpu p50 p99 rss0 rssmax rss1
hwm connect dropped, and for the paced run rate rops rsecs rerrors rp50
rp99), or failed=1 why=...; label scale-exportfs has secs= rc= idle=. It
gives one table per mode and the issue's ratios, each marked ok or NOT MET.
"""
import statistics
import sys
from collections import defaultdict

ORDER = ["null", "getattr", "lookup", "read", "write-unstable",
         "write-unstable@sync", "write-sync", "create", "remove",
         "readdirplus", "read-krb5", "read-krb5i", "read-krb5p",
         "write-krb5", "write-krb5i", "write-krb5p"]
MBS = {"read", "write-unstable", "write-unstable@sync", "write-sync",
       "read-krb5", "read-krb5i", "read-krb5p", "write-krb5",
       "write-krb5i", "write-krb5p"}
TARGET = {"getattr": "2x", "lookup": "2x", "create": "2x", "remove": "2x",
          "readdirplus": "2x", "read": "1.5x", "write-unstable": "fio-5%",
          "write-sync": "fio-5%", "write-unstable@sync": ""}


def main():
    runs = defaultdict(list)     # (server, label, conc) -> [(rate, cpu/op)]
    errors = defaultdict(int)
    for line in open(sys.argv[1]):
        kv = dict(f.split("=", 1) for f in line.split())
        key = (kv["server"], kv["label"], kv["conc"])
        if kv["server"] == "fio":
            runs[key].append((float(kv["bw"]) / 1e6, None))
            continue
        ops, secs = int(kv["ops"]), float(kv["secs"])
        errors[key] += int(kv["errors"])
        if ops == 0 or secs <= 0:
            continue
        if kv["label"] in MBS:
            rate = int(kv["bytes"]) / secs / 1e6
        else:
            rate = ops / secs
        cpu = float(kv["cpu"])
        runs[key].append((rate, cpu / ops * 1e6 if cpu >= 0 else None))

    def med(key, i):
        v = [r[i] for r in runs.get(key, []) if r[i] is not None]
        return statistics.median(v) if v else None

    def fmt(v, unit=""):
        if v is None:
            return "-"
        if v >= 100:
            return f"{v:,.0f}{unit}"
        return f"{v:.1f}{unit}"

    if not runs:
        print("(no workloads run)")
        return
    concs = sorted({k[2] for k in runs}, key=lambda c: [int(x) for x in c.split("x")])
    labels = [l for l in ORDER if any(k[1] == l for k in runs)]
    hdr = ("workload", "conc", "unit", "nfs-suite", "Ganesha", "suite/G",
           "suite us/op", "G us/op", "fio", "suite/fio", "target")
    rows = []
    for label in labels:
        for conc in concs:
            s = med(("suite", label, conc), 0)
            g = med(("ganesha", label, conc), 0)
            if s is None and g is None:
                continue
            fio_label = "write-unstable" if label == "write-unstable@sync" else label
            f = med(("fio", fio_label, conc), 0)
            unit = "MB/s" if label in MBS else (
                "list/s" if label == "readdirplus" else "op/s")
            err = ""
            if errors[("suite", label, conc)] or errors[("ganesha", label, conc)]:
                err = " (errors: suite %d, Ganesha %d)" % (
                    errors[("suite", label, conc)], errors[("ganesha", label, conc)])
            rows.append((label, conc, unit, fmt(s), fmt(g),
                         f"{s / g:.2f}x" if s and g else "-",
                         fmt(med(("suite", label, conc), 1)),
                         fmt(med(("ganesha", label, conc), 1)),
                         fmt(f) if label in MBS else "",
                         f"{100 * s / f:.0f}%" if label in MBS and s and f else "",
                         TARGET.get(label, "") + err))
    w = [max(len(str(r[i])) for r in rows + [hdr]) for i in range(len(hdr))]
    line = "  ".join(h.rjust(w[i]) if i > 2 else h.ljust(w[i]) for i, h in enumerate(hdr))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).rjust(w[i]) if i > 2 and i < 10 else str(c).ljust(w[i])
                        for i, c in enumerate(r)))
    n = max((len(v) for v in runs.values()), default=0)
    print(f"\nmedian of {n} round(s); us/op = server CPU (utime+stime) per call, "
          "READ/WRITE calls are 1 MiB;\nreaddirplus: one op = a whole listing of the "
          "10,000-entry directory (maxcount 128 KiB);\nfio: psync 1 MiB writes, "
          "write-unstable = buffered + fsync at the end, write-sync = --fsync=1.")


# ---------------------------------------------------------------- scale
def table(hdr, rows, left=1):
    """Print rows under hdr: the first `left` columns left-aligned."""
    w = [max(len(str(r[i])) for r in rows + [hdr]) for i in range(len(hdr))]
    line = "  ".join(str(h).ljust(w[i]) if i < left else str(h).rjust(w[i])
                     for i, h in enumerate(hdr))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).ljust(w[i]) if i < left else str(c).rjust(w[i])
                        for i, c in enumerate(r)))


def num(v, digits=1):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def mib(kib):
    return None if kib is None or kib < 0 else kib / 1024


def verdict(ratio, limit, what):
    if ratio is None:
        return f"{what}: not measured"
    ok = ratio <= limit
    return f"{what} = {ratio:.2f} (limit {limit}): {'ok' if ok else 'NOT MET'}"


def scale(path):
    recs = {}       # (server, label, n) -> dict
    for line in open(path):
        kv = dict(f.split("=", 1) for f in line.split() if "=" in f)
        if not kv:
            continue
        kv["n"] = int(kv["n"])
        recs[(kv["server"], kv["label"], kv["n"])] = kv
    if not recs:
        return
    print("\n==== scale (issue 13)")

    def get(srv, label, n):
        return recs.get((srv, label, n))

    def f(r, k):
        if r is None or r.get("failed") or not r.get(k):
            return None
        v = float(r[k])
        return None if v < 0 else v

    def rate_of(r):
        ops, secs = f(r, "ops"), f(r, "secs")
        return ops / secs if ops and secs else None
    rate = rate_of

    def failed(r):
        if r is None:
            return "not run"
        if r.get("failed"):
            return "FAILED: " + r.get("why", "?").replace("_", " ")
        if int(r.get("errors", 0)):
            return f"{r['errors']} errors"
        return ""

    def sizes(label):
        return sorted({k[2] for k in recs if k[1] == label})

    # ---- connections
    ns = sizes("scale-conns")
    if ns:
        prate = next((r["rate"] for k, r in recs.items()
                      if k[1] == "scale-conns" and r.get("rate")), None)
        print("\nconnections: GETATTR, one call outstanding per connection "
              "(depth 1), latency in us; closed loop (as fast as the server "
              "answers), then paced on the same\nconnections at up to "
              + (f"{float(prate):,.0f} calls/s in all" if prate else "(not run)")
              + "; RSS = the server's largest VmRSS sampled during the runs, "
              "HWM = VmHWM after them (MiB)")
        rows = []
        for n in ns:
            row = [n]
            notes = []
            for srv in ("suite", "ganesha"):
                r = get(srv, "scale-conns", n)
                row += [num(rate_of(r)), num(f(r, "p50")), num(f(r, "p99")),
                        num(f(r, "rp50")), num(f(r, "rp99")),
                        num(mib(f(r, "rssmax"))), num(mib(f(r, "hwm")))]
                name = "nfs-suite" if srv == "suite" else "Ganesha"
                if failed(r):
                    notes.append(f"{name} {failed(r)}")
                if r is not None and f(r, "dropped"):
                    notes.append(f"{name} closed {int(f(r, 'dropped'))} "
                                 "connections")
                if r is not None and f(r, "rerrors"):
                    notes.append(f"{name} {int(f(r, 'rerrors'))} paced errors")
            rows.append(row + ["; ".join(notes)])
        table(["conns", "suite calls/s", "p50", "p99", "paced p50", "p99",
               "RSS", "HWM", "Ganesha calls/s", "p50", "p99", "paced p50",
               "p99", "RSS", "HWM", "note"], rows)
        top = max(ns)
        for srv, name in (("suite", "nfs-suite"), ("ganesha", "Ganesha")):
            a, b = f(get(srv, "scale-conns", top), "rp99"), f(get(srv, "scale-conns", 64), "rp99")
            print(verdict(a / b if a and b else None, 4,
                          f"{name}: paced p99@{top} / p99@64"))
        for srv, name in (("suite", "nfs-suite"), ("ganesha", "Ganesha")):
            a, b = f(get(srv, "scale-conns", top), "p99"), f(get(srv, "scale-conns", 64), "p99")
            if a and b:
                print(f"({name}: closed-loop p99@{top} / p99@64 = {a / b:.2f}: "
                      f"{top // 64}x the calls in flight; informative)")

    # ---- directory size
    ns = sizes("scale-dirs")
    if ns:
        print("\ndirectory size: whole READDIRPLUS listings (maxcount 128 KiB), "
              "a fixed number per size; us/entry = the server's CPU per entry; "
              "RSS before the listings and the largest during them (MiB)")
        rows = []
        for n in ns:
            row = [f"{n:,}"]
            notes = []
            lst = None
            for srv in ("suite", "ganesha"):
                r = get(srv, "scale-dirs", n)
                ops, ent, cpu = f(r, "ops"), f(r, "bytes"), f(r, "cpu")
                lst = lst or (int(ops) if ops else None)
                eps = ops * ent / f(r, "secs") if ops and ent and f(r, "secs") else None
                cpe = cpu / (ops * ent) * 1e6 if cpu is not None and ops and ent else None
                row += [num(eps), num(cpe, 2), num(mib(f(r, "rss0"))),
                        num(mib(f(r, "rssmax")))]
                if r is not None and not r.get("failed") and ent is not None \
                        and int(ent) not in (n, n + 2):     # with . and ..
                    notes.append(f"{srv}: {int(ent)} entries listed")
                if failed(r):
                    notes.append(("nfs-suite " if srv == "suite" else "Ganesha ")
                                 + failed(r))
            rows.append([row[0], lst if lst is not None else "-"] + row[1:] +
                        ["; ".join(notes)])
        table(["entries", "listings", "suite entries/s", "us/entry",
               "RSS before", "RSS max", "Ganesha entries/s", "us/entry",
               "RSS before", "RSS max", "note"], rows, left=1)
        lo, hi = min(ns), max(ns)
        for srv, name in (("suite", "nfs-suite"), ("ganesha", "Ganesha")):
            def cpe(n):
                r = get(srv, "scale-dirs", n)
                ops, ent, cpu = f(r, "ops"), f(r, "bytes"), f(r, "cpu")
                return cpu / (ops * ent) if cpu and ops and ent else None

            def eps(n):
                r = get(srv, "scale-dirs", n)
                ops, ent, secs = f(r, "ops"), f(r, "bytes"), f(r, "secs")
                return ops * ent / secs if ops and ent and secs else None

            a, b = cpe(hi), cpe(lo)
            print(verdict(a / b if a and b else None, 1.5,
                          f"{name}: CPU per entry {hi:,} / {lo:,}"))
            a, b = eps(lo), eps(hi)
            print(verdict(a / b if a and b else None, 1.5,
                          f"{name}: entries/s {lo:,} / {hi:,}"))
            a = f(get(srv, "scale-dirs", hi), "rssmax")
            b = f(get(srv, "scale-dirs", lo), "rssmax")
            print(verdict(a / b if a and b else None, 1.5,
                          f"{name}: RSS during {hi:,} / during {lo:,}"))

    # ---- exports
    ns = sizes("scale-exportfs")
    if ns:
        print("\nexports (nfs-suite only: Ganesha configures EXPORT blocks, not "
              "an exports file, so there is no like-for-like figure): lines in "
              "the exports file,\n127.0.0.1 matching only the last line; "
              "exportfs -r against the running daemons; MNT+UMNT pairs on "
              "rpc.mountd and GETATTR on rpc.nfsd, 1 connection, depth 1")
        rows = []
        for n in ns:
            e = get("suite", "scale-exportfs", n)
            m = get("suite", "scale-exports-mnt", n)
            g = get("suite", "scale-exports-getattr", n)
            mc, gc = f(m, "cpu"), f(g, "cpu")
            notes = [x for x in (failed(m) and "MNT " + failed(m),
                                 failed(g) and "GETATTR " + failed(g)) if x]
            if e is not None and e.get("rc", "0") != "0":
                notes.insert(0, f"exportfs -r exit {e['rc']}")
            rows.append([f"{n:,}", num(f(e, "secs"), 3), num(f(e, "idle"), 3),
                         num(rate(m)),
                         num(mc / f(m, "ops") * 1e6 if mc is not None and f(m, "ops") else None),
                         num(f(m, "p50")), num(rate(g)),
                         num(gc / f(g, "ops") * 1e6 if gc is not None and f(g, "ops") else None),
                         num(f(g, "p50")), "; ".join(notes)])
        table(["lines", "exportfs -r s", "idle after s", "MNT+UMNT/s", "mountd us/pair",
               "p50 us", "GETATTR/s", "nfsd us/call", "p50 us", "note"], rows)
        lo, hi = min(ns), max(ns)

        def ratio(label, fn, inverse=False):
            a, b = fn(get("suite", label, hi)), fn(get("suite", label, lo))
            if not a or not b:
                return None
            return b / a if inverse else a / b

        def cpu_per(r):
            c, o = f(r, "cpu"), f(r, "ops")
            return c / o if c is not None and o else None
        print(verdict(ratio("scale-exports-mnt", rate, True), 1.5,
                      f"MNT+UMNT/s {lo:,} lines / {hi:,} lines"))
        print(verdict(ratio("scale-exports-getattr", rate, True), 1.5,
                      f"GETATTR/s {lo:,} lines / {hi:,} lines"))
        print(verdict(ratio("scale-exports-getattr", cpu_per), 1.5,
                      f"nfsd CPU per GETATTR {hi:,} lines / {lo:,} lines"))
        e = get("suite", "scale-exportfs", hi)
        t = f(e, "secs")
        if t is None:
            print(f"exportfs -r of {hi:,} lines: not measured")
        else:
            rc = e.get("rc", "0")
            print(f"exportfs -r of {hi:,} lines = {t:.3f} s"
                  + ("" if rc == "0" else f", exit {rc}")
                  + f" (limit < 2 s"
                  + ("" if hi >= 10000 else ", set for 10,000 lines") + "): "
                  + ("ok" if t < 2 and rc == "0" else "NOT MET")
                  + (f"; the daemons were idle again after {f(e, 'idle'):.3f} s"
                     if f(e, "idle") is not None else ""))
    print("\nOne run per size (no rounds), servers interleaved; on 2 shared "
          "cores the client competes with the server, so absolute figures "
          "are noisy.")


if __name__ == "__main__":
    main()
    if len(sys.argv) > 2:
        scale(sys.argv[2])
