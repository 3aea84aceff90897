"""Commitment head prototype (session 12): the shipped recipe (5-fold bagged MLP over
MiniLM layers 6,5,4,3 + keyword counts), out of fold on train+dev, with and without the
commitment cues of src/classify/cues.rs. Needs `planthemes kpis --input ALL --output
/tmp/planthemes-exp/kpis.jsonl` run on every train/dev/test passage first.
Usage: python cm.py base rules rules3"""
import os
ROOT=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
import sys, json, re, tomllib, numpy as np
sys.path.insert(0,ROOT+'/scripts/experiments/real_dev'); sys.path.insert(0,ROOT+'/scripts/experiments')
from feats import embed
from exp import mlp, f1, thresholds
FL=['aim','action','resource','target']
tax=tomllib.load(open(ROOT+'/corpus/commitment.toml','rb'))
from kw import comp
LEX=[[comp(k) for k in l.get('keywords',[])] for l in tax['label']]
def kwf(t): return [np.log1p(sum(1 for r in lex if r.search(t))) for lex in LEX]
K={}
for l in open('/tmp/planthemes-exp/kpis.jsonl'):
    r=json.loads(l); K[r['id']]=r['targets']
MONEY=re.compile(r'£\s?\d[\d,.]*\s*(?:m\b|bn\b|k\b|million|billion)?|\b\d[\d,.]*\s*(?:million|billion)\b',re.I)
POSTS=re.compile(r'\b\d[\d,.]*\s+(?:new\s+|additional\s+|extra\s+|more\s+)?(?:[\w-]+\s+){0,3}(?:posts?|staff|workers?|wte|roles?|nurses?|coordinators?|navigators?|advisers?|advisors?|practitioners?|beds|places|officers?|champions?|therapists?|pharmacists?|paramedics?)\b',re.I)
FUND=re.compile(r'\b(?:funded|fund(?:ing)?\s+(?:from|of|by)|ring-?fenced|allocat\w*|invest\w*\s+(?:of\s+)?£|better care fund|capital|grant)\b',re.I)
PAST=re.compile(r'\b(?:spent|was invested|were invested|has invested|have invested|last year|in 20(?:1\d|20|21|22)/?\d*\s*(?:we|the))\b',re.I)
WEWILL=re.compile(r'\b(?:we will|we\'ll|will be|we are going to|we plan to|we commit)\b',re.I)
AIM=re.compile(r'\b(?:we want|our ambition|our vision|we aim|we aspire|priorit\w*|we will focus|our goal|principles?|we believe|committed to|we will work (?:together|with))\b',re.I)
YEAR=re.compile(r'\bby\s+(?:(?:the\s+)?end\s+of\s+)?(?:march|april|\w+\s)?\s*20[2-4]\d\b',re.I)
PCT=re.compile(r'\d\s?%|per cent|percentage points',re.I)
def rules(r):
    t=r['text']; k=K[r['id']]
    return [np.log1p(len(k)), 1.0 if k else 0.0, np.log1p(len(MONEY.findall(t))), np.log1p(len(POSTS.findall(t))),
            np.log1p(len(FUND.findall(t))), 1.0 if PAST.search(t) else 0.0, np.log1p(len(WEWILL.findall(t))),
            np.log1p(len(AIM.findall(t))), 1.0 if YEAR.search(t) else 0.0, np.log1p(len(PCT.findall(t)))]
def nrm(a): return a/np.linalg.norm(a,axis=-1,keepdims=True)
def load(s): return [json.loads(l) for l in open(ROOT+f'/corpus/labelled/{s}.jsonl')]
tr=load('train')+load('dev'); te=load('test')
def X(rows,use_rules,scale):
    F=embed([r['text'] for r in rows]); B=[nrm(F[:,i*384:(i+1)*384]) for i in range(4)]
    B.append(np.array([kwf(r['text']) for r in rows]))
    if use_rules: B.append(scale*np.array([rules(r) for r in rows]))
    return np.concatenate(B,1).astype(np.float32)
def Y(rows,key='commitment'): return np.array([[1. if f in r.get(key,[]) else 0. for f in FL] for r in rows],np.float32)
Ytr,Yte=Y(tr),Y(te)
def run(name,use_rules,scale=1.0,seed=0,folds=5,**kw):
    Xtr,Xte=X(tr,use_rules,scale),X(te,use_rules,scale)
    rng=np.random.default_rng(17+seed); fold=rng.integers(0,folds,len(tr))
    oof=np.zeros_like(Ytr); pte=np.zeros((len(te),4),np.float32)
    for k in range(folds):
        a,b=fold!=k,fold==k
        po,pt=mlp(Xtr[a],Ytr[a],[Xtr[b],Xte],seed=seed*10+k,**kw)
        oof[b]=po; pte+=pt/folds
    T=thresholds(Ytr,oof)
    fo=[f1(Ytr[:,l],oof[:,l]>=T[l]) for l in range(4)]
    ft=[f1(Yte[:,l],pte[:,l]>=T[l]) for l in range(4)]
    print(f'{name:28s} OOF macro {np.mean(fo):.3f} '+' '.join(f'{x:.2f}' for x in fo)+f' | TEST macro {np.mean(ft):.3f} '+' '.join(f'{x:.2f}' for x in ft)+' T '+' '.join(f'{x:.2f}' for x in T),flush=True)
    np.savez(f'/tmp/planthemes-exp/p_{name}.npz',oof=oof,pte=pte,T=T)
if __name__=="__main__":
    for v in sys.argv[1:]:
        if v=='base': run('base',False)
        elif v.startswith('rules'): run(v,True,float(v[5:] or 1))
