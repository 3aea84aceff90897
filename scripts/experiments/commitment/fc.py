"""Facet head prototype (session 12): trained on every passage or on parent passages only,
thresholds over every passage or within the parent. Usage: python fc.py base paronly"""
import os
ROOT=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
import sys, json, re, tomllib, numpy as np
sys.path.insert(0,ROOT+'/scripts/experiments/real_dev'); sys.path.insert(0,ROOT+'/scripts/experiments')
from feats import embed
from exp import mlp, f1, thresholds
tax=tomllib.load(open(ROOT+'/corpus/facets.toml','rb'))
FL=[l['id'] for l in tax['label']]; PAR=[l['group'] for l in tax['label']]
WIDER=[i for i,p in enumerate(PAR) if p=='wider_determinants']
from kw import comp
LEX=[[comp(k) for k in l.get('keywords',[])] for l in tax['label']]
def kwf(t): return [np.log1p(sum(1 for r in lex if r.search(t))) for lex in LEX]
def nrm(a): return a/np.linalg.norm(a,axis=-1,keepdims=True)
def load(s): return [json.loads(l) for l in open(ROOT+f'/corpus/labelled/{s}.jsonl')]
tr=load('train')+load('dev'); te=load('test')
def X(rows,kwscale=1.0):
    F=embed([r['text'] for r in rows]); B=[nrm(F[:,i*384:(i+1)*384]) for i in range(4)]
    B.append(kwscale*np.array([kwf(r['text']) for r in rows]))
    return np.concatenate(B,1).astype(np.float32)
def Y(rows): return np.array([[1. if f in r.get('facets',[]) else 0. for f in FL] for r in rows],np.float32)
def M(rows): return np.array([[1. if p in r['labels'] else 0. for p in PAR] for r in rows],np.float32)
Ytr,Yte,Mtr,Mte=Y(tr),Y(te),M(tr),M(te)
def f1m(Yg,P,T,Mk,idx):
    return [f1(Yg[Mk[:,l]>0,l],(P[Mk[:,l]>0,l]>=T[l])) for l in idx]
def thr_within(Yg,P,Mk):
    grid=np.arange(0.05,0.96,0.01); T=[]
    for l in range(Yg.shape[1]):
        m=Mk[:,l]>0; T.append(grid[np.argmax([f1(Yg[m,l],P[m,l]>=t) for t in grid])])
    return np.array(T)
def run(name,parent_only=False,kwscale=1.0,seed=0,folds=5,**kw):
    Xtr,Xte=X(tr,kwscale),X(te,kwscale)
    rng=np.random.default_rng(17+seed); fold=rng.integers(0,folds,len(tr))
    anyp=Mtr.max(1)>0
    oof=np.zeros_like(Ytr); pte=np.zeros((len(te),len(FL)),np.float32)
    for k in range(folds):
        a,b=fold!=k,fold==k
        if parent_only: a=a&anyp
        po,pt=mlp(Xtr[a],Ytr[a],[Xtr[b],Xte],seed=seed*10+k,**kw)
        oof[b]=po; pte+=pt/folds
    for tn,T in [('T_all',thresholds(Ytr,oof)),('T_par',thr_within(Ytr,oof,Mtr))]:
        fo=f1m(Ytr,oof,T,Mtr,range(len(FL))); ft=f1m(Yte,pte,T,Mte,range(len(FL)))
        print(f'{name:20s} {tn} OOF wider {np.mean([fo[i] for i in WIDER]):.3f} all {np.nanmean(fo):.3f} | TEST wider {np.mean([ft[i] for i in WIDER]):.3f} all {np.nanmean(ft):.3f} | '+' '.join(f'{x:.2f}' for x in ft[:10]),flush=True)
    np.savez(f'/tmp/planthemes-exp/f_{name}.npz',oof=oof,pte=pte)
if __name__=='__main__':
    for v in sys.argv[1:]:
        if v=='base': run('base')
        elif v=='paronly': run('paronly',parent_only=True)
        elif v=='kw3': run('kw3',kwscale=3.0)
