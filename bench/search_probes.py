#!/usr/bin/env python3
"""Recall as citizens type: dafu against Pagefind on our own probe set.

  python3 bench/search_probes.py            # 1,000 generated replies + the probe replies
  python3 bench/search_probes.py --n 10000

The probe replies and queries are tests/fixtures/probes/ (words run together or left out,
的/与 inserted, traditional characters, digits of road and line codes, a synonym the site
lists). Both engines search the same built pages: dafu its own index, Pagefind (pip install
pagefind-bin-extended) an index of the reply pages of dafu's output. A probe counts when its
reply is in the top 3.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "bench", "corpus", "bench", "gen_corpus.py")
PROBES = os.path.join(REPO, "tests", "fixtures", "probes")


def find_pagefind():
    for pattern in [os.path.join(sys.prefix, "lib", "python3*", "site-packages", "pagefind_bin_extended", "pagefind_extended"),
                    os.path.join(sys.prefix, "lib", "python3*", "site-packages", "pagefind_bin", "pagefind")]:
        found = glob.glob(pattern)
        if found:
            return found[0]
    return shutil.which("pagefind")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--work", default=None, help="folder for the corpus (default: a temporary one)")
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    dafu = os.path.join(REPO, "target", "release", "dafu")
    pagefind = find_pagefind()
    if not pagefind:
        sys.exit("pagefind not found (pip install pagefind-bin-extended)")
    work = a.work or tempfile.mkdtemp(prefix="dafu-probes-")
    site = os.path.join(work, "site")
    shutil.rmtree(site, ignore_errors=True)
    subprocess.run([sys.executable, GEN, "--n", str(a.n), "--out", site], check=True, stdout=subprocess.DEVNULL)
    os.makedirs(os.path.join(site, "content", "probes"), exist_ok=True)
    for f in glob.glob(os.path.join(PROBES, "*.md")):
        shutil.copy(f, os.path.join(site, "content", "probes"))
    with open(os.path.join(REPO, "site.toml"), encoding="utf-8") as f:
        toml = f.read()
    with open(os.path.join(site, "site.toml"), "w", encoding="utf-8") as f:
        f.write(toml + '\n[search]\nsynonyms = { "路灯" = "照明" }\n')
    subprocess.run([dafu, "build", "--root", site, "--lang", "en"], check=True, stdout=subprocess.DEVNULL)
    out = os.path.join(site, "public")
    pf_site = os.path.join(work, "pagefind-site")
    shutil.rmtree(pf_site, ignore_errors=True)
    shutil.copytree(out, pf_site)
    version = subprocess.run([pagefind, "--version"], capture_output=True, text=True).stdout.strip()
    subprocess.run([pagefind, "--site", pf_site, "--glob", "replies/**/*.html", "--force-language", "zh-cn"],
                   check=True, stdout=subprocess.DEVNULL)
    p = subprocess.run(["node", os.path.join(HERE, "search_probes.mjs"), out, pf_site, os.path.join(PROBES, "probes.json")],
                       cwd=REPO, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(p.stderr + p.stdout)
    r = json.loads(p.stdout.strip().splitlines()[-1])
    print(f"corpus: {a.n} generated replies + {r['probes']} probe replies; {version}")
    print(f"{'query':<14} {'style':<38} {'dafu':>5} {'pagefind':>9}")
    for d, pf in zip(r["dafu"]["rows"], r["pagefind"]["rows"]):
        show = lambda at: "-" if at < 0 else str(at + 1)
        print(f"{d['q']:<14} {d['style']:<38} {show(d['at']):>5} {show(pf['at']):>9}")
    print(f"in the top 3: dafu {r['dafu']['top3']} of {r['probes']}, Pagefind {r['pagefind']['top3']} of {r['probes']}")


if __name__ == "__main__":
    main()
