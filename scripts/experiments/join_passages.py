"""Session 20 (issue 15): whole training passages joined end to end as extra training
text. Writes train.jsonl with N joined passages appended; train the shipped recipe on
it with `planthemes train --train OUT --dev corpus/labelled/dev.jsonl --out DIR` and
measure with `planthemes eval --data ../shared/data/real_plans_dev.jsonl --head DIR`.

Usage: join_passages.py N SEED MAX_WORDS OUT [nocore|any]
  nocore: the second passage carries no core label; any: any passage.
Each joined passage has one passage with a core label and one other, in random order,
with the union of their labels (right by construction). Not shipped: the gain on real
text was inside the noise (docs/classifier-experiments.md, "Session 20").
"""

import json
import random
import sys

CORE = {"wider_determinants", "behaviours", "access", "anchor_roles"}


def main() -> None:
    n, seed, max_words, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    mode = sys.argv[5] if len(sys.argv) > 5 else "any"
    rows = [json.loads(line) for line in open("corpus/labelled/train.jsonl", encoding="utf-8")]
    rng = random.Random(seed)
    carriers = [r for r in rows if CORE & set(r["labels"])]
    hosts = [r for r in rows if not CORE & set(r["labels"])] if mode == "nocore" else rows
    joined = []
    tries = 0
    while len(joined) < n and tries < n * 50:
        tries += 1
        carrier, host = rng.choice(carriers), rng.choice(hosts)
        if carrier["id"] == host["id"]:
            continue
        if len(carrier["text"].split()) + len(host["text"].split()) > max_words:
            continue
        parts = [carrier["text"], host["text"]]
        rng.shuffle(parts)
        joined.append(
            {
                "id": f"join-{seed}-{len(joined):05d}",
                "text": " ".join(parts),
                "labels": sorted(set(carrier["labels"]) | set(host["labels"])),
            }
        )
    with open(out, "w", encoding="utf-8") as f:
        for r in rows + joined:
            f.write(json.dumps(r) + "\n")
    print(f"{len(joined)} joined passages after {tries} tries; wrote {out}")


if __name__ == "__main__":
    main()
