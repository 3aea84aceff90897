"""Per-label attention pooling over frozen MiniLM token states, against mean pooling (session 17; not part of the project).
usage: att.py themes|commitment model(mean|att) seed"""
import os
ROOT=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
WORK=os.environ.get('PLANTHEMES_EXP','/tmp/planthemes-exp/attention'); os.makedirs(WORK,exist_ok=True)
import json, sys, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(2)
task, kind, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
EPOCHS=int(sys.argv[4]) if len(sys.argv)>4 else 25
torch.manual_seed(seed); rng=np.random.default_rng(seed)
Z=np.load(WORK+'/tok.npz')
def load(f): return {json.loads(l)['id']:json.loads(l) for l in open(f)}
rows={**load(ROOT+'/corpus/labelled/train.jsonl'),**load(ROOT+'/corpus/labelled/dev.jsonl'),**load(ROOT+'/corpus/labelled/test.jsonl'),**load(WORK+'/real_cf.jsonl')}
if task=='themes':
    LABELS=['wider_determinants','behaviours','access','anchor_roles','deprivation','ethnic_minorities','inclusion_groups','disability_mental_illness','children_young_people','older_people','targeting','data_evidence','outcomes_measures','partnership','engagement','resources_capacity']
    field='labels'; CORE=4
else:
    LABELS=['aim','action','resource','target']; field='commitment'; CORE=4
def split(name):
    lens=Z[name+'_len']; off=np.concatenate([[0],np.cumsum(lens)])
    h=np.concatenate([Z[name+'_h6'],Z[name+'_h4']],1)
    ids=list(Z[name+'_ids'])
    Y=np.array([[l in (rows[i].get(field) or []) for l in LABELS] for i in ids],dtype=np.float32)
    return dict(h=h,off=off,Y=Y,ids=ids)
import re, tomllib
tax=tomllib.load(open(ROOT+'/corpus/'+('taxonomy.toml' if task=='themes' else 'commitment.toml'),'rb'))
KW={l['id']:l.get('keywords',[]) for l in tax['label']}
def comp(k):
    k=k.strip(); w=k.endswith('*'); st=k[:-1] if w else k
    body=r'\s+'.join(re.escape(x) for x in st.split())
    lead=r'\b' if st[:1].isalnum() else ''; trail=r'\b' if (w or st[-1:].isalnum()) else ''
    return re.compile(lead+body+(r'[A-Za-z0-9_]*' if w else '')+trail, re.I|re.A)
KWR=[[comp(k) for k in KW[l]] for l in LABELS]
def kwf(t): return [np.log1p(sum(1 for r in rs if r.search(t))) for rs in KWR]
USEKW=kind.endswith('kw'); kind=kind[:-2] if USEKW else kind
D={n:split(n) for n in ['pool','test','real']}
for n in D: D[n]['K']=np.array([kwf(rows[i]['text']) for i in D[n]['ids']],np.float32)
def batch(d,idx):
    L=max(d['off'][i+1]-d['off'][i] for i in idx)
    X=np.zeros((len(idx),L,768),np.float32); M=np.zeros((len(idx),L),bool)
    for j,i in enumerate(idx):
        a,b=d['off'][i],d['off'][i+1]; X[j,:b-a]=d['h'][a:b]; M[j,:b-a]=True
    return torch.from_numpy(X),torch.from_numpy(M),torch.from_numpy(d['Y'][idx]),torch.from_numpy(d['K'][idx])
class Net(nn.Module):
    def __init__(s,nl):
        super().__init__()
        s.g=nn.Sequential(nn.Dropout(0.06),nn.Linear((1536 if kind=='mx' else 768)+(len(LABELS) if USEKW else 0),256),nn.GELU(),nn.Dropout(0.3))
        s.out=nn.Linear(256,nl)
        if kind=='att':
            s.k=nn.Linear(768,128); s.v=nn.Parameter(torch.randn(nl,128)*0.05)
            s.l=nn.Sequential(nn.Dropout(0.06),nn.Linear(768,128),nn.GELU(),nn.Dropout(0.3))
            s.r=nn.Parameter(torch.zeros(nl,128))
    def forward(s,X,M,K):
        m=M.float().unsqueeze(-1); mean=(X*m).sum(1)/m.sum(1)
        if kind=='mx': mean=torch.cat([mean,X.masked_fill(~M.unsqueeze(-1),-1e4).max(1).values],1)
        if USEKW: mean=torch.cat([mean,K],1)
        o=s.out(s.g(mean))
        if kind=='att':
            sc=torch.einsum('btd,ld->btl',torch.tanh(s.k(X)),s.v).masked_fill(~M.unsqueeze(-1),-1e4)
            a=sc.softmax(1)                      # b t l
            z=torch.einsum('btl,btd->bld',a,X)   # b l 768
            o=o+(s.l(z)*s.r).sum(-1)
        return o
def predict(net,d):
    net.eval(); out=[]
    with torch.no_grad():
        order=np.argsort(np.diff(d['off']))
        P=np.zeros(d['Y'].shape,np.float32)
        for b in range(0,len(order),64):
            idx=order[b:b+64]; X,M,_,K=batch(d,idx); P[idx]=torch.sigmoid(net(X,M,K)).numpy()
    net.train(); return P
def f1(P,Y,t):
    p=P>=t; tp=(p&(Y>0)).sum(0); fp=(p&(Y==0)).sum(0); fn=(~p&(Y>0)).sum(0)
    return np.where(2*tp+fp+fn>0,2*tp/np.maximum(1,2*tp+fp+fn),np.nan)
def best_t(P,Y):
    ts=np.arange(0.05,0.96,0.01); T=[]
    for l in range(Y.shape[1]):
        s=[f1(P[:,l:l+1],Y[:,l:l+1],t)[0] for t in ts]; T.append(ts[int(np.nanargmax(s))] if Y[:,l].sum() else 0.5)
    return np.array(T)
pool=D['pool']; n=len(pool['ids']); perm=rng.permutation(n); val=perm[:n//9]; tr=perm[n//9:]
sub=lambda d,idx: dict(h=d['h'],off=d['off'],Y=d['Y'],ids=d['ids'],idx=idx)
net=Net(len(LABELS)); opt=torch.optim.AdamW(net.parameters(),lr=1e-3,weight_decay=1e-4)
dval=dict(pool); 
def pv(idx):
    d=dict(pool); d['off']=None
    return idx
best=(-1,None,0)
# validation predictions via index subset
def predict_idx(net,idx):
    net.eval(); P=np.zeros((len(idx),len(LABELS)),np.float32)
    with torch.no_grad():
        for b in range(0,len(idx),64):
            X,M,_,K=batch(pool,idx[b:b+64]); P[b:b+64]=torch.sigmoid(net(X,M,K)).numpy()
    net.train(); return P
for ep in range(EPOCHS):
    rng.shuffle(tr)
    for b in range(0,len(tr),32):
        X,M,Y,K=batch(pool,tr[b:b+32]); loss=F.binary_cross_entropy_with_logits(net(X,M,K),Y)
        opt.zero_grad(); loss.backward(); opt.step()
    Pv=predict_idx(net,val); Yv=pool['Y'][val]; T=best_t(Pv,Yv); s=np.nanmean(f1(Pv,Yv,T)[:CORE])
    if s>best[0]: best=(s,{k:v.clone() for k,v in net.state_dict().items()},ep,T)
    print(f'ep {ep} val core {s:.3f}',flush=True)
net.load_state_dict(best[1]); T=best[3]
res={'task':task,'kind':kind+('kw' if USEKW else ''),'seed':seed,'epoch':best[2],'val':best[0]}
for name in ['test','real']:
    d=D[name]; P=predict(net,d); fs=f1(P,d['Y'],T)
    res[name]=float(np.nanmean(fs[:CORE])); res[name+'_per']=[round(float(x),3) for x in fs[:CORE]]
    if task=='themes': res[name+'_macro16']=float(np.nanmean(fs))
    np.save(f'{WORK}/P_{task}_{kind}{"kw" if USEKW else ""}_{seed}_{name}.npy',P)
np.save(f'{WORK}/T_{task}_{kind}{"kw" if USEKW else ""}_{seed}.npy',T)
print(json.dumps(res)); open(WORK+'/results.jsonl','a').write(json.dumps(res)+'\n')
