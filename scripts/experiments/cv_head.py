"""5-fold cross-validation of the shipped head's recipe on train + dev (never test).

Out-of-fold probabilities for every train+dev passage; per-label thresholds chosen on
those (equally optimistic for every variant); F1 over all passages and over the first
six writing batches (cs, jf, hr, bx, lp, wa), which is what the test split holds.
`--extra F.jsonl` adds passages to every fold's training side only (they are never
scored), to measure whether a new batch helps the passages we already have.
`--seeds N` averages N seeds' probabilities (an ensemble).

Usage: cv_head.py [--extra F.jsonl ...] [--seeds 1] [--folds 5]
"""
import argparse, json, os, sys
import numpy as np, torch
sys.path.insert(0, os.path.dirname(__file__))
from features_by_id import features, ROOT
from kw import kwfeat, LABELS

FIRST = {'cs', 'jf', 'hr', 'bx', 'lp', 'wa'}
CORE = LABELS[:4]


def nrm(a):
    return a / np.linalg.norm(a, axis=-1, keepdims=True)


def matrix(ids, rows, feats):
    X = np.stack([np.concatenate([nrm(feats[k][f'L{L}']) for L in (6, 5, 4, 3)]
                                 + [kwfeat(rows[k]['text'])]) for k in ids])
    Y = np.array([[1.0 if l in rows[k]['labels'] else 0.0 for l in LABELS] for k in ids])
    return X.astype(np.float32), Y.astype(np.float32)


def fit_predict(X, Y, Xv, Yv, Xt, seed, hidden=256, epochs=80):
    torch.manual_seed(seed)
    X, Y, Xv, Yv, Xt = map(torch.tensor, (X, Y, Xv, Yv, Xt))
    pos = Y.mean(0).clamp(min=1e-3)
    pw = ((1 - pos) / pos).clamp(1, 4)
    net = torch.nn.Sequential(torch.nn.Dropout(0.06), torch.nn.Linear(X.shape[1], hidden),
                              torch.nn.GELU(), torch.nn.Dropout(0.3),
                              torch.nn.Linear(hidden, Y.shape[1]))
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-2)
    lossf = torch.nn.BCEWithLogitsLoss(pos_weight=pw)
    best, state, waited = 1e9, None, 0
    for _ in range(epochs):
        net.train()
        perm = torch.randperm(len(X))
        for i in range(0, len(X), 32):
            b = perm[i:i + 32]
            opt.zero_grad()
            lossf(net(X[b]), Y[b]).backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            dl = lossf(net(Xv), Yv).item()
        if dl < best:
            best, state, waited = dl, {k: v.clone() for k, v in net.state_dict().items()}, 0
        else:
            waited += 1
            if waited >= 10:
                break
    net.load_state_dict(state)
    net.eval()
    with torch.no_grad():
        return torch.sigmoid(net(Xt)).numpy()


def f1(y, p):
    tp = (y * p).sum(); fp = ((1 - y) * p).sum(); fn = (y * (1 - p)).sum()
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float('nan')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--extra', nargs='*', default=[])
    ap.add_argument('--seeds', type=int, default=1)
    ap.add_argument('--folds', type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(2)
    rows, feats = features(args.extra)
    pool = [json.loads(l)['id'] for s in ('train', 'dev')
            for l in open(ROOT + f'/corpus/labelled/{s}.jsonl') if l.strip()]
    extra = [json.loads(l)['id'] for f in args.extra for l in open(f) if l.strip()]
    X, Y = matrix(pool, rows, feats)
    Xe, Ye = matrix(extra, rows, feats) if extra else (X[:0], Y[:0])
    rng = np.random.default_rng(11)
    fold = rng.permutation(len(pool)) % args.folds
    P = np.zeros_like(Y)
    for k in range(args.folds):
        tr = np.where(fold != k)[0]
        te = np.where(fold == k)[0]
        inner = rng.permutation(tr)
        va, tr = inner[:len(inner) // 9], inner[len(inner) // 9:]
        Xtr, Ytr = np.vstack([X[tr], Xe]), np.vstack([Y[tr], Ye])
        P[te] = np.mean([fit_predict(Xtr, Ytr, X[va], Y[va], X[te], seed)
                         for seed in range(args.seeds)], axis=0)
    first = np.array([k.split('-')[0] in FIRST for k in pool])
    grid = np.arange(0.05, 0.96, 0.01)
    res = {}
    for l, name in enumerate(LABELS):
        t = grid[np.argmax([f1(Y[:, l], P[:, l] >= t) for t in grid])]
        d = (P[:, l] >= t).astype(float)
        res[name] = (f1(Y[:, l], d), f1(Y[first, l], d[first]), f1(Y[~first, l], d[~first]))
    core = np.array([res[n] for n in CORE])
    allm = np.array([res[n] for n in LABELS])
    print(f"extra={args.extra} seeds={args.seeds} n={len(pool)} (+{len(extra)} train-only)")
    print("           all    first  later")
    for n in CORE:
        print(f"{n[:10]:10s} " + " ".join(f"{v:.3f}" for v in res[n]))
    print("core four  " + " ".join(f"{v:.3f}" for v in core.mean(0)))
    print("macro 16   " + " ".join(f"{v:.3f}" for v in np.nanmean(allm, 0)))
    np.save('/tmp/planthemes-exp/cv_oof.npy', P)


if __name__ == '__main__':
    main()
