"""Fine-tune MiniLM's top K layers under an MLP head for the commitment flags (mean pool +
commitment keyword counts + cues from cm.py), on cached lower-layer token states; val =
a random ninth of train+dev. Usage: python ftc.py K EPOCHS SEED (session 12: 2 4 0)."""
import os as _os
ROOT_DIR=_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))))
HERE=_os.path.dirname(_os.path.abspath(__file__))

import sys; sys.path.insert(0,ROOT_DIR+'/scripts/experiments/real_dev'); sys.path.insert(0,HERE); sys.path.insert(0,ROOT_DIR+'/scripts/experiments')
import numpy as np, torch, json, copy, time
from exp import f1, thresholds, rows_of, R
from cm import kwf, rules, FL
LABELS=FL
def Y(rows): return np.array([[1. if f in r['commitment'] else 0. for f in FL] for r in rows],np.float32)
kwfeat=lambda r: np.array(kwf(r['text'])+rules(r))
from transformers import AutoModel, AutoTokenizer
torch.set_num_threads(1); K=int(sys.argv[1]); EPOCHS=int(sys.argv[2]); SEED=int(sys.argv[3]) if len(sys.argv)>3 else 0
torch.manual_seed(SEED); rng=np.random.default_rng(SEED)
pool=rows_of(R+'train.jsonl')+rows_of(R+'dev.jsonl')
test=rows_of(R+'test.jsonl'); real=test[:8]
P=ROOT_DIR+'/models/all-MiniLM-L6-v2'; tok=AutoTokenizer.from_pretrained(P); enc=AutoModel.from_pretrained(P).eval()
def lower_states(rows):
    out=[]
    with torch.no_grad():
        for i in range(0,len(rows),64):
            b=tok([r['text'] for r in rows[i:i+64]],padding=True,truncation=True,max_length=256,return_tensors='pt')
            hs=enc(**b,output_hidden_states=True).hidden_states[6-K]
            for j in range(hs.shape[0]):
                n=int(b['attention_mask'][j].sum()); out.append(hs[j,:n].clone())
    return out
t0=time.time(); Sp,St,Sr=lower_states(pool),lower_states(test),lower_states(real); print('states',time.time()-t0,flush=True)
kwp,kwt,kwr=[torch.tensor(np.stack([kwfeat(r) for r in rows]),dtype=torch.float32) for rows in (pool,test,real)]
Yp,Yt,Yr=torch.tensor(Y(pool)),Y(test),Y(real)
top=torch.nn.ModuleList([copy.deepcopy(enc.encoder.layer[i]) for i in range(6-K,6)])
head=torch.nn.Sequential(torch.nn.Dropout(0.06),torch.nn.Linear(384+14,256),torch.nn.GELU(),torch.nn.Dropout(0.3),torch.nn.Linear(256,4))
def forward(states,kw,train):
    n=max(s.shape[0] for s in states); B=len(states)
    x=torch.zeros(B,n,384); m=torch.zeros(B,n)
    for i,s in enumerate(states): x[i,:s.shape[0]]=s; m[i,:s.shape[0]]=1
    ext=(1.0-m)[:,None,None,:]*-1e9
    top.train(train)
    for l in top:
        o=l(x,attention_mask=ext); x=o[0] if isinstance(o,tuple) else o
    e=(x*m[...,None]).sum(1)/m.sum(1,keepdim=True); e=torch.nn.functional.normalize(e,dim=-1)
    head.train(train); return head(torch.cat([e,kw],1))
idx=rng.permutation(len(pool)); va,tr=idx[:len(pool)//9],idx[len(pool)//9:]
pos=Yp[tr].mean(0); pw=((1-pos)/pos).clamp(1,4); lf=torch.nn.BCEWithLogitsLoss(pos_weight=pw)
opt=torch.optim.AdamW([{'params':top.parameters(),'lr':3e-5,'weight_decay':0.01},{'params':head.parameters(),'lr':1e-3,'weight_decay':1e-2}])
def predict(S,kw):
    out=[]
    with torch.no_grad():
        order=np.argsort([s.shape[0] for s in S]); res=np.zeros((len(S),4),np.float32)
        for i in range(0,len(S),64):
            b=order[i:i+64]; res[b]=torch.sigmoid(forward([S[j] for j in b],kw[b],False)).numpy()
    return res
for ep in range(EPOCHS):
    t0=time.time(); perm=rng.permutation(tr)
    # bucket by length for speed
    chunks=[perm[i:i+32] for i in range(0,len(perm),32)]
    for b in chunks:
        opt.zero_grad(); lf(forward([Sp[j] for j in b],kwp[b],True),Yp[b]).backward(); opt.step()
    Pv=predict([Sp[j] for j in va],kwp[va]); T=thresholds(Yp[va].numpy(),Pv)
    Pt=predict(St,kwt); Pr=Pt
    fv=[f1(Yp[va].numpy()[:,l],Pv[:,l]>=T[l]) for l in range(4)]; ft=[f1(Yt[:,l],Pt[:,l]>=T[l]) for l in range(4)]
    print(f"K={K} ep{ep} {time.time()-t0:.0f}s val macro {np.mean(fv):.3f} [{' '.join(f'{x:.2f}' for x in fv)}] | test macro {np.mean(ft):.3f} [{' '.join(f'{x:.2f}' for x in ft)}]",flush=True)
    # Keep each epoch's probabilities (and the validation thresholds) so they can be
    # averaged with the frozen head's afterwards.
    np.savez(f"/tmp/planthemes-exp/ftc_K{K}_s{SEED}_ep{ep}.npz", real=Pr, test=Pt, T=np.array(T),
             real_ids=np.array([r['id'] for r in real]), test_ids=np.array([r['id'] for r in test]))
