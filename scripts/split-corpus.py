#!/usr/bin/env python3
"""Split the hand-written labelled passages into train / dev / test.

Reads every corpus/labelled/raw/*.jsonl (one file per writing batch) and writes
corpus/labelled/{train,dev,test}.jsonl with iterative stratification (Sechidis et al.,
2011): passages carrying the rarest labels are placed first, each into the split that
most lacks its labels, so every label keeps about the same share in every split.
Seeded and deterministic: the same raw files always give the same split.

Usage: scripts/split-corpus.py [--seed N] [--dev 0.15] [--test 0.15]
"""
import argparse
import glob
import json
import os
import random
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABELLED = os.path.join(ROOT, "corpus", "labelled")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--dev", type=float, default=0.15)
    ap.add_argument("--test", type=float, default=0.15)
    args = ap.parse_args()

    rows = []
    for path in sorted(glob.glob(os.path.join(LABELLED, "raw", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f if line.strip())
    rng = random.Random(args.seed)
    rng.shuffle(rows)

    names = ["train", "dev", "test"]
    shares = [1.0 - args.dev - args.test, args.dev, args.test]
    label_totals = Counter(l for r in rows for l in r["labels"])
    # What each split still needs, per label and in passages.
    need = [{l: s * n for l, n in label_totals.items()} for s in shares]
    room = [s * len(rows) for s in shares]
    splits = [[] for _ in names]

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

        i = max(range(len(names)), key=want) if r["labels"] else max(
            range(len(names)), key=lambda i: (room[i], rng.random()))
        splits[i].append(r)
        room[i] -= 1
        for l in r["labels"]:
            need[i][l] -= 1

    for name, part in zip(names, splits):
        part.sort(key=lambda r: r["id"])
        with open(os.path.join(LABELLED, f"{name}.jsonl"), "w", encoding="utf-8") as f:
            for r in part:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        counts = Counter(l for r in part for l in r["labels"])
        print(f"{name}: {len(part)} passages; rarest label {min(counts.values())} "
              f"({min(counts, key=counts.get)})")


if __name__ == "__main__":
    main()
