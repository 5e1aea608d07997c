#!/usr/bin/env python3
"""ndrparse benchmark: speed against the GMime floor and against other
bounce parsers, in one run.

usage: python3 tests/bench/bench.py [--with-peers] [--runs N] [--min-messages N]
                                    [--json FILE] [--quick]

From the project root.  In one run it
  1. builds ndrparse and the floor program (tests/bench/bench-floor.c) in
     build-bench/ (Release);
  2. makes the inputs: the project's corpus/ repeated to at least
     --min-messages files, and ../shared/corpus repeated 4 times when it
     exists;
  3. runs, on each input set, the floor, `ndrparse --format=jsonl -j 1`,
     `ndrparse -j N` (N = processors) and every installed peer (Sisimai,
     Mail::DeliveryStatus::BounceParser, flufl.bounce), each as one process
     over all the files, --runs times, interleaved so that machine noise
     falls on all of them alike;
  4. reports the median messages/s, MB/s and peak RSS of each, and the
     ratios ndrparse / floor and ndrparse / each peer;
  5. checks that decoding cost grows linearly: an mbox of the corpus at
     1x, 4x and 16x, and pathological messages (10 MB of text, 10,000
     recipients, a 1,000-line diagnostic) at 1/4, 1/2 and full size.
Results go to stdout as tables and to --json (default build-bench/bench.json).
--with-peers installs the peers' Debian packages first (apt-get).
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, "build-bench")
NDRPARSE = os.path.join(BUILD, "tools", "ndrparse")
FLOOR = os.path.join(BUILD, "tests", "bench", "bench-floor")
PEER_PACKAGES = ["libsisimai-perl", "libmail-deliverystatus-bounceparser-perl", "python3-flufl.bounce",
                 "time"]

SISIMAI = r'''
use Sisimai; my $n = 0;
for my $f (@ARGV) { my $r = Sisimai->make($f); $n += scalar @$r if $r }
print STDERR "sisimai: $n records\n";
'''
BOUNCEPARSER = r'''
use Mail::DeliveryStatus::BounceParser; my $n = 0;
for my $f (@ARGV) {
    open(my $fh, "<", $f) or next; local $/; my $m = <$fh>; close $fh;
    my $b = eval { Mail::DeliveryStatus::BounceParser->new($m) };
    $n += scalar($b->reports) if $b && $b->is_bounce;
}
print STDERR "bounceparser: $n reports\n";
'''
FLUFL = r'''
import sys, email
from flufl.bounce import all_failures
n = 0
for f in sys.argv[1:]:
    with open(f, "rb") as fp:
        msg = email.message_from_binary_file(fp)
    try:
        temporary, permanent = all_failures(msg)
        n += len(temporary) + len(permanent)
    except Exception:
        pass
print("flufl.bounce: %d addresses" % n, file=sys.stderr)
'''


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def build():
    sh(["cmake", "-S", ROOT, "-B", BUILD, "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_TESTING=ON"],
       stdout=subprocess.DEVNULL)
    sh(["cmake", "--build", BUILD, "-j", str(os.cpu_count()), "--target", "ndrparse-tool", "bench-floor"],
       stdout=subprocess.DEVNULL)


def install_peers():
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    sh(sudo + ["apt-get", "update", "-qq"])
    sh(sudo + ["apt-get", "install", "-y", "-qq"] + PEER_PACKAGES,
       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"), stdout=subprocess.DEVNULL)


def peers():
    """The installed peers, as (name, argv prefix)."""
    found = []
    def has_perl_module(m):
        return subprocess.run(["perl", "-M" + m, "-e", "1"], capture_output=True).returncode == 0
    if shutil.which("perl") and has_perl_module("Sisimai"):
        found.append(("sisimai", ["perl", "-e", SISIMAI]))
    if shutil.which("perl") and has_perl_module("Mail::DeliveryStatus::BounceParser"):
        found.append(("bounceparser", ["perl", "-e", BOUNCEPARSER]))
    for py in ("/usr/bin/python3", shutil.which("python3")):
        if py and subprocess.run([py, "-c", "import flufl.bounce"], capture_output=True).returncode == 0:
            found.append(("flufl.bounce", [py, "-c", FLUFL]))
            break
    return found


GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run_once(argv):
    """Wall seconds and peak RSS (KiB) of one process.

    Peak RSS comes from GNU time when installed: a child forked from this
    Python process would otherwise inherit Python's RSS high-water mark
    in ru_maxrss (Linux keeps it across exec)."""
    with tempfile.NamedTemporaryFile(mode="r") as rss_file:
        prefix = [GNU_TIME, "-f", "%M", "-o", rss_file.name] if GNU_TIME else []
        start = time.perf_counter()
        proc = subprocess.Popen(prefix + argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code < 0 or code > 1 and code != 66:
            raise RuntimeError("%s exited with %d" % (argv[0], code))
        rss = usage.ru_maxrss
        if GNU_TIME:
            lines = [l for l in rss_file.read().split() if l.isdigit()]
            rss = int(lines[-1]) if lines else rss
    return wall, rss


def repeated_files(sources, min_count, into):
    os.makedirs(into, exist_ok=True)
    files, k = [], 0
    while len(files) < min_count:
        for src in sources:
            dst = os.path.join(into, "r%04d-%s" % (k, os.path.basename(src).replace("/", "_")))
            shutil.copyfile(src, dst)
            files.append(dst)
        k += 1
    return files


def shared_files():
    base = os.path.join(ROOT, "..", "shared", "corpus")
    out = []
    for corpus in ("sisimai", "notbounce"):
        expected = os.path.join(base, corpus, "expected.json")
        if os.path.exists(expected):
            for case in json.load(open(expected))["cases"]:
                out.append(os.path.join(base, corpus, case["file"]))
    return out


def measure_set(name, files, tools, runs):
    size = sum(os.path.getsize(f) for f in files)
    walls = {t: [] for t, _ in tools}
    rss = {t: 0 for t, _ in tools}
    for _ in range(runs):
        for tool, argv in tools:
            w, r = run_once(argv + files)
            walls[tool].append(w)
            rss[tool] = max(rss[tool], r)
    rows = {}
    for tool, _ in tools:
        med = statistics.median(walls[tool])
        rows[tool] = {"seconds_median": round(med, 4), "seconds_all": [round(w, 4) for w in walls[tool]],
                      "messages_per_s": round(len(files) / med, 1), "mb_per_s": round(size / med / 1e6, 2),
                      "peak_rss_mib": round(rss[tool] / 1024, 1)}
    return {"name": name, "messages": len(files), "bytes": size, "runs": runs, "tools": rows}


def ratios(result):
    t = result["tools"]
    nd = t["ndrparse -j1"]["messages_per_s"]
    out = {"ndrparse -j1 / floor": round(nd / t["floor"]["messages_per_s"], 3)}
    jn = [k for k in t if k.startswith("ndrparse -j") and k != "ndrparse -j1"]
    for k in jn:
        out["%s / ndrparse -j1" % k] = round(t[k]["messages_per_s"] / nd, 3)
    for k in t:
        if not k.startswith(("ndrparse", "floor")):
            out["ndrparse -j1 / %s" % k] = round(nd / t[k]["messages_per_s"], 2)
    return out


def print_set(result):
    print("\n## %s: %d messages, %.1f MB, median of %d runs" % (
        result["name"], result["messages"], result["bytes"] / 1e6, result["runs"]))
    print("%-16s %12s %10s %10s %13s" % ("program", "messages/s", "MB/s", "seconds", "peak RSS MiB"))
    for tool, r in result["tools"].items():
        print("%-16s %12.1f %10.2f %10.3f %13.1f" % (tool, r["messages_per_s"], r["mb_per_s"],
                                                    r["seconds_median"], r["peak_rss_mib"]))
    for k, v in result["ratios"].items():
        print("  %-34s %8.3f" % (k, v))


# ---- linearity ----

def write_mbox(path, sources, copies):
    with open(path, "wb") as out:
        for k in range(copies):
            for src in sources:
                data = open(src, "rb").read()
                if data.startswith(b"From "):
                    continue
                out.write(b"From MAILER-DAEMON Mon May  6 09:12:05 2024\n")
                # mboxrd-escape body lines that look like envelope lines
                out.write(data.replace(b"\nFrom ", b"\n>From "))
                out.write(b"\n")
    return sum(1 for _ in range(copies) for s in sources if not open(s, "rb").read(5) == b"From ")


def median_wall(argv, runs):
    return statistics.median(run_once(argv)[0] for _ in range(runs))


def scaling(tmp, sources, base_copies, runs):
    rows = []
    for factor in (1, 4, 16):
        path = os.path.join(tmp, "scale-%d.mbox" % factor)
        n = write_mbox(path, sources, base_copies * factor)
        wall = median_wall([NDRPARSE, "--format=jsonl", "-j1", path], runs if factor < 16 else max(1, runs // 2))
        rows.append({"factor": factor, "messages": n, "seconds": round(wall, 4),
                     "us_per_message": round(wall / n * 1e6, 2)})
    base = rows[0]["us_per_message"]
    for r in rows:
        r["relative_cost"] = round(r["us_per_message"] / base, 3)
    return rows


DSN_HEAD = ("From: MAILER-DAEMON@mx.sender.example\nTo: alice@sender.example\n"
            "Subject: Undelivered Mail Returned to Sender\nDate: Mon, 6 May 2024 09:12:05 +0000\n"
            "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n")


def pathological(kind, scale):
    """A bounce that is big in one dimension, at `scale` of full size."""
    if kind == "10MB text":
        line = "The mail system could not deliver your message to one or more recipients; see below.\n"
        text = line * int(10e6 * scale / len(line))
        return (DSN_HEAD + "--B\nContent-Type: text/plain\n\n" + text +
                "<bob@dest.example>: host mx said: 550 5.1.1 unknown\n\n--B\nContent-Type: message/delivery-status\n\n"
                "Reporting-MTA: dns; mx.sender.example\n\nFinal-Recipient: rfc822; bob@dest.example\n"
                "Action: failed\nStatus: 5.1.1\n\n--B--\n")
    if kind == "10,000 recipients":
        n = int(10000 * scale)
        note = "".join("<user%05d@dest%d.example>: host mx.dest%d.example said: 550 5.1.1 unknown (in reply to RCPT TO command)\n\n"
                       % (i, i % 97, i % 97) for i in range(n))
        groups = "".join("Final-Recipient: rfc822; user%05d@dest%d.example\nAction: failed\nStatus: 5.1.1\n"
                         "Diagnostic-Code: smtp; 550 5.1.1 unknown\n\n" % (i, i % 97) for i in range(n))
        return (DSN_HEAD + "--B\nContent-Type: text/plain\n\n" + note + "--B\nContent-Type: message/delivery-status\n\n"
                "Reporting-MTA: dns; mx.sender.example\n\n" + groups + "--B--\n")
    if kind == "1,000-line diagnostic":
        n = int(1000 * scale)
        diag = "".join(" 550-5.7.1 line %d of a very long policy explanation from the remote server\n" % i for i in range(n))
        return (DSN_HEAD + "--B\nContent-Type: text/plain\n\nfailed\n\n--B\nContent-Type: message/delivery-status\n\n"
                "Reporting-MTA: dns; mx.sender.example\n\nFinal-Recipient: rfc822; bob@dest.example\nAction: failed\n"
                "Status: 5.7.1\nDiagnostic-Code: smtp; 550-5.7.1 rejected\n" + diag + "\n--B--\n")
    raise ValueError(kind)


def pathologicals(tmp, runs):
    out = []
    for kind in ("10MB text", "10,000 recipients", "1,000-line diagnostic"):
        rows = []
        for scale in (0.25, 0.5, 1.0):
            path = os.path.join(tmp, "patho-%s-%s.eml" % (kind.replace(" ", "_").replace(",", ""), scale))
            with open(path, "w") as f:
                f.write(pathological(kind, scale))
            size = os.path.getsize(path)
            wall, rss = min(run_once([NDRPARSE, "--format=jsonl", "-j1", path]) for _ in range(runs))
            rows.append({"scale": scale, "bytes": size, "seconds": round(wall, 4), "peak_rss_mib": round(rss / 1024, 1),
                         "us_per_kb": round(wall / size * 1e9, 2)})
        out.append({"kind": kind, "sizes": rows,
                    "full_over_quarter_time": round(rows[2]["seconds"] / rows[0]["seconds"], 2),
                    "full_over_quarter_size": round(rows[2]["bytes"] / rows[0]["bytes"], 2)})
    return out


# ---- the rules' bars: the floor on the shared corpus x10, 10x the rules,
# ---- a one-message filter run against /bin/true

def synthetic_rules(path, scale):
    """A rule file with @scale times as many rules as ndrparse ships, spread
    over the fields as the shipped ones are, none matching real mail."""
    shipped = int(subprocess.run([NDRPARSE, "--lint-rules"], capture_output=True, text=True).stdout.split()[0])
    n = shipped * scale
    fields = [("diagnostic", "reason:userunknown")] * 6 + [("body", "mark:failure"), ("subject", "mark:bounce-subject"),
                                                           ("from", "mark:daemon-sender")]
    with open(path, "w") as f:
        f.write('set source="synthetic: the benchmark of many rules (tests/bench/bench.py)"\n')
        for i in range(n):
            field, then = fields[i % len(fields)]
            f.write("synthetic.r%06d in=%s phrase=\"zq%dxv wq%dk\" then=%s\n" % (i, field, i, i * 7, then))
    return n


def rules_bars(tmp, runs, times):
    shared = shared_files()
    if not shared:
        return None
    files = repeated_files(shared, times * len(shared), os.path.join(tmp, "shared-x%d" % times))
    rules_dir = os.path.join(tmp, "rules-10x")
    os.makedirs(rules_dir, exist_ok=True)
    n_rules = synthetic_rules(os.path.join(rules_dir, "synthetic.rules"), 10)
    plain = [NDRPARSE, "--format=jsonl", "-j1"]
    tools = [("floor", [FLOOR]), ("ndrparse -j1", plain),
             ("ndrparse -j1, 10x rules", ["env", "NDRPARSE_RULES_DIR=" + rules_dir] + plain)]
    result = measure_set("shared corpus x%d" % times, files, tools, runs)
    t = result["tools"]
    one = [os.path.join(ROOT, "corpus", "postfix-user-unknown.eml")]
    start = {k: statistics.median(run_once(argv + one)[0] for _ in range(runs)) for k, argv in tools[1:]}
    # Per message, start-up apart: the same files once and three times in
    # one process, interleaved; the difference is what the two more passes
    # cost.  (Subtracting a separately timed start-up adds its noise, which
    # with 10x rules is half the run.)
    thrice = {k: [] for k, _ in tools[1:]}
    once = {k: [] for k, _ in tools[1:]}
    for _ in range(runs):
        for k, argv in tools[1:]:
            once[k].append(run_once(argv + files)[0])
            thrice[k].append(run_once(argv + files * 3)[0])
    per = {k: (statistics.median(thrice[k]) - statistics.median(once[k])) / (2 * len(files)) for k in once}
    result["ratios"] = {
        "floor / ndrparse -j1 (speed ratio; bar >= 0.75)": round(t["floor"]["seconds_median"] / t["ndrparse -j1"]["seconds_median"], 3),
        "10x rules / shipped, per message (start-up apart; bar < 1.15)": round(per["ndrparse -j1, 10x rules"] / per["ndrparse -j1"], 3),
        "10x rules / shipped, whole runs": round(t["ndrparse -j1, 10x rules"]["seconds_median"] / t["ndrparse -j1"]["seconds_median"], 3),
        "start-up with 10x rules, s": round(start["ndrparse -j1, 10x rules"], 3),
    }
    result["synthetic_rules"] = n_rules
    return result


def filter_startup(runs):
    """One message through --annotate against /bin/true, `runs` runs each,
    interleaved: the medians and their difference.  The floor program on
    the same message runs with them: what loading and initialising GMime
    (and the libraries it pulls in) costs before ndrparse does anything."""
    msg = os.path.join(ROOT, "corpus", "postfix-user-unknown.eml")
    walls = {"annotate": [], "true": [], "floor": []}
    programs = (("annotate", [NDRPARSE, "--annotate"], True), ("true", ["/bin/true"], True),
                ("floor", [FLOOR, msg], False))
    for _ in range(runs):
        for name, argv, on_stdin in programs:
            with open(msg if on_stdin else os.devnull, "rb") as stdin:
                start = time.perf_counter()
                subprocess.run(argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                walls[name].append(time.perf_counter() - start)
    med = {k: statistics.median(v) for k, v in walls.items()}
    return {"runs": runs, "annotate_ms": round(med["annotate"] * 1e3, 3), "true_ms": round(med["true"] * 1e3, 3),
            "difference_ms (bar <= 2)": round((med["annotate"] - med["true"]) * 1e3, 3),
            "floor_ms": round(med["floor"] * 1e3, 3),
            "floor_difference_ms": round((med["floor"] - med["true"]) * 1e3, 3)}


# ---- issue 5's bars: -j scaling, a 1 GiB mbox in bounded memory ----

def jobs_speedup(directory, runs):
    """-j1 against -j<cores> over the files of @directory, runs interleaved."""
    jobs = os.cpu_count()
    one, many = [], []
    for _ in range(runs):
        one.append(run_once([NDRPARSE, "--format=jsonl", "-j1", directory])[0])
        many.append(run_once([NDRPARSE, "--format=jsonl", "-j%d" % jobs, directory])[0])
    # On a shared VM other tenants come and go within a benchmark, and a
    # stolen core slows -jN, which needs every core, far more than -j1.
    # So the speedup is the median of the ratios of runs made back to
    # back (which share the machine's state), with the best runs beside.
    return {"files": len(os.listdir(directory)), "jobs": jobs, "runs": runs,
            "speedup": round(statistics.median(a / b for a, b in zip(one, many)), 3),
            "seconds_j1": round(statistics.median(one), 3),
            "seconds_jN": round(statistics.median(many), 3),
            "best_seconds_j1": round(min(one), 3), "best_seconds_jN": round(min(many), 3),
            "best_speedup": round(min(one) / min(many), 3)}


def big_mbox(tmp, sources, gib):
    """An mbox of `gib` GiB from the corpus, decoded once: time and peak RSS."""
    path = os.path.join(tmp, "big.mbox")
    one_copy = os.path.join(tmp, "one.mbox")
    write_mbox(one_copy, sources, 1)
    chunk = open(one_copy, "rb").read()
    target = int(gib * (1 << 30))
    copies = 0
    with open(path, "wb") as out:
        while out.tell() < target:
            out.write(chunk)
            copies += 1
    size = os.path.getsize(path)
    wall, rss = run_once([NDRPARSE, "--format=jsonl", "-j1", path])
    os.unlink(path)
    return {"bytes": size, "messages": copies * (chunk.count(b"\nFrom MAILER-DAEMON ") + 1),
            "seconds": round(wall, 2), "mb_per_s": round(size / wall / 1e6, 1),
            "peak_rss_mib": round(rss / 1024, 1)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--with-peers", action="store_true", help="apt-get install the peers first")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--min-messages", type=int, default=5000)
    ap.add_argument("--jobs-messages", type=int, default=25000,
                    help="files for the -j1 / -jN figure (default 25000)")
    ap.add_argument("--json", default=os.path.join(BUILD, "bench.json"))
    ap.add_argument("--quick", action="store_true", help="fewer runs and messages, for a smoke test")
    ap.add_argument("--only-io", action="store_true",
                    help="only the -j speedup and the big-mbox memory figures")
    ap.add_argument("--mbox-gib", type=float, default=1.0, help="size of the big mbox (default 1 GiB)")
    ap.add_argument("--only-rules", action="store_true",
                    help="only the rules' figures: floor ratio on the shared corpus x10, 10x rules, --annotate start-up")
    a = ap.parse_args()
    if a.quick:
        a.runs, a.min_messages, a.jobs_messages = 1, 500, 1000

    if a.with_peers:
        install_peers()
    build()
    jobs = os.cpu_count()
    tools = [("floor", [FLOOR]), ("ndrparse -j1", [NDRPARSE, "--format=jsonl", "-j1"]),
             ("ndrparse -j%d" % jobs, [NDRPARSE, "--format=jsonl", "-j%d" % jobs])]
    peer_list = peers()
    tools += peer_list
    print("# ndrparse benchmark; peers found: %s" % (", ".join(p for p, _ in peer_list) or "none"))

    results = {"machine": {"processors": jobs}, "sets": [], "scaling": None, "pathological": None}
    corpus = sorted(os.path.join(ROOT, "corpus", f) for f in os.listdir(os.path.join(ROOT, "corpus"))
                    if f.endswith(".eml"))
    with tempfile.TemporaryDirectory(prefix="ndrparse-bench-", dir=BUILD) as tmp:
        if a.only_rules:
            results["rules"] = rules_bars(tmp, a.runs, 10)
            if results["rules"]:
                print_set(results["rules"])
            results["filter_startup"] = filter_startup(max(a.runs * 40, 100))
            f = results["filter_startup"]
            print("\n## one message through --annotate: %.3f ms, /bin/true %.3f ms: +%.3f ms (bar: 2 ms), median of %d"
                  % (f["annotate_ms"], f["true_ms"], f["difference_ms (bar <= 2)"], f["runs"]))
            print("   the floor program on it (GMime loaded, initialised, one parse): %.3f ms: +%.3f ms"
                  % (f["floor_ms"], f["floor_difference_ms"]))
            os.makedirs(os.path.dirname(a.json), exist_ok=True)
            with open(a.json, "w") as fh:
                json.dump(results, fh, indent=1)
            return
        # The -j figure on a set big enough (seconds, not tenths) that
        # process start-up and machine noise do not decide it.
        jobs_files = repeated_files(corpus, a.jobs_messages, os.path.join(tmp, "jobs"))
        results["jobs"] = jobs_speedup(os.path.join(tmp, "jobs"), a.runs)
        rounds = max(1, -(-a.min_messages // len(corpus)))     # whole copies of the corpus
        files = jobs_files[:rounds * len(corpus)]
        j = results["jobs"]
        print("\n## -j: %d files, %d pairs of runs: speedup -j%d / -j1 %.2fx (median of the pairs; "
              "bar: 1.8x on 2 cores); medians -j1 %.3f s, -j%d %.3f s; best runs %.3f s, %.3f s: %.2fx"
              % (j["files"], j["runs"], j["jobs"], j["speedup"], j["seconds_j1"], j["jobs"],
                 j["seconds_jN"], j["best_seconds_j1"], j["best_seconds_jN"], j["best_speedup"]))
        results["big_mbox"] = big_mbox(tmp, corpus, a.mbox_gib)
        m = results["big_mbox"]
        print("## mbox of %.2f GiB (%d messages): %.1f s, %.1f MB/s, peak RSS %.1f MiB (bar: 64 MiB)"
              % (m["bytes"] / (1 << 30), m["messages"], m["seconds"], m["mb_per_s"], m["peak_rss_mib"]))
        if a.only_io:
            os.makedirs(os.path.dirname(a.json), exist_ok=True)
            with open(a.json, "w") as f:
                json.dump(results, f, indent=1)
            return
        sets = [("corpus repeated", files)]
        shared = shared_files()
        if shared:
            sets.append(("shared corpus x4", repeated_files(shared, 4 * len(shared), os.path.join(tmp, "shared"))))
        for name, files in sets:
            result = measure_set(name, files, tools, a.runs)
            result["ratios"] = ratios(result)
            results["sets"].append(result)
            print_set(result)

        copies = max(1, a.min_messages // len(corpus))
        results["scaling"] = scaling(tmp, corpus, copies, a.runs)
        print("\n## linearity: ndrparse -j1 over an mbox of the corpus")
        print("%-7s %10s %10s %14s %14s" % ("factor", "messages", "seconds", "us/message", "relative cost"))
        for r in results["scaling"]:
            print("%-7s %10d %10.3f %14.2f %14.3f" % ("%dx" % r["factor"], r["messages"], r["seconds"],
                                                      r["us_per_message"], r["relative_cost"]))

        results["pathological"] = pathologicals(tmp, a.runs)
        print("\n## pathological messages: ndrparse -j1, best of %d runs" % a.runs)
        print("%-22s %7s %12s %10s %10s %13s" % ("message", "scale", "bytes", "seconds", "us/KB", "peak RSS MiB"))
        for p in results["pathological"]:
            for r in p["sizes"]:
                print("%-22s %7.2f %12d %10.4f %10.2f %13.1f" % (p["kind"], r["scale"], r["bytes"], r["seconds"],
                                                                 r["us_per_kb"], r["peak_rss_mib"]))
            print("  time full/quarter: %.2f for size full/quarter %.2f" % (p["full_over_quarter_time"],
                                                                          p["full_over_quarter_size"]))

    os.makedirs(os.path.dirname(a.json), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump(results, f, indent=1)
    print("\nJSON: %s" % a.json)


if __name__ == "__main__":
    main()
