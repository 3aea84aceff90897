"""Nested cross-validation of two training recipes on train + dev (never test).

Outer 5 folds over train+dev. On each outer-train part a recipe builds a model and
its thresholds, which then code the outer-test part untouched (no threshold tuning on
what is scored). Recipes:
  single : 82/18 split of outer-train (as train/dev): fit on 82, early stop and
           per-label thresholds on 18 (today's `planthemes train`).
  bagged : inner 5-fold CV on outer-train: thresholds from the inner out-of-fold
           probabilities, model = mean of the 5 inner models' probabilities.
Prints F1 on all outer-test passages and on the first six batches (what test holds).
"""
import json, os, sys
import numpy as np, torch
sys.path.insert(0, os.path.dirname(__file__))
from cv_head import matrix, fit_predict, f1, FIRST, CORE
from features_by_id import features, ROOT
from kw import LABELS

GRID = np.arange(0.05, 0.96, 0.01)


def thresholds(Y, P):
    return np.array([GRID[np.argmax([f1(Y[:, l], P[:, l] >= t) for t in GRID])]
                     for l in range(Y.shape[1])])


def single(X, Y, Xt, rng, seed=0):
    idx = rng.permutation(len(X))
    nv = int(len(X) * 0.18)
    va, tr = idx[:nv], idx[nv:]
    both = fit_predict(X[tr], Y[tr], X[va], Y[va], np.vstack([X[va], Xt]), seed)
    t = thresholds(Y[va], both[:nv])
    return both[nv:] >= t


def bagged(X, Y, Xt, rng, folds=5, seed=0):
    fold = rng.permutation(len(X)) % folds
    oof = np.zeros_like(Y)
    pt = []
    for k in range(folds):
        te = np.where(fold == k)[0]
        tr = rng.permutation(np.where(fold != k)[0])
        va, tr = tr[:len(tr) // 9], tr[len(tr) // 9:]
        p = fit_predict(X[tr], Y[tr], X[va], Y[va], np.vstack([X[te], Xt]), seed)
        oof[te] = p[:len(te)]
        pt.append(p[len(te):])
    return np.mean(pt, 0) >= thresholds(Y, oof)


def main():
    torch.set_num_threads(2)
    extra_files = sys.argv[1:]
    rows, feats = features(extra_files)
    pool = [json.loads(l)['id'] for s in ('train', 'dev')
            for l in open(ROOT + f'/corpus/labelled/{s}.jsonl') if l.strip()]
    X, Y = matrix(pool, rows, feats)
    extra = [json.loads(l)['id'] for f in extra_files for l in open(f) if l.strip()]
    Xe, Ye = matrix(extra, rows, feats) if extra else (X[:0], Y[:0])
    first = np.array([k.split('-')[0] in FIRST for k in pool])
    fold = np.random.default_rng(11).permutation(len(pool)) % 5
    D = {r: np.zeros_like(Y) for r in ('single', 'bagged')}
    for k in range(5):
        te, tr = np.where(fold == k)[0], np.where(fold != k)[0]
        Xtr, Ytr = np.vstack([X[tr], Xe]), np.vstack([Y[tr], Ye])
        D['single'][te] = single(Xtr, Ytr, X[te], np.random.default_rng(k))
        D['bagged'][te] = bagged(Xtr, Ytr, X[te], np.random.default_rng(k))
        print('fold', k, flush=True)
    for r, d in D.items():
        for name, m in (('all', np.ones(len(pool), bool)), ('first', first)):
            per = [f1(Y[m, l], d[m, l]) for l in range(len(LABELS))]
            print(f"{r:7s} {name:6s} core {np.mean(per[:4]):.3f} "
                  + " ".join(f"{n[:6]} {v:.3f}" for n, v in zip(CORE, per[:4]))
                  + f" macro16 {np.nanmean(per):.3f}")


if __name__ == '__main__':
    main()
