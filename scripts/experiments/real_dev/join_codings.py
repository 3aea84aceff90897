"""Join the blind commitment and facet codings of real_plans_dev.jsonl (ids and codes
only) to the passages, for `planthemes eval`:

    python3 scripts/experiments/real_dev/join_codings.py /tmp/real_cf.jsonl [a|b|adjudicated]
    planthemes eval --data /tmp/real_cf.jsonl

The codings: `a` is session 12's coder (`commitment_facets_codings.jsonl`), `b` session
13's second blind coder (`commitment_facets_codings_b.jsonl`), and `adjudicated` (the
default) takes their agreements and, where they differ, a third reader's blind ruling
(`commitment_facets_adjudication.jsonl`: id, field, code, applies).

The joined file holds real text: write it outside the project. Measurement only; never
train on it."""
import json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def load(name):
    return {r["id"]: r for r in map(json.loads, open(os.path.join(HERE, name)))}


def adjudicated():
    a, b = load("commitment_facets_codings.jsonl"), load("commitment_facets_codings_b.jsonl")
    rulings = {}
    for line in open(os.path.join(HERE, "commitment_facets_adjudication.jsonl")):
        r = json.loads(line)
        rulings[(r["id"], r["field"], r["code"])] = r["applies"]
    out = {}
    for i in a:
        row = {"id": i}
        for field in ("commitment", "facets"):
            sa, sb = set(a[i][field]), set(b[i][field])
            kept = sa & sb
            for code in sa ^ sb:
                if rulings[(i, field, code)]:
                    kept.add(code)
            # Keep coder a's order, then any code only b gave.
            row[field] = [c for c in a[i][field] if c in kept] + sorted(kept - sa)
        out[i] = row
    return out


which = sys.argv[2] if len(sys.argv) > 2 else "adjudicated"
codes = {
    "a": lambda: load("commitment_facets_codings.jsonl"),
    "b": lambda: load("commitment_facets_codings_b.jsonl"),
    "adjudicated": adjudicated,
}[which]()
real = os.path.join(ROOT, "..", "shared", "data", "real_plans_dev.jsonl")
out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/real_cf.jsonl"
with open(out, "w") as f:
    for line in open(real):
        row = json.loads(line)
        c = codes[row["id"]]
        row["commitment"], row["facets"] = c["commitment"], c["facets"]
        f.write(json.dumps(row) + "\n")
print(f"wrote {out} ({which} codings)")
