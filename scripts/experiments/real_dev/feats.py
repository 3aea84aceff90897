"""Frozen MiniLM features (layers 6,5,4,3 mean-pooled) for passages and their sentences.
Cache by text hash in /tmp/planthemes-exp/featcache.npz. Not part of the project."""
import os as _os
ROOT_DIR=_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))))
HERE=_os.path.dirname(_os.path.abspath(__file__))

import hashlib, json, os, re, sys, glob
import numpy as np, torch
from transformers import AutoModel, AutoTokenizer
ROOT=ROOT_DIR
CACHE='/tmp/planthemes-exp/featcache.npz'; os.makedirs('/tmp/planthemes-exp', exist_ok=True)
LAYERS=[6,5,4,3]
_tok=_enc=None
def h(t): return hashlib.blake2b(t.encode(),digest_size=12).hexdigest()
SPLIT=re.compile(r'(?<=[.!?;:])\s+(?=[A-Z0-9"“‘(•\-])|\s+(?=•)|\s+(?=\d{1,2}\.\s)|\s+(?=- )')
def sentences(t):
    parts=[p.strip() for p in SPLIT.split(t) if p and p.strip()]
    out=[]
    for p in parts:
        if out and len(p.split())<4: out[-1]=out[-1]+' '+p
        else: out.append(p)
    return out or [t]
_store=None
def load():
    global _store
    if _store is None:
        _store={}
        if os.path.exists(CACHE):
            z=np.load(CACHE)
            F=z['F']; keys=z['keys']
            for i,k in enumerate(keys): _store[str(k)]=F[i]
    return _store
def save():
    keys=sorted(_store); np.savez(CACHE,keys=np.array(keys),F=np.stack([_store[k] for k in keys]))
def embed(texts):
    global _tok,_enc
    st=load(); todo=sorted({t for t in texts if h(t) not in st},key=len)
    if todo:
        torch.set_num_threads(2)
        p=ROOT+'/models/all-MiniLM-L6-v2'
        if _tok is None:
            _tok=AutoTokenizer.from_pretrained(p); _enc=AutoModel.from_pretrained(p).eval()
        with torch.no_grad():
            for i in range(0,len(todo),64):
                b=todo[i:i+64]
                x=_tok(b,padding=True,truncation=True,max_length=256,return_tensors='pt')
                hs=_enc(**x,output_hidden_states=True).hidden_states
                m=x['attention_mask'].unsqueeze(-1).float()
                F=np.concatenate([((hs[L]*m).sum(1)/m.sum(1)).numpy() for L in LAYERS],1)
                for t,f in zip(b,F): st[h(t)]=f.astype(np.float32)
                if i%1280==0: print('embedded',i,len(todo),file=sys.stderr)
        save()
    return np.stack([st[h(t)] for t in texts])
def rows_of(path): return [json.loads(l) for l in open(path) if l.strip()]
if __name__=='__main__':
    files=sys.argv[1:]
    allt=[]
    for f in files:
        for r in rows_of(f):
            allt.append(r['text']); allt.extend(sentences(r['text']))
    embed(allt); print(len(load()))
