#!/usr/bin/env python3
"""Classify the errors in a score.py output (real-dev-gold.json) by category."""
import ast, json, re, sys, unicodedata
sys.path.insert(0, '/work/shared/eval')
from score import canon, same
gold = json.load(open('/work/shared/eval/real-dev-gold.json'))
known = gold['initiatives'] + gold.get('initiatives_may', []) + [n for c in gold['connect'] for n in c['must'] + c.get('may', [])]
out = open(sys.argv[1]).read()
m = re.search(r"initiative names not in the gold \(\d+ of \d+\): (\[.*\])", out)
wrong = ast.literal_eval(m.group(1)) if m else []
m = re.search(r"^initiatives: \d+/\d+(?:; missing (\[.*\]))?", out, re.M)
missing = ast.literal_eval(m.group(1)) if m and m.group(1) else []
noise_re = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùü]+\)|[〕『』ꎻꎬꎮ]|^\W")
cats = {"missed": 0, "wrong boundary": 0, "not an initiative": 0, "noise": 0, "abbreviation / place tie": 0, "stage": 0}
for w in wrong:
    cw = canon(w)
    if noise_re.search(w):
        cats["noise"] += 1
    elif any(len(canon(k)) >= 3 and (canon(k) in cw or cw in canon(k)) for k in known):
        cats["wrong boundary"] += 1
    else:
        cats["not an initiative"] += 1
for n in missing:
    cats["missed"] += 1
for line in out.splitlines():
    if line.startswith("connect ") and "found" in line:
        mm = re.search(r"missing (\[[^\]]*\])", line)
        ne = re.search(r"not expected (\[[^\]]*\])", line)
        miss = ast.literal_eval(mm.group(1)) if mm else []
        cats["abbreviation / place tie"] += len([x for x in miss if x not in missing]) + (len(ast.literal_eval(ne.group(1))) if ne else 0)
    m2 = re.match(r"stage (.*): (\S+) \(want (\S+)\)", line)
    if m2 and m2.group(2) != m2.group(3):
        cats["stage"] += 1
print(json.dumps(cats, ensure_ascii=False))
