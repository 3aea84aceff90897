"""Shipped-recipe prototype (bagged MLP over layer means + lexicon) on cached features. Not part of the project."""
import os as _os
ROOT=_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))))
import sys, json, hashlib, argparse, numpy as np, torch
sys.path.insert(0,ROOT+'/scripts/experiments'); sys.path.insert(0,ROOT+'/scripts/experiments/real_dev')
from kw import kwfeat, LABELS
from exp import mlp, thresholds, report, Y, rows_of, f1
ap=argparse.ArgumentParser(); ap.add_argument('npz'); ap.add_argument('--also',default=''); ap.add_argument('--layers',default='')
ap.add_argument('--seeds',default='0'); ap.add_argument('--hidden',type=int,default=256); ap.add_argument('--save',default='')
ap.add_argument('--kwscale',type=float,default=1.0)
a=ap.parse_args()
z=np.load(a.npz); keys={str(k):i for i,k in enumerate(z['keys'])}; F=z['F']; L=list(z['layers']); d=F.shape[1]//len(L)
if a.also:
    z2=np.load(a.also); keys2={str(k):i for i,k in enumerate(z2['keys'])}; F2=z2['F']; L2=list(z2['layers'])
use=[int(x) for x in a.layers.split(',')] if a.layers else L
def h(t): return hashlib.blake2b(t.encode(),digest_size=12).hexdigest()
def nrm(x): return x/np.linalg.norm(x,axis=-1,keepdims=True)
def feat(rows):
    X=F[[keys[h(r['text'])] for r in rows]]
    bl=[nrm(X[:,L.index(l)*d:(L.index(l)+1)*d]) for l in use]
    bl.append(a.kwscale*np.stack([kwfeat(r['text']) for r in rows]))
    if a.also:
        for l in (6,5,4,3): bl.append(nrm(F2[[keys2[h(r['text'])] for r in rows]][:,L2.index(l)*384:(L2.index(l)+1)*384]))
    return np.concatenate(bl,1).astype(np.float32)
R=ROOT+'/corpus/labelled/'
pool=rows_of(R+'train.jsonl')+rows_of(R+'dev.jsonl'); test=rows_of(R+'test.jsonl'); real=rows_of(ROOT+'/../shared/data/real_plans_dev.jsonl')
Yp,Yt,Yr=Y(pool),Y(test),Y(real); Xp,Xt,Xr=feat(pool),feat(test),feat(real)
for s in [int(x) for x in a.seeds.split(',')]:
    rng=np.random.default_rng(11+s); fold=rng.permutation(len(pool))%5
    OOF=np.zeros_like(Yp); Pt=np.zeros_like(Yt); Pr=np.zeros_like(Yr)
    for k in range(5):
        tr=fold!=k; te=fold==k
        o=mlp(Xp[tr],Yp[tr],[Xp[te],Xt,Xr],seed=17+k+100*s,hidden=a.hidden)
        OOF[te]=o[0]; Pt+=o[1]/5; Pr+=o[2]/5
    T=thresholds(Yp,OOF)
    fr=report('r',Yr,Pr,T); ft=report('t',Yt,Pt,T); fo=report('o',Yp,OOF,T)
    Tr=thresholds(Yr,Pr); frr=report('r',Yr,Pr,Tr)
    print(f"seed {s} layers {use}: real core {np.mean(fr[:4]):.3f} [{' '.join(f'{x:.2f}' for x in fr[:4])}] macro16 {np.nanmean(fr):.3f} (realT* {np.mean(frr[:4]):.3f}) | test core {np.mean(ft[:4]):.3f} macro {np.nanmean(ft):.3f} | oof core {np.mean(fo[:4]):.3f}",flush=True)
    if a.save: np.savez(a.save+f'_s{s}.npz',Pr=Pr,Pt=Pt,OOF=OOF,T=T)
