"""Join the blind commitment and facet codings of real_plans_dev.jsonl (ids and codes
only, `commitment_facets_codings.jsonl`) to the passages, for `planthemes eval`:

    python3 scripts/experiments/real_dev/join_codings.py /tmp/real_cf.jsonl
    planthemes eval --data /tmp/real_cf.jsonl

The joined file holds real text: write it outside the project. Measurement only; never
train on it."""
import json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
codes = {r["id"]: r for r in map(json.loads, open(os.path.join(HERE, "commitment_facets_codings.jsonl")))}
real = os.path.join(ROOT, "..", "shared", "data", "real_plans_dev.jsonl")
out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/real_cf.jsonl"
with open(out, "w") as f:
    for line in open(real):
        row = json.loads(line)
        c = codes[row["id"]]
        row["commitment"], row["facets"] = c["commitment"], c["facets"]
        f.write(json.dumps(row) + "\n")
print(f"wrote {out}")
