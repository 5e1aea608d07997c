#!/usr/bin/env python3
"""bench-store.py - what the suppression store costs, in one run:

  1. events stored per second from a 100,000-bounce mbox with --store
     (SQLite; PostgreSQL in a throw-away cluster with fsync on), against
     the same decode without --store: the ratio of their speeds;
  2. address checks per second (ndrparse-store check -) against a store of
     1,000,000 suppressed addresses, half of the checked ones in it.

The mbox is made from the project's corpus/ bounces, each copy a bounce of
its own (a new Message-ID, and dates a few seconds after the last copy's,
as a bounce mailbox fills), so every record is a new event.  Wall-clock
times of whole runs, one process (-j1), on this machine.

  python3 tests/bench/bench-store.py [BUILD_DIR] [--messages N] [--addresses N]
"""
import argparse
import email.utils
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def make_mbox(path, n):
    bounces = []
    for f in sorted(glob.glob(os.path.join(ROOT, "corpus", "*.eml"))):
        with open(f, "rb") as fh:
            data = fh.read().replace(b"\r\n", b"\n")
        head, sep, body = data.partition(b"\n\n")
        head = re.sub(rb"(?im)^message-id:.*\n(?:[ \t].*\n)*", b"", head + b"\n")
        bounces.append((head, body))
    start = 1764547200          # 2025-12-01 00:00 UTC
    date_line = re.compile(rb"(?im)^(date|arrival-date|last-attempt-date):[^\n]*(\n[ \t][^\n]*)*")
    with open(path, "wb") as out:
        for i in range(n):
            head, body = bounces[i % len(bounces)]
            # A mailbox as it fills: each bounce a few seconds after the last.
            when = email.utils.formatdate(start + 7 * i, usegmt=True).encode()
            out.write(b"From MAILER-DAEMON Tue Dec  1 10:00:00 2026\n")
            out.write(b"Message-ID: <bench-%d@mx.example.net>\n" % i)
            out.write(date_line.sub(lambda m: m.group(1) + b": " + when, head) + b"\n")
            body = date_line.sub(lambda m: m.group(1) + b": " + when, body)
            out.write(re.sub(rb"(?m)^(>*From )", rb">\1", body))
            if not body.endswith(b"\n"):
                out.write(b"\n")
            out.write(b"\n")


def timed(cmd, ok=(0,), **kw):
    start = time.monotonic()
    rc = subprocess.run(cmd, **kw).returncode
    if rc not in ok:
        raise SystemExit("%s: exit %d" % (" ".join(cmd), rc))
    return time.monotonic() - start


def events(store_tool, uri):
    out = subprocess.run([store_tool, "--store=" + uri, "--format=csv", "stats", "--by=class"],
                         check=True, capture_output=True, text=True).stdout
    return sum(int(line.split(",")[2]) for line in out.splitlines()[1:])


def start_pg(tmp):
    script = ". '%s/tests/pg-cluster.sh' && pg_cluster_start fsync && echo \"$PG_HOST\"" % ROOT
    r = subprocess.run(["sh", "-c", script], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return r.stdout.strip().splitlines()[-1]


def stop_pg(host):
    script = ". '%s/tests/pg-cluster.sh' && PG_BIN=$(pg_bindir) && PG_HOST='%s' && pg_cluster_stop" % (ROOT, host)
    subprocess.run(["sh", "-c", script])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=os.path.join(ROOT, "build"))
    ap.add_argument("--messages", type=int, default=100000)
    ap.add_argument("--addresses", type=int, default=1000000)
    args = ap.parse_args()
    tool = os.path.join(args.build, "tools", "ndrparse")
    store_tool = os.path.join(args.build, "tools", "ndrparse-store")
    tmp = tempfile.mkdtemp(prefix="ndr-bench-store-")
    null = open(os.devnull, "wb")
    try:
        mbox = os.path.join(tmp, "bounces.mbox")
        make_mbox(mbox, args.messages)
        print("mbox: %d bounces, %.0f MB" % (args.messages, os.path.getsize(mbox) / 1e6))
        plain = timed([tool, "-j1", "-q", "--format=jsonl", mbox], stdout=null)
        print("decode alone:        %6.1f s  %7.0f messages/s" % (plain, args.messages / plain))
        runs = [("sqlite", "sqlite:" + os.path.join(tmp, "store.sqlite"))]
        pg_host = start_pg(tmp)
        if pg_host:
            subprocess.run(["psql", "-X", "-q", "-h", pg_host, "-U", "ndrparse", "-d", "postgres", "-c",
                            "CREATE DATABASE bench"], check=True)
            runs.append(("postgresql", "postgresql://ndrparse@/bench?host=" + pg_host))
        else:
            print("postgresql: not installed, skipped")
        try:
            for name, uri in runs:
                t = timed([tool, "-j1", "-q", "--format=jsonl", "--store=" + uri, mbox], stdout=null)
                n = events(store_tool, uri)
                print("decode + %-10s  %6.1f s  %7.0f messages/s  %7.0f events/s  (%d events)  "
                      "speed %.2f of decode alone" % (name, t, args.messages / t, n / t, n, plain / t))
                again = timed([tool, "-j1", "-q", "--format=jsonl", "--store=" + uri, mbox], stdout=null)
                print("  the same mbox again: %.1f s, %d events (idempotent)" % (again, events(store_tool, uri)))
        finally:
            if pg_host:
                stop_pg(pg_host)

        # checks against a store of --addresses suppressed addresses
        csv = os.path.join(tmp, "suppressed.csv")
        with open(csv, "w") as out:
            out.write("address,reason,since,note\n")
            for i in range(args.addresses):
                out.write("user%d@d%d.example,userunknown,2026-11-01,\n" % (i, i % 997))
        big = "sqlite:" + os.path.join(tmp, "big.sqlite")
        t = timed([store_tool, "--store=" + big, "import", csv], stderr=null)
        print("import %d addresses: %.1f s (%.0f/s)" % (args.addresses, t, args.addresses / t))
        checks = os.path.join(tmp, "checks.txt")
        with open(checks, "w") as out:
            for i in range(args.addresses):     # every other one is in the store
                if i % 2 == 0:
                    out.write("user%d@d%d.example\n" % (i, i % 997))
                else:
                    out.write("other%d@example.org\n" % i)
        with open(checks) as fh:
            t = timed([store_tool, "--store=" + big, "check", "-"], ok=(1,), stdin=fh, stdout=null)
        print("check %d addresses:  %.1f s  %.0f checks/s" % (args.addresses, t, args.addresses / t))
        with open(checks) as fh:
            t = timed([store_tool, "--store=" + big, "check", "--sendable", "-"], ok=(1,), stdin=fh,
                      stdout=null)
        print("check --sendable:    %.1f s  %.0f checks/s" % (t, args.addresses / t))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
