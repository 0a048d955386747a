#!/usr/bin/env python3
"""Search benchmark: dafu's index against Pagefind on the same replies.

  python3 bench/search_bench.py               # 10,000 proposals, 5 runs
  python3 bench/search_bench.py --n 2000 --runs 3

1. Build time: dafu builds the corpus with search (default) and without (`search = false`),
   alternating, several times; the medians give the index's share of the build.
2. Pagefind (pip install pagefind-bin-extended) indexes the reply pages of dafu's output
   (`--glob "replies/**/*.html"`, the same 10k documents); its wall time and output size.
3. Bytes: bench/search_bytes.mjs drives headless Chromium (tests/browser's playwright-core)
   through a first and a later query on dafu's /search/ page and on a page using Pagefind's
   default UI, and counts every byte the server sends (HTML, CSS, JS, WASM, index files).
"""
import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "bench", "corpus", "bench", "gen_corpus.py")


def timed(cmd):
    start = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr}{p.stdout}")
    return time.perf_counter() - start


def size(path):
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(d, f))
    return total


def find_pagefind():
    for pattern in [os.path.join(sys.prefix, "lib", "python3*", "site-packages", "pagefind_bin_extended", "pagefind_extended"),
                    os.path.join(sys.prefix, "lib", "python3*", "site-packages", "pagefind_bin", "pagefind")]:
        for path in glob.glob(pattern):
            if os.access(path, os.X_OK):
                return path
    return shutil.which("pagefind")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", default=os.path.join(HERE, "out", "search"))
    a = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    dafu = os.path.join(REPO, "target", "release", "dafu")
    site = os.path.join(a.work, "site")
    plain = os.path.join(a.work, "site-nosearch")
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(plain)
    subprocess.run([sys.executable, GEN, "--n", str(a.n), "--out", site], check=True, stdout=subprocess.DEVNULL)
    shutil.copy(os.path.join(REPO, "site.toml"), site)
    os.symlink(os.path.join(site, "content"), os.path.join(plain, "content"))
    with open(os.path.join(REPO, "site.toml"), encoding="utf-8") as f:
        toml = f.read()
    first_table = toml.index("\n[")
    with open(os.path.join(plain, "site.toml"), "w", encoding="utf-8") as f:
        f.write(toml[:first_table] + "\nsearch = false\n" + toml[first_table:])
    replies = sum(len(fs) for _, _, fs in os.walk(os.path.join(site, "content")))
    print(f"{a.n} proposals, {replies} replies")

    out_s, out_p = os.path.join(a.work, "out-search"), os.path.join(a.work, "out-plain")
    with_s, without = [], []
    timed([dafu, "build", "--root", site, "--output", out_s])
    timed([dafu, "build", "--root", plain, "--output", out_p])
    # Full builds (--no-cache): the build cache would make every run after the first a
    # nothing-changed build.
    for _ in range(a.runs):
        with_s.append(timed([dafu, "build", "--no-cache", "--root", site, "--output", out_s]))
        without.append(timed([dafu, "build", "--no-cache", "--root", plain, "--output", out_p]))
    ms, mp = statistics.median(with_s), statistics.median(without)
    index_bytes = size(os.path.join(out_s, "search"))
    print(f"dafu build with search    median {ms:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in with_s)})")
    print(f"dafu build without search median {mp:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in without)})")
    print(f"  index share of the build: +{(ms - mp) / mp * 100:.0f}% ({ms - mp:.2f} s)")
    print(f"  index size: {index_bytes / 1e6:.1f} MB in {sum(len(f) for _, _, f in os.walk(os.path.join(out_s, 'search')))} files")

    pagefind = find_pagefind()
    result = {"dafu_build_search_s": ms, "dafu_build_plain_s": mp, "dafu_index_bytes": index_bytes}
    if pagefind:
        version = subprocess.run([pagefind, "--version"], capture_output=True, text=True).stdout.strip()
        pf_site = os.path.join(a.work, "pf-site")
        shutil.copytree(out_p, pf_site, symlinks=True)
        times = []
        for i in range(max(1, min(a.runs, 3))):
            shutil.rmtree(os.path.join(pf_site, "pagefind"), ignore_errors=True)
            times.append(timed([pagefind, "--site", pf_site, "--glob", "replies/**/*.html", "--force-language", "zh-cn"]))
        pt = statistics.median(times)
        pf_bytes = size(os.path.join(pf_site, "pagefind"))
        print(f"{version}: index median {pt:6.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)}), "
              f"{pf_bytes / 1e6:.1f} MB in {sum(len(f) for _, _, f in os.walk(os.path.join(pf_site, 'pagefind')))} files")
        result.update({"pagefind_index_s": pt, "pagefind_bytes": pf_bytes})
        node = subprocess.run(["node", os.path.join(HERE, "search_bytes.mjs"), out_s, pf_site],
                              capture_output=True, text=True)
        if node.returncode != 0:
            sys.exit(f"search_bytes.mjs failed:\n{node.stderr}{node.stdout}")
        print(node.stdout.strip())
    else:
        print("pagefind: not found (pip install pagefind-bin-extended)")
    with open(os.path.join(a.work, "result.json"), "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
