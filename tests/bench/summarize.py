#!/usr/bin/env python3
"""summarize.py RESULTS: the table of tests/bench/run.

Each line of RESULTS is key=value pairs: nfsbench runs (server=suite|ganesha
label= conc= ops= secs= bytes= errors= cpu=) and fio runs (server=fio label=
conc= bw=). Per (label, conc) the median over the rounds is printed: MB/s
for READ and WRITE, operations/s otherwise (READDIRPLUS: whole listings of
the 10,000-entry directory per second), the ratio nfs-suite/Ganesha, the
servers' CPU microseconds per operation, and for the writes fio's MB/s on
the same filesystem with nfs-suite as a percentage of it.
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


if __name__ == "__main__":
    main()
