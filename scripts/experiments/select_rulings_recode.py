#!/usr/bin/env python3
"""Session 21: choose the passages of the first seventeen batches (written before the
codebook's "Rulings for real plan text") whose words fall within reach of a ruling,
plus random controls, and write the coders' packets under opaque keys.

Usage: select_rulings_recode.py OUT_DIR [PACKETS] [CONTROLS] [SEED]
Writes OUT_DIR/packet_K.jsonl ({"key","text"}, shuffled) and OUT_DIR/keys.json
(key -> id; never shown to a coder).
"""
import json
import os
import random
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OLD = set("cs jf hr bx lp wa wd bd aw wv pr sl ms lk ad sc sh".split())
# One alternative per ruling that touches the four group A labels.
RULINGS = re.compile(
    r"four (core )?purposes|core purposes|right care|right place|right time|statutory"
    r"|sets out|integrated care (system|board|partnership) (is|are|brings)"
    r"|closer to home|neighbourhood|seamless|joined[- ]up|out of hospital"
    r"|prevent|stay(ing)? well|self[- ]care|healthy lives"
    r"|core ?20|1,?00[01] days|early years|social gradient|child poverty|best start"
    r"|drug|alcohol|substance"
    r"|minutes|members (were|noted)|the board (noted|approved|agreed|received)|committee"
    r"|net zero|carbon",
    re.I,
)


def main():
    out = sys.argv[1]
    packets = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    controls = int(sys.argv[3]) if len(sys.argv) > 3 else 120
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 21)
    chosen, rest = [], []
    for split in ["train", "dev", "test"]:
        with open(os.path.join(ROOT, "corpus", "labelled", f"{split}.jsonl"), encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                if d["id"].split("-")[0] not in OLD:
                    continue
                (chosen if RULINGS.search(d["text"]) else rest).append(d)
    picked = chosen + rng.sample(rest, controls)
    rng.shuffle(picked)
    keys = {}
    os.makedirs(out, exist_ok=True)
    files = [open(os.path.join(out, f"packet_{k + 1}.jsonl"), "w", encoding="utf-8") for k in range(packets)]
    for i, d in enumerate(picked):
        key = f"q{i:05d}"
        keys[key] = d["id"]
        files[i % packets].write(json.dumps({"key": key, "text": d["text"]}, ensure_ascii=False) + "\n")
    for f in files:
        f.close()
    with open(os.path.join(out, "keys.json"), "w", encoding="utf-8") as f:
        json.dump(keys, f, indent=0)
    print(f"selected {len(chosen)} by the rulings' words, {controls} controls, {packets} packets")


if __name__ == "__main__":
    main()
