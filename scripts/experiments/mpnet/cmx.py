"""Commitment head prototype on cached features of any encoder(s). Not part of the project."""
import os as _os
ROOT=_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))))
import sys, json, hashlib, numpy as np
sys.path.insert(0,ROOT+'/scripts/experiments/real_dev'); sys.path.insert(0,ROOT+'/scripts/experiments/commitment'); sys.path.insert(0,ROOT+'/scripts/experiments')
import feats; feats.embed=None
from exp import mlp, f1, thresholds
import cm
from cm import kwf, rules, FL, tr, te
real=[json.loads(l) for l in open('/tmp/real_cf.jsonl')]
def h(t): return hashlib.blake2b(t.encode(),digest_size=12).hexdigest()
def nrm(x): return x/np.linalg.norm(x,axis=-1,keepdims=True)
specs=[]
for arg in sys.argv[1].split('+'):
    path,lay=arg.split(':'); z=np.load(path); L=list(z['layers']); d=z['F'].shape[1]//len(L)
    specs.append(({str(k):i for i,k in enumerate(z['keys'])},z['F'],L,d,[int(x) for x in lay.split(',')]))
def X(rows):
    B=[]
    for keys,F,L,d,use in specs:
        M=F[[keys[h(r['text'])] for r in rows]]
        B+=[nrm(M[:,L.index(l)*d:(L.index(l)+1)*d]) for l in use]
    B.append(np.array([kwf(r['text']) for r in rows])); B.append(np.array([rules(r) for r in rows]))
    return np.concatenate(B,1).astype(np.float32)
def Y(rows): return np.array([[1. if f in r.get('commitment',[]) else 0. for f in FL] for r in rows],np.float32)
Ytr,Yte,Yre=Y(tr),Y(te),Y(real); Xtr,Xte,Xre=X(tr),X(te),X(real)
seed=int(sys.argv[2]) if len(sys.argv)>2 else 0
rng=np.random.default_rng(17+seed); fold=rng.integers(0,5,len(tr))
oof=np.zeros_like(Ytr); pte=np.zeros((len(te),4),np.float32); pre=np.zeros((len(real),4),np.float32)
for k in range(5):
    a,b=fold!=k,fold==k
    po,pt,pr=mlp(Xtr[a],Ytr[a],[Xtr[b],Xte,Xre],seed=seed*10+k)
    oof[b]=po; pte+=pt/5; pre+=pr/5
T=thresholds(Ytr,oof)
for nm,Yg,P in (('oof',Ytr,oof),('test',Yte,pte),('real',Yre,pre)):
    fs=[f1(Yg[:,l],P[:,l]>=T[l]) for l in range(4)]
    print(f"{sys.argv[1]} s{seed} {nm}: macro {np.mean(fs):.3f} "+' '.join(f'{x:.2f}' for x in fs),flush=True)
np.savez(f"/tmp/planthemes-exp/cm_{sys.argv[3] if len(sys.argv)>3 else 'x'}_s{seed}.npz",oof=oof,pte=pte,pre=pre)
