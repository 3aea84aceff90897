// A run's CSV files read the way a spreadsheet would (quoted fields, doubled quotes).
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function parseLine(line) {
  const out = [];
  let cur = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { out.push(cur); cur = ""; }
    else cur += c;
  }
  out.push(cur);
  return out;
}

// Rows of DIR/NAME as objects keyed by the header (one record per line).
export function csv(dir, name) {
  const [head, ...rows] = readFileSync(join(dir, name), "utf8").trim().split("\n").map(parseLine);
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}
