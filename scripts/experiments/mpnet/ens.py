import os as _os
ROOT=_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))))
import sys, numpy as np
sys.path.insert(0,ROOT+'/scripts/experiments'); sys.path.insert(0,ROOT+'/scripts/experiments/real_dev')
from exp import thresholds, report, Y, rows_of
R=ROOT+'/corpus/labelled/'
pool=rows_of(R+'train.jsonl')+rows_of(R+'dev.jsonl'); test=rows_of(R+'test.jsonl'); real=rows_of(ROOT+'/../shared/data/real_plans_dev.jsonl')
Yp,Yt,Yr=Y(pool),Y(test),Y(real)
A=np.load(sys.argv[1]); B=np.load(sys.argv[2])
for w in (0,0.3,0.5,0.7,1):
    P={k:w*A[k]+(1-w)*B[k] for k in ('Pr','Pt','OOF')}
    T=thresholds(Yp,P['OOF']); fr=report('',Yr,P['Pr'],T); ft=report('',Yt,P['Pt'],T)
    print(f"w={w}: real core {np.mean(fr[:4]):.3f} [{' '.join(f'{x:.2f}' for x in fr[:4])}] macro16 {np.nanmean(fr):.3f} | test core {np.mean(ft[:4]):.3f} macro {np.nanmean(ft):.3f}")
