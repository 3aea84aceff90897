"""Frozen MiniLM features for every labelled passage, keyed by id (cached).

Mean-pooled states of layers 6 (the sentence embedding before normalisation), 5, 4
and 3, as the shipped head reads them, for every passage in corpus/labelled/raw/*.jsonl
and the three splits. Only passages missing from the cache are embedded.
Writes /tmp/planthemes-exp/feat_by_id.npz (ids, L6, L5, L4, L3).
"""
import glob, json, os
import numpy as np, torch
from transformers import AutoModel, AutoTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = '/tmp/planthemes-exp/feat_by_id.npz'
LAYERS = [6, 5, 4, 3]


def all_rows(extra=()):
    rows = {}
    for path in sorted(glob.glob(ROOT + '/corpus/labelled/raw/*.jsonl')) + [
            ROOT + f'/corpus/labelled/{s}.jsonl' for s in ('train', 'dev', 'test')] + list(extra):
        for line in open(path):
            if line.strip():
                r = json.loads(line)
                rows[r['id']] = r
    return rows


def features(extra=()):
    rows = all_rows(extra)
    have = {}
    if os.path.exists(CACHE):
        with np.load(CACHE) as npz:
            z = {k: npz[k] for k in npz.files}
        for i, id_ in enumerate(z['ids']):
            have[str(id_)] = {f'L{L}': z[f'L{L}'][i].copy() for L in LAYERS}
    todo = [k for k in rows if k not in have]
    if todo:
        torch.set_num_threads(2)
        p = ROOT + '/models/all-MiniLM-L6-v2'
        tok = AutoTokenizer.from_pretrained(p)
        enc = AutoModel.from_pretrained(p).eval()
        todo.sort(key=lambda k: len(rows[k]['text']))
        with torch.no_grad():
            for i in range(0, len(todo), 32):
                ids = todo[i:i + 32]
                b = tok([rows[k]['text'] for k in ids], padding=True, truncation=True,
                        max_length=256, return_tensors='pt')
                hs = enc(**b, output_hidden_states=True).hidden_states
                m = b['attention_mask'].unsqueeze(-1).float()
                for L in LAYERS:
                    e = ((hs[L] * m).sum(1) / m.sum(1)).numpy()
                    for j, k in enumerate(ids):
                        have.setdefault(k, {})[f'L{L}'] = e[j]
        keys = sorted(have)
        np.savez(CACHE, ids=np.array(keys),
                 **{f'L{L}': np.stack([have[k][f'L{L}'] for k in keys]) for L in LAYERS})
    return rows, have


if __name__ == '__main__':
    rows, have = features()
    print(len(rows), 'passages,', len(have), 'with features')
