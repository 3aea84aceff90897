// Opens a run's report.html in headless Chromium and uses it as a reader would:
// no console errors, no network, one heatmap cell per ICS × label, and a click on a
// cell shows its evidence passages with page numbers, matching coverage.csv and
// passages.jsonl.
//
// Usage: node report.test.mjs RUN_DIR   (scripts/browser-test.sh makes the run)
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const dir = resolve(process.argv[2] ?? "");
const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
  console.log(`${ok ? "ok  " : "FAIL"} ${message}`);
};

// The run's own data, read the way a spreadsheet would.
function csv(name) {
  const [head, ...rows] = readFileSync(join(dir, name), "utf8").trim().split("\n").map(parseLine);
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}
function parseLine(line) {
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
const record = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
const coverage = csv("coverage.csv");
const passages = new Map(
  readFileSync(join(dir, "passages.jsonl"), "utf8").trim().split("\n").map((l) => {
    const p = JSON.parse(l);
    return [p.id, p];
  }),
);
const systems = [...new Set(coverage.map((r) => r.ics))];
const labels = record.labels.map((l) => l.id);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  const requests = [];
  page.on("request", (r) => {
    if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url());
  });
  await page.goto(pathToFileURL(join(dir, "report.html")).href);
  await page.waitForSelector("td.cell");

  // One cell per ICS × label, each pair once.
  const cells = await page.$$eval("td.cell", (tds) => tds.map((td) => [td.dataset.ics, td.dataset.label]));
  check(cells.length === systems.length * labels.length,
    `${cells.length} heatmap cells for ${systems.length} ICSs × ${labels.length} labels`);
  const pairs = new Set(cells.map(([i, l]) => `${i}|${l}`));
  check(pairs.size === cells.length && systems.every((s) => labels.every((l) => pairs.has(`${s}|${l}`))),
    "every ICS × label pair has exactly one cell");

  // Switch to the strategies view and click a cell with evidence.
  await page.click('.views button[data-view="strategy"]');
  const target = coverage
    .filter((r) => r.kind === "strategy" && Number(r.passages) > 1)
    .sort((a, b) => Number(b.passages) - Number(a.passages))[0];
  check(Boolean(target), "coverage.csv has a strategy cell with passages");
  const selector = `td.cell[data-ics="${target.ics}"][data-label="${target.label}"]`;
  check(await page.$eval(selector, (td) => td.textContent) === target.passages,
    `the ${target.ics} / ${target.label} cell shows ${target.passages} passage(s)`);
  await page.click(selector);
  await page.waitForSelector("#evidence li.evidence");
  const shown = await page.$$eval("#evidence li.evidence", (lis) =>
    lis.map((li) => ({ id: li.dataset.passage, page: li.querySelector(".page").textContent,
      text: li.querySelector(".passage").textContent })));
  const expected = target.evidence.split(";");
  check(JSON.stringify(shown.map((s) => s.id)) === JSON.stringify(expected),
    `the evidence panel lists ${expected.length} passage(s), strongest first, as coverage.csv does`);
  for (const s of shown) {
    const p = passages.get(s.id);
    const pages = p.page_first === p.page_last ? `p. ${p.page_first}` : `pp. ${p.page_first}–${p.page_last}`;
    check(s.page === pages && s.text === p.text, `${s.id}: ${s.page}, text as in passages.jsonl`);
  }
  const heading = await page.$eval("#evidence h3", (h) => h.textContent);
  check(heading.includes(target.ics), `the panel names the ICS (${heading})`);

  // The JFP view still has a cell for every pair; systems without a JFP are marked.
  await page.click('.views button[data-view="jfp"]');
  const jfpCells = await page.$$eval("td.cell", (tds) => tds.length);
  check(jfpCells === systems.length * labels.length, "the JFP view keeps one cell per pair");

  // The failed files and the national table are there.
  check((await page.$$("#national tbody tr")).length === labels.length, "the national table has a row per label");
  const errorsShown = await page.$eval("#errors", (e) => e.textContent);
  check(record.errors.every((e) => errorsShown.includes(e.file)), "every failed file is listed");

  check(errors.length === 0, `no console errors${errors.length ? ": " + errors.join(" | ") : ""}`);
  check(requests.length === 0, `no network requests${requests.length ? ": " + requests.join(" ") : ""}`);
  await page.screenshot({ path: join(dir, "report-screenshot.png"), fullPage: false });
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(`${failures.length} browser check(s) failed`);
  process.exit(1);
}
console.log("browser checks passed");
