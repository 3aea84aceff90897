import os
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.makedirs('/tmp/planthemes-exp', exist_ok=True)
import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
import numpy as np, json, torch, time
from kw import *
from sklearn.metrics import f1_score
from transformers import AutoModel, AutoTokenizer
torch.set_num_threads(2); torch.manual_seed(int(sys.argv[2]) if len(sys.argv)>2 else 0)
TOP=int(sys.argv[1]) if len(sys.argv)>1 else 3
P=ROOT + '/models/all-MiniLM-L6-v2'
tok=AutoTokenizer.from_pretrained(P); enc=AutoModel.from_pretrained(P)
for p in enc.parameters(): p.requires_grad=False
for l in enc.encoder.layer[6-TOP:]:
    for p in l.parameters(): p.requires_grad=True
D={}
for s in ['train','dev','test']:
    rows,Y=load(s); K=np.stack([kwfeat(r['text']) for r in rows])
    D[s]=dict(T=[r['text'] for r in rows],Y=torch.tensor(Y,dtype=torch.float32),K=torch.tensor(K,dtype=torch.float32))
head=torch.nn.Sequential(torch.nn.Dropout(0.06),torch.nn.Linear(384+16,256),torch.nn.GELU(),torch.nn.Dropout(0.3),torch.nn.Linear(256,16))
def embed(texts):
    b=tok(texts,padding=True,truncation=True,max_length=256,return_tensors='pt')
    o=enc(**b).last_hidden_state; m=b['attention_mask'].unsqueeze(-1).float()
    e=(o*m).sum(1)/m.sum(1); return torch.nn.functional.normalize(e,dim=-1)
Y=D['train']['Y']; pos=Y.mean(0); pw=((1-pos)/pos).clamp(1,4)
lossf=torch.nn.BCEWithLogitsLoss(pos_weight=pw)
opt=torch.optim.AdamW([{'params':[p for p in enc.parameters() if p.requires_grad],'lr':4e-5,'weight_decay':0.01},{'params':head.parameters(),'lr':1e-3,'weight_decay':1e-2}])
def predict(s):
    enc.eval(); head.eval(); out=[]
    with torch.no_grad():
        for i in range(0,len(D[s]['T']),64):
            e=embed(D[s]['T'][i:i+64]); out.append(torch.sigmoid(head(torch.cat([e,D[s]['K'][i:i+64]],1))))
    return torch.cat(out).numpy()
def score(pd,yd,pt=None,yt=None):
    res=[];tres=[]
    for l in range(16):
        b=max((f1_score(yd[:,l],pd[:,l]>=t),t) for t in np.arange(0.05,0.96,0.01)); res.append(b[0])
        if pt is not None: tres.append(f1_score(yt[:,l],pt[:,l]>=b[1]))
    return res,tres
# sort by length for efficient batching within shuffled buckets
n=len(D['train']['T'])
for ep in range(int(sys.argv[3]) if len(sys.argv)>3 else 6):
    t0=time.time(); enc.train(); head.train()
    perm=torch.randperm(n).tolist()
    for i in range(0,n,16):
        b=perm[i:i+16]
        e=embed([D['train']['T'][j] for j in b])
        l=lossf(head(torch.cat([e,D['train']['K'][b]],1)),Y[b])
        opt.zero_grad(); l.backward(); opt.step()
    pd=predict('dev'); res,_=score(pd,D['dev']['Y'].numpy())
    print(f'top{TOP} ep{ep} {time.time()-t0:.0f}s dev core tuned {np.mean(res[:4]):.3f}',[round(r,3) for r in res[:4]],'macro16',round(np.mean(res),3),flush=True)
    torch.save({'enc':enc.state_dict(),'head':head.state_dict()},f'/tmp/planthemes-exp/ft_top{TOP}_ep{ep}.pt')
