"""Token states of frozen MiniLM (the last layer and layer 4) for every pooled train+dev, test and real_dev passage, into $PLANTHEMES_EXP/tok.npz (about 1.1 GB). Not part of the project."""
import os
ROOT=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
WORK=os.environ.get('PLANTHEMES_EXP','/tmp/planthemes-exp/attention'); os.makedirs(WORK,exist_ok=True)
import json, numpy as np, torch, sys
from transformers import AutoModel, AutoTokenizer
torch.set_num_threads(2)
M=ROOT+'/models/all-MiniLM-L6-v2'
tok=AutoTokenizer.from_pretrained(M); enc=AutoModel.from_pretrained(M).eval()
def load(f): return [json.loads(l) for l in open(f)]
sets={'pool':load(ROOT+'/corpus/labelled/train.jsonl')+load(ROOT+'/corpus/labelled/dev.jsonl'),
      'test':load(ROOT+'/corpus/labelled/test.jsonl'),'real':load(WORK+'/real_cf.jsonl')}
out={}
for name,rows in sets.items():
    texts=[r['text'] for r in rows]
    order=sorted(range(len(texts)),key=lambda i:len(texts[i]))
    H6=[None]*len(texts); H4=[None]*len(texts)
    with torch.no_grad():
        for b in range(0,len(order),16):
            idx=order[b:b+16]
            t=tok([texts[i] for i in idx],padding=True,truncation=True,max_length=256,return_tensors='pt')
            o=enc(**t,output_hidden_states=True)
            for j,i in enumerate(idx):
                n=int(t['attention_mask'][j].sum())
                H6[i]=o.hidden_states[6][j,:n].numpy().astype(np.float16)
                H4[i]=o.hidden_states[4][j,:n].numpy().astype(np.float16)
            if b%1600==0: print(name,b,flush=True)
    lens=np.array([h.shape[0] for h in H6]); 
    out[name+'_len']=lens; out[name+'_h6']=np.concatenate(H6); out[name+'_h4']=np.concatenate(H4)
    out[name+'_ids']=np.array([r['id'] for r in rows])
np.savez(WORK+'/tok.npz',**out)
print('done')
