import os
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.makedirs('/tmp/planthemes-exp', exist_ok=True)
import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
import numpy as np, json, torch
from kw import *
from sklearn.metrics import f1_score
torch.set_num_threads(2)
def nrm(a): return a/np.linalg.norm(a,axis=1,keepdims=True)
D={}
for s in ['train','dev','test']:
    z=np.load(f'/tmp/planthemes-exp/layers_{s}.npz'); rows,Y=load(s)
    K=np.stack([kwfeat(r['text']) for r in rows])
    D[s]=dict(Y=Y,K=K,**{k:nrm(z[k]) for k in z.files})
def fit(feats, seed=0, hidden=256, epochs=80):
    torch.manual_seed(seed)
    X=torch.tensor(np.hstack([D['train'][f] for f in feats]),dtype=torch.float32)
    Y=torch.tensor(D['train']['Y'],dtype=torch.float32)
    Xd=torch.tensor(np.hstack([D['dev'][f] for f in feats]),dtype=torch.float32); Yd=torch.tensor(D['dev']['Y'],dtype=torch.float32)
    pos=Y.mean(0); pw=((1-pos)/pos).clamp(1,4)
    net=torch.nn.Sequential(torch.nn.Dropout(0.06),torch.nn.Linear(X.shape[1],hidden),torch.nn.GELU(),torch.nn.Dropout(0.3),torch.nn.Linear(hidden,16))
    opt=torch.optim.AdamW(net.parameters(),lr=1e-3,weight_decay=1e-2); lossf=torch.nn.BCEWithLogitsLoss(pos_weight=pw)
    best=(1e9,None)
    for ep in range(epochs):
        net.train(); perm=torch.randperm(len(X))
        for i in range(0,len(X),32):
            b=perm[i:i+32]; opt.zero_grad(); lossf(net(X[b]),Y[b]).backward(); opt.step()
        net.eval()
        with torch.no_grad(): dl=lossf(net(Xd),Yd).item()
        if dl<best[0]: best=(dl,{k:v.clone() for k,v in net.state_dict().items()})
    net.load_state_dict(best[1]); net.eval()
    with torch.no_grad(): p=torch.sigmoid(net(Xd)).numpy()
    y=D['dev']['Y']
    return [max(f1_score(y[:,l],p[:,l]>=t) for t in np.arange(0.05,0.96,0.01)) for l in range(16)]
for feats in [['L6','K'],['L6','L4','K'],['L6','L3','K'],['L6','max6','K'],['L6','cls','K'],['L6','L5','L4','L3','K'],['L4','K']]:
    rs=[fit(feats,seed) for seed in range(3)]
    r=np.mean(rs,0)
    print(feats,'dev core',round(np.mean(r[:4]),3),[round(x,3) for x in r[:4]],'macro16',round(np.mean(r),3),flush=True)
