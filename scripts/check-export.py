"""Opens a run's hand-off files as an analyst's tools would, and reports what it found
as JSON (read by tests/integration/export.rs):

- evidence.csv with pandas, evidence.xlsx with openpyxl: columns, rows, sheets, and
  whether the header row is frozen;
- the .qdpx project with lxml: valid against the REFI-QDA Project.xsd (when given),
  its TextSources and coded selections, and whether each selection's characters in
  its source text are exactly its passage's text.

Usage: check-export.py RUN_DIR QDPX [PROJECT_XSD]
"""
import json
import sys
import zipfile

import openpyxl
import pandas as pd
from lxml import etree

run, qdpx = sys.argv[1], sys.argv[2]
xsd = sys.argv[3] if len(sys.argv) > 3 else None
out = {}

passages = {}
with open(f"{run}/passages.jsonl", encoding="utf-8") as f:
    for line in f:
        p = json.loads(line)
        passages[p["id"]] = p

csv = pd.read_csv(f"{run}/evidence.csv", dtype=str, keep_default_na=False)
out["csv_columns"] = list(csv.columns)
out["csv_rows"] = len(csv)
out["csv_texts_match"] = bool(all(passages[r["passage"]]["text"] == r["text"] for _, r in csv.iterrows()))
out["csv_locations"] = sorted(set(zip(csv["passage"], csv["location"])))

book = openpyxl.load_workbook(f"{run}/evidence.xlsx", read_only=False)
out["xlsx_sheets"] = book.sheetnames
sheet = book["Evidence"]
out["xlsx_columns"] = [c.value for c in sheet[1]]
out["xlsx_rows"] = sheet.max_row - 1
out["xlsx_frozen"] = {name: book[name].freeze_panes for name in book.sheetnames}

z = zipfile.ZipFile(qdpx)
project = etree.fromstring(z.read("project.qde"))
if xsd:
    schema = etree.XMLSchema(etree.parse(xsd))
    out["valid"] = schema.validate(project)
    out["schema_errors"] = [str(e) for e in schema.error_log][:5]
ns = {"q": "urn:QDA-XML:project:1.0"}
out["sources"] = len(project.findall(".//q:TextSource", ns))
selections, mismatched, coded = 0, [], set()
codes = {c.get("guid"): c.get("name") for c in project.iterfind(".//q:Code", ns)}
for source in project.iterfind(".//q:TextSource", ns):
    path = source.get("plainTextPath").split("internal://", 1)[1]
    text = z.read(f"sources/{path}").decode("utf-8")
    for sel in source.iterfind("q:PlainTextSelection", ns):
        selections += 1
        pid = sel.get("name").split(" · ")[0]
        span = text[int(sel.get("startPosition")):int(sel.get("endPosition"))]
        if span != passages[pid]["text"]:
            mismatched.append(pid)
        for ref in sel.iterfind("q:Coding/q:CodeRef", ns):
            coded.add((pid, codes[ref.get("targetGUID")]))
out["selections"] = selections
out["mismatched"] = mismatched[:5]
out["coded_pairs"] = len(coded)
out["descriptions"] = [
    [sel.get("name").split(" · ")[0], sel.findtext("q:Description", "", ns)]
    for sel in project.iterfind(".//q:PlainTextSelection", ns)
]
print(json.dumps(out))
