import os
ROOT=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
WORK=os.environ.get('PLANTHEMES_EXP','/tmp/planthemes-exp/attention'); os.makedirs(WORK,exist_ok=True)
import numpy as np, json, sys
Z=np.load(WORK+'/tok.npz')
task=sys.argv[1]; runs=sys.argv[2:]
def load(f): return {json.loads(l)['id']:json.loads(l) for l in open(f)}
rows={**load(ROOT+'/corpus/labelled/test.jsonl'),**load(WORK+'/real_cf.jsonl')}
LABELS=['wider_determinants','behaviours','access','anchor_roles'] if task=='themes' else ['aim','action','resource','target']
field='labels' if task=='themes' else 'commitment'
for name in ['test','real']:
    ids=list(Z[name+'_ids']); Y=np.array([[l in (rows[i].get(field) or []) for l in LABELS] for i in ids])
    P=np.mean([np.load(f'{WORK}/P_{task}_{r}_{name}.npy')[:,:4] for r in runs],0); T=np.mean([np.load(f'{WORK}/T_{task}_{r}.npy')[:4] for r in runs],0)
    p=P>=T; tp=(p&Y).sum(0); fp=(p&~Y).sum(0); fn=(~p&Y).sum(0); f=2*tp/(2*tp+fp+fn)
    print(name, runs, 'core %.3f'%f.mean(), np.round(f,3))
