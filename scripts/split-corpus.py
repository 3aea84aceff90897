#!/usr/bin/env python3
"""Split the hand-written labelled passages into train / dev / test.

Reads every corpus/labelled/raw/*.jsonl (one file per writing batch) and writes
corpus/labelled/{train,dev,test}.jsonl with iterative stratification (Sechidis et al.,
2011): passages carrying the rarest labels are placed first, each into the split that
most lacks its labels, so every label keeps about the same share in every split.
Seeded and deterministic: the same raw files always give the same split.

Passages already in a split stay there: the test split is frozen once written, so
passages added to raw/ later go to train and dev only (in proportion), and no test
passage ever moves into training. `--reshuffle` ignores the existing splits (only for
a brand-new corpus: it breaks the promise that test was never seen).

Commitment flags and facets (issue 17) come from the blind codings in
corpus/labelled/recode/: commitment_facets.jsonl for train and dev (session 11, coders
working from the codebook alone) and commitment_facets_test.jsonl for test (session
10). They replace whatever flags a raw batch's writer gave. The test split's flags
then come from commitment_test_adjudicated.jsonl (session 16: a second blind coder,
commitment_test_second.jsonl, and an adjudicator where the two differed). Last, in train
and dev, commitment_s18_a.jsonl and commitment_s18_b.jsonl (session 18: two more blind
codings, sides a and b, of the passages where the head and the flags disagreed and of
200 random controls): a flag changes only where both sides agree against it.

Usage: scripts/split-corpus.py [--seed N] [--dev 0.15] [--test 0.15] [--reshuffle]
"""
import argparse
import glob
import json
import os
import random
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABELLED = os.path.join(ROOT, "corpus", "labelled")
FLAGS = ["aim", "action", "resource", "target"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--dev", type=float, default=0.15)
    ap.add_argument("--test", type=float, default=0.15)
    ap.add_argument("--reshuffle", action="store_true")
    args = ap.parse_args()

    rows = []
    for path in sorted(glob.glob(os.path.join(LABELLED, "raw", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f if line.strip())
    rng = random.Random(args.seed)
    rng.shuffle(rows)

    names = ["train", "dev", "test"]
    shares = [1.0 - args.dev - args.test, args.dev, args.test]
    fixed = {}
    if not args.reshuffle:
        for i, name in enumerate(names):
            path = os.path.join(LABELLED, f"{name}.jsonl")
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    for line in f:
                        if line.strip():
                            fixed[json.loads(line)["id"]] = i
    if fixed:
        # New passages: train and dev only, in their usual proportion.
        shares = [shares[0] / (shares[0] + shares[1]), shares[1] / (shares[0] + shares[1]), 0.0]
    kept = [[] for _ in names]
    for r in [r for r in rows if r["id"] in fixed]:
        kept[fixed[r["id"]]].append(r)
    rows = [r for r in rows if r["id"] not in fixed]
    label_totals = Counter(l for r in rows for l in r["labels"])
    # What each split still needs, per label and in passages.
    need = [{l: s * n for l, n in label_totals.items()} for s in shares]
    room = [s * len(rows) for s in shares]
    splits = [[] for _ in names]
    if not rows:
        splits = kept

    def rarest(r):
        return min((label_totals[l] for l in r["labels"]), default=10**9)

    # Passages with the rarest labels first; unlabelled ones last. Each goes to the
    # split that most lacks its rarest label, then the one most lacking its other
    # labels, then the one with most room.
    for r in sorted(rows, key=rarest):
        def want(i):
            key = min(r["labels"], key=lambda l: label_totals[l])
            others = sum(need[i][l] for l in r["labels"])
            return (need[i][key], others, room[i], rng.random())

        open_splits = [i for i in range(len(names)) if shares[i] > 0]
        i = max(open_splits, key=want) if r["labels"] else max(
            open_splits, key=lambda i: (room[i], rng.random()))
        splits[i].append(r)
        room[i] -= 1
        for l in r["labels"]:
            need[i][l] -= 1

    if rows:
        splits = [k + s for k, s in zip(kept, splits)]
    overlay = {}
    for name in ["commitment_facets.jsonl", "commitment_facets_test.jsonl"]:
        with open(os.path.join(LABELLED, "recode", name), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    o = json.loads(line)
                    overlay[o["id"]] = o
    adjudicated = {}
    with open(os.path.join(LABELLED, "recode", "commitment_test_adjudicated.jsonl"),
              encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                adjudicated[o["id"]] = o["commitment"]
    second, third = (read_flags(os.path.join(LABELLED, "recode", f"commitment_s18_{c}.jsonl"))
                     for c in "ab")
    test_ids = {r["id"] for name, part in zip(names, splits) if name == "test" for r in part}
    if set(adjudicated) != test_ids:
        raise SystemExit("commitment_test_adjudicated.jsonl must hold exactly the test "
                         "split's passages (after --reshuffle it no longer does)")
    for part in splits:
        for r in part:
            if r["id"] in overlay:
                r["commitment"] = overlay[r["id"]]["commitment"]
                r["facets"] = overlay[r["id"]]["facets"]
            if r["id"] in adjudicated:
                r["commitment"] = adjudicated[r["id"]]
            elif r["id"] in second and r["id"] in third:
                r["commitment"] = majority_of_three(r["commitment"], second[r["id"]],
                                                    third[r["id"]])
    for name, part in zip(names, splits):
        part.sort(key=lambda r: r["id"])
        with open(os.path.join(LABELLED, f"{name}.jsonl"), "w", encoding="utf-8") as f:
            for r in part:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        counts = Counter(l for r in part for l in r["labels"])
        print(f"{name}: {len(part)} passages; rarest label {min(counts.values())} "
              f"({min(counts, key=counts.get)})")


def read_flags(path):
    with open(path, encoding="utf-8") as f:
        return {o["id"]: set(o["commitment"]) for o in (json.loads(l) for l in f if l.strip())}


def majority_of_three(flags, second, third):
    """Each flag as the majority of three codings: the later two decide when they agree."""
    return [f for f in FLAGS
            if ((f in second) if (f in second) == (f in third) else (f in flags))]


if __name__ == "__main__":
    main()
