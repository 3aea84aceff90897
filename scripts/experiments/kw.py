import os
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.makedirs('/tmp/planthemes-exp', exist_ok=True)
import re, tomllib, json, numpy as np
tax = tomllib.load(open(ROOT + '/corpus/taxonomy.toml','rb'))
LABELS=[l['id'] for l in tax['label']]
def comp(k):
    k=k.strip(); wild=k.endswith('*'); stem=k[:-1] if wild else k
    body=r'\s+'.join(re.escape(w) for w in stem.split())
    lead=r'\b' if stem[0].isalnum() else ''
    trail=r'\b' if (wild or stem[-1].isalnum()) else ''
    return re.compile(lead+body+(r'\w*' if wild else '')+trail, re.I)
LEX=[[comp(k) for k in l.get('keywords',[])] for l in tax['label']]
ALLKW=[(li,r) for li,lex in enumerate(LEX) for r in lex]
def kwfeat(t):
    return np.array([np.log1p(sum(1 for r in lex if r.search(t))) for lex in LEX])
def perkw(t):
    return np.array([1.0 if r.search(t) else 0.0 for _,r in ALLKW])
def load(s):
    rows=[json.loads(l) for l in open(ROOT + f'/corpus/labelled/{s}.jsonl')]
    Y=np.array([[1 if L in r['labels'] else 0 for L in LABELS] for r in rows])
    return rows,Y
