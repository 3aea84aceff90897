import os as _os
ROOT_DIR=_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))))
HERE=_os.path.dirname(_os.path.abspath(__file__))
import sys; sys.path.insert(0,ROOT_DIR+'/scripts/experiments')
import kw, numpy as np
EXTRA={
 'wider_determinants':['wider factors','building blocks','social, economic and environmental','economic and social','health equity','inclusive econom*','inclusive growth','economic growth','economy','skills','jobs','employment','education','best start in life','first 1000 days','first 1,000 days','first 1001 days','first 1,001 days','early years','life chances','climate','homes','loneliness','social isolation','isolation','social connection','community safety','domestic abuse','environment','cost-of-living','not in education, employment or training','neet*','marmot place*','health in all policies'],
 'access':['joined up','joined-up','seamless','neighbourhood team*','neighbourhood health','community-based','primary care','urgent care','same-day','same day','out of hospital','tell their story','tell your story','navigate','proactive care','personalised care','community services','mental health services','waiting time*','emergency care','hospital care','get the care','get help','services closer','care closer'],
 'anchor_roles':['anchor*','local economy','local jobs','local employment','greener','sustainability','climate change','environmental impact','local businesses','buying power','spending power'],
}
LEX2=[]
for i,lab in enumerate(kw.LABELS):
    LEX2.append(list(kw.LEX[i])+[kw.comp(k) for k in EXTRA.get(lab,[])])
def kwfeat2(t): return np.array([np.log1p(sum(1 for r in lex if r.search(t))) for lex in LEX2])
