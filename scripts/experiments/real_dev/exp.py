import os as _os
ROOT_DIR=_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))))
HERE=_os.path.dirname(_os.path.abspath(__file__))
import sys, json, argparse, numpy as np, torch
sys.path.insert(0,ROOT_DIR+'/scripts/experiments'); sys.path.insert(0,HERE)
from kw import kwfeat, LABELS
from feats import embed, sentences, rows_of
from sklearn.linear_model import LogisticRegression
CORE=LABELS[:4]; R=ROOT_DIR+'/corpus/labelled/'
def nrm(a): return a/np.linalg.norm(a,axis=-1,keepdims=True)
def feat(texts, layers=(6,5,4,3), kw=True, kwscale=1.0):
    F=embed(texts); blocks=[]
    for L in layers:
        i=[6,5,4,3].index(L); blocks.append(nrm(F[:,i*384:(i+1)*384]))
    if kw: blocks.append(kwscale*np.stack([kwfeat(t) for t in texts]))
    return np.concatenate(blocks,1).astype(np.float32)
def Y(rows): return np.array([[1. if l in r['labels'] else 0. for l in LABELS] for r in rows],np.float32)
def f1(y,p):
    tp=(y*p).sum(); fp=((1-y)*p).sum(); fn=(y*(1-p)).sum()
    return 2*tp/(2*tp+fp+fn) if tp+fp+fn else float('nan')
def mlp(X,Yt,Xs,seed=0,hidden=256,wd=1e-2,drop=0.3,indrop=0.06,epochs=80):
    torch.manual_seed(seed); rng=np.random.default_rng(seed)
    idx=rng.permutation(len(X)); va,tr=idx[:len(X)//9],idx[len(X)//9:]
    Xt,Yt_=torch.tensor(X[tr]),torch.tensor(Yt[tr]); Xv,Yv=torch.tensor(X[va]),torch.tensor(Yt[va])
    pos=Yt_.mean(0).clamp(min=1e-3); pw=((1-pos)/pos).clamp(1,4)
    if hidden: net=torch.nn.Sequential(torch.nn.Dropout(indrop),torch.nn.Linear(X.shape[1],hidden),torch.nn.GELU(),torch.nn.Dropout(drop),torch.nn.Linear(hidden,Yt.shape[1]))
    else: net=torch.nn.Sequential(torch.nn.Dropout(indrop),torch.nn.Linear(X.shape[1],Yt.shape[1]))
    opt=torch.optim.AdamW(net.parameters(),lr=1e-3,weight_decay=wd); lf=torch.nn.BCEWithLogitsLoss(pos_weight=pw)
    best,state,wait=1e9,None,0
    for _ in range(epochs):
        net.train(); perm=torch.randperm(len(Xt))
        for i in range(0,len(Xt),32):
            b=perm[i:i+32]; opt.zero_grad(); lf(net(Xt[b]),Yt_[b]).backward(); opt.step()
        net.eval()
        with torch.no_grad(): d=lf(net(Xv),Yv).item()
        if d<best: best,state,wait=d,{k:v.clone() for k,v in net.state_dict().items()},0
        else:
            wait+=1
            if wait>=10: break
    net.load_state_dict(state); net.eval()
    with torch.no_grad(): return [torch.sigmoid(net(torch.tensor(x))).numpy() for x in Xs]
def lr(X,Yt,Xs,C=1.0):
    outs=[np.zeros((len(x),Yt.shape[1]),np.float32) for x in Xs]
    for l in range(Yt.shape[1]):
        m=LogisticRegression(C=C,class_weight='balanced',max_iter=2000).fit(X,Yt[:,l])
        for o,x in zip(outs,Xs): o[:,l]=m.predict_proba(x)[:,1]
    return outs
def thresholds(Yp,P,grid=np.arange(0.05,0.96,0.01)):
    return np.array([grid[np.argmax([f1(Yp[:,l],P[:,l]>=t) for t in grid])] for l in range(Yp.shape[1])])
def report(name,Yg,P,T):
    D=(P>=T).astype(float); fs=np.array([f1(Yg[:,l],D[:,l]) for l in range(len(LABELS))])
    return fs
