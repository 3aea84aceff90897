#!/usr/bin/env python3
"""Apply the blind re-coding of group A labels to corpus/labelled/raw/.

Reads corpus/labelled/recode/coder_a.jsonl and coder_b.jsonl ({"id","labels"}: two
coders' independent group A labels for the same passages) and, for each of the four
group A labels of each passage, replaces the original decision only when both coders
agree against it (a majority of three). Groups B and C are never touched. The rule was
written down in corpus/labelled/README.md before any passage was re-coded.

Run scripts/split-corpus.py afterwards to carry the labels into train/dev/test (the
split of every passage stays where it was). Running this twice changes nothing more.

Usage: scripts/apply-recode.py [--dry-run]
"""
import argparse
import glob
import json
import os
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABELLED = os.path.join(ROOT, "corpus", "labelled")
CORE = ["wider_determinants", "behaviours", "access", "anchor_roles"]


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def coder(name):
    rows = read(os.path.join(LABELLED, "recode", f"{name}.jsonl"))
    out = {}
    for r in rows:
        unknown = set(r["labels"]) - set(CORE)
        if unknown:
            raise SystemExit(f"{name}: {r['id']} has labels outside group A: {sorted(unknown)}")
        if r["id"] in out:
            raise SystemExit(f"{name}: {r['id']} appears twice")
        out[r["id"]] = set(r["labels"])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dry-run", action="store_true", help="count the changes, write nothing")
    args = ap.parse_args()
    a, b = coder("coder_a"), coder("coder_b")
    if a.keys() != b.keys():
        raise SystemExit("coder_a and coder_b re-coded different passages")

    changes = Counter()
    seen = set()
    for path in sorted(glob.glob(os.path.join(LABELLED, "raw", "*.jsonl"))):
        rows = read(path)
        changed = False
        for r in rows:
            if r["id"] not in a:
                continue
            seen.add(r["id"])
            labels = list(r["labels"])
            for label in CORE:
                in_a, in_b, had = label in a[r["id"]], label in b[r["id"]], label in labels
                if in_a == in_b != had:
                    if in_a:
                        labels.append(label)
                    else:
                        labels.remove(label)
                    changes[(label, "+" if in_a else "-")] += 1
            if labels != r["labels"]:
                r["labels"] = labels
                changed = True
        if changed and not args.dry_run:
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
            os.replace(tmp, path)
    missing = a.keys() - seen
    if missing:
        raise SystemExit(f"{len(missing)} re-coded ids are not in raw/, e.g. {sorted(missing)[:3]}")
    for label in CORE:
        print(f"{label:20} +{changes[(label, '+')]:4} -{changes[(label, '-')]:4}")


if __name__ == "__main__":
    main()
