"""Mean-pooled hidden states at several layers for pool+test+real passages. Not part of the project."""
import os as _os
ROOT=_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))))
import sys, json, hashlib, numpy as np, torch, time
from transformers import AutoModel, AutoTokenizer
model, layers, out = sys.argv[1], [int(x) for x in sys.argv[2].split(',')], sys.argv[3]
maxlen = int(sys.argv[4]) if len(sys.argv) > 4 else 256
R=ROOT+'/corpus/labelled/'
files=[R+'train.jsonl',R+'dev.jsonl',R+'test.jsonl',ROOT+'/../shared/data/real_plans_dev.jsonl']
texts=[]
for f in files:
    for l in open(f):
        if l.strip(): texts.append(json.loads(l)['text'])
texts=sorted(set(texts),key=len)
torch.set_num_threads(2)
tok=AutoTokenizer.from_pretrained(model); enc=AutoModel.from_pretrained(model).eval()
F=[]; t0=time.time()
with torch.no_grad():
    for i in range(0,len(texts),32):
        b=texts[i:i+32]
        x=tok(b,padding=True,truncation=True,max_length=maxlen,return_tensors='pt')
        hs=enc(**x,output_hidden_states=True).hidden_states
        m=x['attention_mask'].unsqueeze(-1).float()
        F.append(np.concatenate([((hs[L]*m).sum(1)/m.sum(1)).numpy() for L in layers],1).astype(np.float32))
        if i%640==0: print(i,len(texts),round(time.time()-t0),file=sys.stderr,flush=True)
keys=[hashlib.blake2b(t.encode(),digest_size=12).hexdigest() for t in texts]
np.savez(out,keys=np.array(keys),F=np.concatenate(F),layers=np.array(layers))
print('done',len(texts),round(time.time()-t0))
