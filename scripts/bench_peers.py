"""Embedding throughput of planthemes against its peers on the same passages.

Run by scripts/bench-peers.sh inside its virtualenv. Embeds the bench passages with
sentence-transformers (PyTorch, CPU), ONNX Runtime (the same model exported with
torch.onnx) and `planthemes embed` (fp32 and int8), at one max length and batch size, runs
alternated, every system on all cores; prints passages/s per run, the medians, the
ratio planthemes/peer, and the parity (least cosine between matching vectors).
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

import numpy as np
import onnxruntime as ort
import torch
from sentence_transformers import SentenceTransformer

ap = argparse.ArgumentParser()
ap.add_argument("--model", required=True)
ap.add_argument("--passages", required=True)
ap.add_argument("--planthemes", required=True)
ap.add_argument("--max-length", type=int, default=256)
ap.add_argument("--batch-size", type=int, default=32)
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--extra", action="append", default=[],
                help="another planthemes configuration: NAME=ARGS (e.g. 'batch 8=--batch-size 8', "
                     "'candle=--candle-kernels')")
a = ap.parse_args()

cores = os.cpu_count() or 1
torch.set_num_threads(cores)
rows = [json.loads(l) for l in open(a.passages)]
texts = [r["text"] for r in rows]
n = len(texts)

st = SentenceTransformer(a.model, device="cpu")
st.max_seq_length = a.max_length
tok = st.tokenizer

work = tempfile.mkdtemp(prefix="bench-peers-")
onnx_path = os.path.join(work, "model.onnx")
class Hidden(torch.nn.Module):
    """The transformer's last hidden state, with plain positional inputs to trace."""

    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                         token_type_ids=token_type_ids).last_hidden_state


bert = Hidden(st[0].auto_model.eval())
dummy = tok(["an example passage"], return_tensors="pt")
with torch.no_grad():
    torch.onnx.export(
        bert, (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]), onnx_path,
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state"],
        dynamic_axes={k: {0: "batch", 1: "seq"} for k in
                      ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
        opset_version=17, dynamo=False)
so = ort.SessionOptions()
so.intra_op_num_threads = cores
sess = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])


def run_st():
    return st.encode(texts, batch_size=a.batch_size, normalize_embeddings=True)


def run_ort():
    # Same batching as sentence-transformers: sorted by length, batch_size at a time.
    order = np.argsort([-len(t) for t in texts], kind="stable")
    out = np.zeros((n, 384), np.float32)
    for s in range(0, n, a.batch_size):
        idx = order[s:s + a.batch_size]
        enc = tok([texts[i] for i in idx], padding=True, truncation=True,
                  max_length=a.max_length, return_tensors="np")
        h = sess.run(None, {k: enc[k].astype(np.int64) for k in
                            ["input_ids", "attention_mask", "token_type_ids"]})[0]
        m = enc["attention_mask"][..., None].astype(np.float32)
        v = (h * m).sum(1) / m.sum(1)
        out[idx] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def run_planthemes(extra):
    path = os.path.join(work, "planthemes.jsonl")
    cmd = [a.planthemes, "embed", "--no-cache", "--truncate", "--input", a.passages,
           "--output", path, "--max-length", str(a.max_length)]
    if "--batch-size" not in extra:
        cmd += ["--batch-size", str(a.batch_size)]
    done = subprocess.run(cmd + extra, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"bench-peers: {' '.join(cmd + extra)} failed:\n{done.stderr}")
    return np.array([json.loads(l)["embedding"] for l in open(path)], np.float32)


systems = [("sentence-transformers", run_st), ("onnxruntime", run_ort),
           ("planthemes", lambda: run_planthemes([])),
           ("planthemes int8", lambda: run_planthemes(["--precision", "int8"]))]
for spec in a.extra:
    name, _, args = spec.partition("=")
    systems.append((f"planthemes {name}", lambda args=args: run_planthemes(args.split())))

rates = {name: [] for name, _ in systems}
vectors = {}
run_st()  # warm-up: first-call allocations, lazy imports
for r in range(a.runs):
    for name, fn in systems:
        t = time.perf_counter()
        v = fn()
        dt = time.perf_counter() - t  # planthemes includes process start and model load
        rates[name].append(n / dt)
        vectors[name] = np.asarray(v, np.float32)
        print(f"run {r + 1}: {name:28s} {n / dt:6.1f} passages/s", flush=True)

ref = vectors["sentence-transformers"]
print()
print(f"{n} passages, max length {a.max_length}, batch {a.batch_size}, {cores} cores, "
      f"median of {a.runs} alternated runs")
print("| system | passages/s | × sentence-transformers | × onnxruntime "
      "| min cosine vs ST | min cosine vs planthemes fp32 |")
print("|---|---|---|---|---|---|")
med = {k: statistics.median(v) for k, v in rates.items()}
least = lambda x, y: float(np.min(np.sum(x * y, axis=1)))
for name, _ in systems:
    print(f"| {name} | {med[name]:.1f} | {med[name] / med['sentence-transformers']:.2f} | "
          f"{med[name] / med['onnxruntime']:.2f} | {least(vectors[name], ref):.6f} | "
          f"{least(vectors[name], vectors['planthemes']):.6f} |")
