#!/usr/bin/env python3
"""Apply the blind re-codings of group A labels to corpus/labelled/raw/.

Each round is a pair of coders' files in corpus/labelled/recode/ ({"id","labels"}: two
independent codings of the same passages) and the labels that round coded. For each
coded label of each passage, the decision changes only when both coders agree
against it (a majority of three); otherwise it stays. Rounds apply in order, so a
later round sees the labels an earlier one left. Labels a round did not code are
never touched. corpus/labelled/README.md has each round's rule, written down before
any passage was coded.

Rounds:
  session 6: coder_a / coder_b, the four group A labels of the first six batches;
  session 7: anchor_wider_a / anchor_wider_b, wider_determinants of every passage
             labelled anchor_roles, under the ruling on anchor recruitment;
  session 21: rulings_s21_a / rulings_s21_b, the four group A labels of the first
             seventeen batches' passages within reach of the codebook's "Rulings for
             real plan text", and random controls.

Run scripts/split-corpus.py afterwards to carry the labels into train/dev/test (the
split of every passage stays where it was). Running this twice changes nothing more;
the counts printed are the changes this run made to the files.

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
ROUNDS = [
    ("session 6", "coder_a", "coder_b", CORE),
    ("session 7", "anchor_wider_a", "anchor_wider_b", ["wider_determinants"]),
    ("session 21", "rulings_s21_a", "rulings_s21_b", CORE),
]


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def coder(name, coded):
    rows = read(os.path.join(LABELLED, "recode", f"{name}.jsonl"))
    out = {}
    for r in rows:
        unknown = set(r["labels"]) - set(coded)
        if unknown:
            raise SystemExit(f"{name}: {r['id']} has labels this round did not code: {sorted(unknown)}")
        if r["id"] in out:
            raise SystemExit(f"{name}: {r['id']} appears twice")
        out[r["id"]] = set(r["labels"])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dry-run", action="store_true", help="count the changes, write nothing")
    args = ap.parse_args()
    rounds = []
    for name, file_a, file_b, coded in ROUNDS:
        a, b = coder(file_a, coded), coder(file_b, coded)
        if a.keys() != b.keys():
            raise SystemExit(f"{file_a} and {file_b} re-coded different passages")
        rounds.append((name, a, b, coded))

    changes = Counter()
    seen = {name: set() for name, *_ in rounds}
    for path in sorted(glob.glob(os.path.join(LABELLED, "raw", "*.jsonl"))):
        rows = read(path)
        changed = False
        for r in rows:
            labels = list(r["labels"])
            decided = {}  # label -> the round that last set it
            for name, a, b, coded in rounds:
                if r["id"] not in a:
                    continue
                seen[name].add(r["id"])
                for label in coded:
                    in_a, in_b, had = label in a[r["id"]], label in b[r["id"]], label in labels
                    if in_a == in_b != had:
                        if in_a:
                            labels.append(label)
                        else:
                            labels.remove(label)
                        decided[label] = name
            # Count only what this run changes in the file, under the round that set it
            # last: a later round may undo an earlier one (session 7's ruling overrides
            # session 6 on 28 passages), and a second run changes nothing.
            for label in set(labels) ^ set(r["labels"]):
                changes[(decided[label], label, "+" if label in labels else "-")] += 1
            if labels != r["labels"]:
                r["labels"] = labels
                changed = True
        if changed and not args.dry_run:
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
            os.replace(tmp, path)
    for name, a, _, coded in rounds:
        missing = a.keys() - seen[name]
        if missing:
            raise SystemExit(f"{name}: {len(missing)} re-coded ids are not in raw/, e.g. {sorted(missing)[:3]}")
        for label in coded:
            print(f"{name}: {label:20} +{changes[(name, label, '+')]:4} -{changes[(name, label, '-')]:4}")


if __name__ == "__main__":
    main()
