import os as _os
ROOT_DIR=_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))))
HERE=_os.path.dirname(_os.path.abspath(__file__))
import sys; sys.path.insert(0,HERE)
from exp import *
ap=argparse.ArgumentParser(); ap.add_argument('--extra',nargs='*',default=[]); ap.add_argument('--variants',default='shipped')
ap.add_argument('--folds',type=int,default=5); ap.add_argument('--sent',action='store_true'); ap.add_argument('--drop',default='')
a=ap.parse_args()
NEW=set('wb fw pl mn pe na jd cx dw ac mp an ot rv'.split())
pool=rows_of(R+'train.jsonl')+rows_of(R+'dev.jsonl')
drop=set(a.drop.split(',')) if a.drop else set()
pool=[r for r in pool if r['id'].split('-')[0] not in drop]
for f in a.extra: pool+=rows_of(f)
test=rows_of(R+'test.jsonl'); real=rows_of(ROOT_DIR+'/../shared/data/real_plans_dev.jsonl')
Yp,Yt,Yr=Y(pool),Y(test),Y(real)
V={
 'shipped': dict(layers=(6,5,4,3),kw=True,head='mlp'),
 'l6kw_mlp': dict(layers=(6,),kw=True,head='mlp'),
 'l6_mlp': dict(layers=(6,),kw=False,head='mlp'),
 'l6kw_lin': dict(layers=(6,),kw=True,head='lin'),
 'l6kw_lr1': dict(layers=(6,),kw=True,head='lr',C=1.0),
 'l6kw_lr01': dict(layers=(6,),kw=True,head='lr',C=0.1),
 'l6_lr1': dict(layers=(6,),kw=False,head='lr',C=1.0),
 'all_lin': dict(layers=(6,5,4,3),kw=True,head='lin'),
 'shipped_wd': dict(layers=(6,5,4,3),kw=True,head='mlp',wd=0.1,drop=0.5),
}
for vn in a.variants.split(','):
    v=V[vn]; fx=lambda t: feat(t,v['layers'],v['kw'])
    Xp,Xt,Xr=fx([r['text'] for r in pool]),fx([r['text'] for r in test]),fx([r['text'] for r in real])
    rng=np.random.default_rng(11); fold=rng.permutation(len(pool))%a.folds
    OOF=np.zeros_like(Yp); models=[]
    def fit(X,Yy,Xs,k):
        if v['head']=='mlp': return mlp(X,Yy,Xs,seed=17+k,wd=v.get('wd',1e-2),drop=v.get('drop',0.3))
        if v['head']=='lin': return mlp(X,Yy,Xs,seed=17+k,hidden=0)
        return lr(X,Yy,Xs,C=v['C'])
    Pt=np.zeros_like(Yt); Pr=np.zeros_like(Yr); sent_feats=None
    if a.sent:
        Sr=[sentences(r['text']) for r in real]; flat=[s for ss in Sr for s in ss]; Xs=fx(flat); Ps=np.zeros((len(flat),16),np.float32)
        St=[sentences(r['text']) for r in test]; flatt=[s for ss in St for s in ss]; Xst=fx(flatt); Pst=np.zeros((len(flatt),16),np.float32)
    for k in range(a.folds):
        tr=fold!=k; te=fold==k
        outs=fit(Xp[tr],Yp[tr],[Xp[te],Xt,Xr]+([Xs,Xst] if a.sent else []),k)
        OOF[te]=outs[0]; Pt+=outs[1]/a.folds; Pr+=outs[2]/a.folds
        if a.sent: Ps+=outs[3]/a.folds; Pst+=outs[4]/a.folds
    T=thresholds(Yp,OOF)
    def show(tag,Pr_,Pt_,T_):
        fr=report('r',Yr,Pr_,T_); ft=report('t',Yt,Pt_,T_)
        print(f"{vn:12s} {tag:10s} real core {np.mean(fr[:4]):.3f} [{' '.join(f'{x:.2f}' for x in fr[:4])}] macro {np.nanmean(fr):.3f} | test core {np.mean(ft[:4]):.3f} macro {np.nanmean(ft):.3f}",flush=True)
    show('oofT',Pr,Pt,T)
    Treal=thresholds(Yr,Pr); show('realT*',Pr,Pt,Treal)
    newm=np.array([r['id'].split('-')[0] in NEW for r in pool])
    if newm.any():
        Tn=thresholds(Yp[newm],OOF[newm]); show('newT',Pr,Pt,Tn)
    if a.sent:
        def mx(S,Pss,Pp):
            out=np.zeros_like(Pp); i=0
            for j,ss in enumerate(S): out[j]=Pss[i:i+len(ss)].max(0); i+=len(ss)
            return out
        Mr,Mt=mx(Sr,Ps,Pr),mx(St,Pst,Pt)
        for w in (0.5,0.7):
            show(f'mix{w}',w*Pr+(1-w)*Mr,w*Pt+(1-w)*Mt,T)
        show('max',np.maximum(Pr,Mr),np.maximum(Pt,Mt),T)
    np.savez(f'/tmp/planthemes-exp/pred_{vn}.npz',Pr=Pr,Pt=Pt,OOF=OOF,T=T)
