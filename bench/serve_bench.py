#!/usr/bin/env python3
"""Edit-to-reload benchmark: `dafu serve` against `hugo server` on the same replies.

  python3 bench/serve_bench.py                  # 10,000 proposals, 10 edits of each kind
  python3 bench/serve_bench.py --n 1000 --edits 5 --kinds text date

Uses the corpora of bench/bench.py (bench/out/<n>/dafu and bench/out/<n>/hugo; run that
first). Each edit is an atomic save (temporary file, then rename) of one reply:
  - text:  a unique sentence appended to the reply's text;
  - title: a unique title (the reply's card changes on every list that shows it);
  - date:  a unique title and a date before, then after, every other reply's (the reply
           moves across every list).
From the rename it measures:
  - reload signal: until dafu's live-reload request (/__dafu/events) answers;
  - page served: until the reply's page, fetched in a tight loop, holds the new words;
  - all rebuilt: dafu's own timing of the whole rebuild, feeds, open data and search index
    included (printed by `dafu serve --timings`).
For Hugo only "page served" can be measured the same way (its reload goes over a WebSocket).
"""
import argparse
import datetime
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench import find_hugo, GEN  # noqa: E402


def wait_line(proc, pattern, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(pattern, line)
        if m:
            return m
    sys.exit(f"server did not print {pattern!r}")


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode("utf-8", "replace")


def save(path, text):
    tmp = path + ".tmp~"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.rename(tmp, path)


def until_served(url, marker, start, timeout=60):
    while time.perf_counter() - start < timeout:
        try:
            if marker in fetch(url):
                return time.perf_counter() - start
        except Exception:
            pass
        time.sleep(0.002)
    return float("nan")


def edited(original, kind, i):
    """The reply's text after edit `i` of `kind`, and the words its page must then show."""
    marker = f"基准测试第{i}次修改{time.time_ns() % 10**9}"
    if kind == "text":
        return original + "\n" + marker + "。\n", marker
    text = re.sub(r'^title: .*$', f'title: "关于{marker}的提案"', original, count=1, flags=re.M)
    if kind == "date":
        # Before every other reply, then after every other: each edit moves the reply across
        # the whole site (the worst case: every list and every search shard renumbered).
        # Yesterday: newer than every generated reply, and not in the future (Hugo would
        # not publish it).
        newest = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        date = f"2001-{1 + i % 12:02d}-{1 + i % 28:02d}" if i % 2 else newest
        text = re.sub(r'^date: .*$', f"date: {date}", text, count=1, flags=re.M)
    return text, marker


def pick_reply(content):
    for d, _, files in sorted(os.walk(content)):
        for f in sorted(files):
            if f.endswith(".md") and not f.startswith("_"):
                return os.path.join(d, f)
    sys.exit("no reply found")


def bench_dafu(site, edits, kind):
    dafu = os.path.join(REPO, "target", "release", "dafu")
    # English messages: the lines below are read by pattern.
    proc = subprocess.Popen([dafu, "serve", "--lang", "en", "--root", site, "--port", "0", "--timings"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1)
    try:
        url = wait_line(proc, r"serving (\S+)").group(1)
        done = {"rebuilds": 0, "pages": [], "first": [], "all": [], "whole": 0}

        def drain():
            for line in proc.stdout:
                m = re.search(r"pages ready in (\d+) ms", line)
                if m:
                    done["pages"].append(int(m.group(1)))
                m = re.match(r"edited page ready in (\d+) ms", line)
                if m:
                    done["first"].append(int(m.group(1)))
                m = re.match(r"rebuilt in (\d+) ms", line)
                if m:
                    done["all"].append(int(m.group(1)))
                    done["rebuilds"] += 1
                    done["whole"] += "(whole site)" in line

        threading.Thread(target=drain, daemon=True).start()
        origin = url.split("/jyta/")[0]
        path = pick_reply(os.path.join(site, "content"))
        rel = os.path.relpath(path, os.path.join(site, "content"))[:-3]
        page = f"{url}replies/{rel}/"
        fetch(page)
        original = open(path, encoding="utf-8").read()
        signal, served = [], []
        for i in range(edits):
            # Wait until the previous edit's rebuild (search index included) is finished.
            while done["rebuilds"] < i:
                time.sleep(0.05)
            time.sleep(0.2)
            latest = json.loads(fetch(f"{origin}/__dafu/events"))["latest"]
            text, marker = edited(original, kind, i)
            got = {}

            def wait_signal():
                fetch(f"{origin}/__dafu/events?since={latest}")
                got["t"] = time.perf_counter()

            t = threading.Thread(target=wait_signal)
            t.start()
            time.sleep(0.3)
            start = time.perf_counter()
            save(path, text)
            served.append(until_served(page, marker, start))
            t.join()
            signal.append(got["t"] - start)
            time.sleep(0.3)
        while done["rebuilds"] < edits:
            time.sleep(0.05)
        # Memory held after the first build and the edits (Linux).
        try:
            status = open(f"/proc/{proc.pid}/status").read()
            rss = re.search(r"VmRSS:\s+(\d+) kB", status).group(1)
            hwm = re.search(r"VmHWM:\s+(\d+) kB", status).group(1)
            print(f"  memory: {int(rss) // 1024} MB held, {int(hwm) // 1024} MB at most")
        except (OSError, AttributeError):
            pass
        save(path, original)
        if done["whole"]:
            print(f"  note: {done['whole']} of {edits} rebuilds were of the whole site")
        return signal, served, done["first"], done["pages"], done["all"]
    finally:
        proc.terminate()
        proc.wait()


def bench_hugo(site, edits, kind):
    hugo = find_hugo()
    if not hugo:
        return None
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Hugo's output goes to a file: a pipe that is not read fast enough would block it.
    log_path = os.path.join(site, "..", "hugo-server.log")
    log = open(log_path, "w")
    proc = subprocess.Popen([hugo, "server", "--bind", "127.0.0.1", "--port", str(port),
                             "--baseURL", f"http://127.0.0.1:{port}/"], cwd=site, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 600
        url = None
        while url is None and time.time() < deadline:
            m = re.search(r"Web Server is available at (http://\S+)", open(log_path, encoding="utf-8", errors="replace").read())
            url = m.group(1) if m else None
            time.sleep(0.5)
        if url is None:
            sys.exit("hugo server did not start")
        path = pick_reply(os.path.join(site, "content"))
        rel = os.path.relpath(path, os.path.join(site, "content"))[:-3]
        page = url.rstrip("/") + "/" + rel + "/"
        try:
            fetch(page)
        except Exception as e:
            sys.exit(f"hugo page {page}: {e}")
        original = open(path, encoding="utf-8").read()
        # Hugo sets up its file watcher after it says it is available: one edit first, not
        # measured, waited for as long as it takes.
        text, marker = edited(original, kind, 99)
        time.sleep(1)
        save(path, text)
        if math.isnan(until_served(page, marker, time.perf_counter(), timeout=300)):
            print("  hugo server did not show an edit within 300 s: not measured")
            save(path, original)
            return None
        served = []
        for i in range(edits):
            text, marker = edited(original, kind, i)
            time.sleep(0.5)
            start = time.perf_counter()
            save(path, text)
            served.append(until_served(page, marker, start))
        save(path, original)
        return served
    finally:
        proc.terminate()
        proc.wait()
        log.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--kinds", nargs="+", default=["text", "title", "date"], choices=["text", "title", "date"])
    ap.add_argument("--no-hugo", action="store_true")
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    base = os.path.join(HERE, "out", str(a.n))
    site, hsite = os.path.join(base, "dafu"), os.path.join(base, "hugo")
    if not os.path.isdir(site):
        sys.exit(f"{site} is missing: run python3 bench/bench.py --sizes {a.n} first")
    def ms(xs):
        ok = [x for x in xs if not math.isnan(x)]
        if not ok:
            return "never (not within 60 s)"
        missed = f", {len(xs) - len(ok)} not within 60 s" if len(ok) < len(xs) else ""
        return f"median {statistics.median(ok) * 1000:7.0f} ms (min {min(ok) * 1000:.0f}, max {max(ok) * 1000:.0f}{missed})"
    own = lambda xs: f"median {statistics.median(xs):7.0f} ms (min {min(xs)}, max {max(xs)})"
    for kind in a.kinds:
        signal, served, first, pages, whole = bench_dafu(site, a.edits, kind)
        print(f"dafu serve, {a.n} proposals, {a.edits} edits of one reply's {kind}:")
        print(f"  reload signal  {ms(signal)}")
        print(f"  page served    {ms(served)}")
        if first:
            print(f"  edited page    {own(first)} (served before the other pages, in {len(first)} of the edits)")
        if pages:
            print(f"  pages ready    {own(pages)} (dafu's own timing, from the debounced event)")
        if whole:
            print(f"  all rebuilt    {own(whole)} (feeds, open data and search index included)")
        if not a.no_hugo and os.path.isdir(hsite):
            h = bench_hugo(hsite, a.edits, kind)
            if h:
                print(f"hugo server, same replies, same edits:\n  page served    {ms(h)}")
                ok = [x for x in h if not math.isnan(x)]
                if ok:
                    print(f"  dafu serves the edited page {statistics.median(ok) / statistics.median(served):.1f}x sooner")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
