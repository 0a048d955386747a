#!/usr/bin/env python3
"""Scores `dafu import` on letters whose fields a reader wrote down (a TRUTH.tsv).

For every letter: each field the letter states (non-empty cell) counts as right when the
imported reply has the same value after the README's folding (NFKC, spaces removed, dashes
unified, brackets unified, quotes and 《》 ignored; lists as sets); a field the letter does not
state but the reply has counts as invented.

    python3 bench/import_score.py [--dafu target/release/dafu] [--letters ../shared/letters]
                                  [--as txt|docx] [-v]

--as docx first turns each .txt into a Word document (one paragraph per line), so the .docx
reader is measured on the same letters.
"""
import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from xml.sax.saxutils import escape

FIELDS = ["kind", "number", "session", "representatives", "department", "date",
          "doc_number", "signer", "contact_name", "contact_phone", "cc", "title", "category"]
LISTS = {"representatives", "cc"}


def fold(v):
    v = unicodedata.normalize("NFKC", v)
    v = re.sub(r"\s+", "", v)
    v = re.sub(r"[‐‑‒–—―－-]", "-", v)
    v = re.sub(r"[〔〕［］【】\[\]]", "|", v)
    v = re.sub(r"[\"'“”‘’《》「」]", "", v)
    return v


def front_matter(path):
    text = open(path, encoding="utf-8").read()
    fm = text.split("\n---\n", 1)[0]
    out = {}
    key = None
    sub = None
    for line in fm.splitlines():
        if line.startswith("#") or line == "---":
            continue
        m = re.match(r"^([a-z_]+):\s*(.*)$", line)
        if m:
            key, val = m.group(1), m.group(2).strip()
            sub = None
            if val.startswith("[") and val.endswith("]"):
                out[key] = [x.strip().strip('"\'') for x in val[1:-1].split(",") if x.strip()]
            elif val:
                out[key] = val.strip('"\'')
            else:
                out[key] = []
            continue
        m = re.match(r"^\s*-\s*(.*)$", line)
        if m and key:
            if not isinstance(out.get(key), list):
                out[key] = []
            out[key].append(m.group(1).strip().strip('"\''))
            continue
        m = re.match(r"^\s+([a-z_]+):\s*(.*)$", line)
        if m and key == "contact":
            out["contact_" + m.group(1)] = m.group(2).strip().strip('"\'')
    if "representative" in out:
        r = out.pop("representative")
        out["representatives"] = r if isinstance(r, list) else [r]
    return out


def to_docx(txt_path, docx_path):
    lines = [l.strip() for l in open(txt_path, encoding="utf-8").read().splitlines()]
    paras = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(l)}</w:t></w:r></w:p>' for l in lines if l
    )
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f"<w:body>{paras}</w:body></w:document>")
    with zipfile.ZipFile(docx_path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("word/document.xml", doc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dafu", default="target/release/dafu")
    ap.add_argument("--letters", default="../shared/letters")
    ap.add_argument("--as", dest="fmt", default="txt", choices=["txt", "docx"])
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    rows = list(csv.DictReader(open(os.path.join(a.letters, "TRUTH.tsv"), encoding="utf-8"),
                               delimiter="\t"))
    right = stated = invented = 0
    per_field = {f: [0, 0, 0] for f in FIELDS}
    with tempfile.TemporaryDirectory() as tmp:
        site = os.path.join(tmp, "site")
        os.makedirs(os.path.join(site, "content"))
        for row in rows:
            if row.get("is_reply", "yes") != "yes":
                continue
            src = os.path.join(a.letters, row["file"])
            if a.fmt == "docx":
                d = os.path.join(tmp, row["id"] + ".docx")
                to_docx(src, d)
                src = d
            out = os.path.join(tmp, "out", row["id"])
            subprocess.run([a.dafu, "import", src, "--root", site, "--to", out],
                           check=False, capture_output=True)
            files = [f for f in os.listdir(out)] if os.path.isdir(out) else []
            got = front_matter(os.path.join(out, files[0])) if files else {}
            for f in FIELDS:
                want = row.get(f, "").strip()
                have = got.get(f)
                if f in LISTS:
                    want_v = {fold(x) for x in re.split(r"[、|]", want) if x.strip()}
                    have_v = {fold(x) for x in (have or [])}
                else:
                    want_v = fold(want.split("|")[0]) if want else ""
                    have_v = fold(have) if isinstance(have, str) else ""
                if want_v:
                    stated += 1
                    per_field[f][1] += 1
                    if want_v == have_v:
                        right += 1
                        per_field[f][0] += 1
                    elif a.v:
                        print(f"{row['id']} {f}: want {want!r}, got {have!r}")
                elif have_v:
                    invented += 1
                    per_field[f][2] += 1
                    if a.v:
                        print(f"{row['id']} {f}: INVENTED {have!r}")
    print(f"{a.fmt}: {right}/{stated} stated fields right ({100 * right / max(stated, 1):.1f}%), "
          f"{invented} invented")
    for f, (r, s, i) in per_field.items():
        print(f"  {f:16} {r}/{s} right, {i} invented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
