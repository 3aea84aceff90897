import os
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.makedirs('/tmp/planthemes-exp', exist_ok=True)
import json, numpy as np, torch
from transformers import AutoModel, AutoTokenizer
torch.set_num_threads(2)
P=ROOT + '/models/all-MiniLM-L6-v2'
tok=AutoTokenizer.from_pretrained(P); enc=AutoModel.from_pretrained(P).eval()
for s in ['train','dev','test']:
    rows=[json.loads(l) for l in open(ROOT + f'/corpus/labelled/{s}.jsonl')]
    texts=[r['text'] for r in rows]; order=np.argsort([len(t) for t in texts])
    out={k:[None]*len(texts) for k in ['L2','L3','L4','L5','L6','max6','cls']}
    with torch.no_grad():
        for i in range(0,len(texts),32):
            idx=order[i:i+32]
            b=tok([texts[j] for j in idx],padding=True,truncation=True,max_length=256,return_tensors='pt')
            hs=enc(**b,output_hidden_states=True).hidden_states
            m=b['attention_mask'].unsqueeze(-1).float()
            for L in [2,3,4,5,6]:
                e=((hs[L]*m).sum(1)/m.sum(1)).numpy()
                for k,j in enumerate(idx): out[f'L{L}'][j]=e[k]
            mx=(hs[6]-1e4*(1-m)).max(1).values.numpy()
            for k,j in enumerate(idx): out['max6'][j]=mx[k]; out['cls'][j]=hs[6][k,0].numpy()
    np.savez(f'/tmp/planthemes-exp/layers_{s}.npz',**{k:np.stack(v) for k,v in out.items()})
    print(s,flush=True)
