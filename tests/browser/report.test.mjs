// Opens a run's report.html in headless Chromium and uses it as a reader would:
// no console errors, no network, one heatmap cell per ICS × label, and a click on a
// cell shows its evidence passages with page numbers, matching coverage.csv and
// passages.jsonl.
//
// Usage: node report.test.mjs RUN_DIR   (scripts/browser-test.sh makes the run)
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { chromium } from "playwright-core";
import { check, csv as readCsv, finish, launch, watchedPage } from "./harness.mjs";

const require = createRequire(import.meta.url);

const dir = resolve(process.argv[2] ?? "");

// The run's own data, read the way a spreadsheet would.
const csv = (name) => readCsv(dir, name);
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

const browser = await launch(chromium);
try {
  const { page, errors, requests } = await watchedPage(browser);
  await page.goto(pathToFileURL(join(dir, "report.html")).href);
  await page.waitForSelector("td.cell");

  // One cell per ICS × label, each pair once.
  const cells = await page.$$eval("td.cell", (tds) => tds.map((td) => [td.dataset.ics, td.dataset.label]));
  check(cells.length === systems.length * labels.length,
    `${cells.length} heatmap cells for ${systems.length} ICSs × ${labels.length} labels`);
  const pairs = new Set(cells.map(([i, l]) => `${i}|${l}`));
  check(pairs.size === cells.length && systems.every((s) => labels.every((l) => pairs.has(`${s}|${l}`))),
    "every ICS × label pair has exactly one cell");

  // The All documents view follows its stated rule, derived from coverage.csv: a cell
  // adds up the system's kinds, and is present when that sum reaches the threshold.
  const legend = await page.$eval("#legend", (e) => e.textContent);
  const method = await page.$eval(".method", (e) => e.textContent);
  check(legend.includes("All documents adds up every kind") && method.includes("All documents view a cell adds up"),
    "the All documents rule is stated in the legend and the method note");
  const allCells = await page.$$eval("td.cell", (tds) => tds.map((td) => ({
    ics: td.dataset.ics, label: td.dataset.label, text: td.textContent, present: td.classList.contains("present") })));
  const min = record.presence.min_passages;
  const wrong = allCells.filter((c) => {
    const rows = coverage.filter((r) => r.ics === c.ics && r.label === c.label);
    const n = rows.reduce((a, r) => a + Number(r.passages), 0);
    return c.text !== (n ? String(n) : "–") || c.present !== (n >= min);
  });
  check(wrong.length === 0, `every All documents cell matches coverage.csv summed over kinds (${wrong.length} differ${wrong.length ? ": " + JSON.stringify(wrong[0]) : ""})`);

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
    // Only a PDF has pages; anything else is cited by its paragraph in its section.
    const pages = p.page_first === null ? `para. ${p.paragraph}`
      : p.page_first === p.page_last ? `p. ${p.page_first}` : `pp. ${p.page_first}–${p.page_last}`;
    check(s.page === pages && s.text === p.text, `${s.id}: ${s.page}, text as in passages.jsonl`);
    if (p.page_first === null) check(!/\bp\. ?\d/.test(s.page), `${s.id}: no page number for a document without pages`);
  }
  const heading = await page.$eval("#evidence h3", (h) => h.textContent);
  check(heading.includes(target.ics), `the panel names the ICS (${heading})`);

  // A cell whose evidence comes from a document without pages (DOCX, HTML, Markdown)
  // cites its section and paragraph, never a page.
  const unpaged = coverage.find((r) => r.kind === target.kind && r.evidence &&
    r.evidence.split(";").some((id) => passages.get(id) && passages.get(id).page_first === null));
  check(Boolean(unpaged), "some cell's evidence comes from a document without pages");
  if (unpaged) {
    await page.click(`td.cell[data-ics="${unpaged.ics}"][data-label="${unpaged.label}"]`);
    await page.waitForSelector("#evidence li.evidence");
    const cited = await page.$$eval("#evidence li.evidence", (lis) =>
      lis.map((li) => ({ id: li.dataset.passage, page: li.querySelector(".page").textContent })));
    const without = cited.filter((c) => passages.get(c.id).page_first === null);
    check(without.length > 0 && without.every((c) => /^para\. \d+$/.test(c.page)),
      `passages without pages are cited by paragraph (${without.map((c) => c.page).join(", ")})`);
  }

  // The JFP view still has a cell for every pair; systems without a JFP are marked.
  await page.click('.views button[data-view="jfp"]');
  const jfpCells = await page.$$eval("td.cell", (tds) => tds.length);
  check(jfpCells === systems.length * labels.length, "the JFP view keeps one cell per pair");

  // The failed files and the national table are there.
    check((await page.$$("#national tbody tr:not(.facet)")).length === labels.length, "the national table has a row per label");
  check((await page.$$("#national tbody tr.facet")).length > 0, "and rows for the facets below them");
  const errorsShown = await page.$eval("#errors", (e) => e.textContent);
  check(record.errors.every((e) => errorsShown.includes(e.file)), "every failed file is listed");

  check(errors.length === 0, `no console errors${errors.length ? ": " + errors.join(" | ") : ""}`);
  check(requests.length === 0, `no network requests${requests.length ? ": " + requests.join(" ") : ""}`);
  // "Showing 5 of N · show all" on the cell clicked above, and links to the sources.
  await page.click('.views button[data-view="strategy"]');
  await page.click(selector);
  const showing = await page.$eval("#evidence .showing", (p) => p.textContent);
  check(showing.startsWith(`Showing ${expected.length} of ${target.passages}`) && showing.includes("show all"),
    `the panel says what it shows (${showing})`);
  await page.click("#evidence button.show-all");
  const all = await page.$$eval("#evidence li.evidence", (lis) => lis.length);
  check(all === Math.min(Number(target.passages), 200), `show all lists ${all} of ${target.passages}`);
  const links = await page.$$eval("#evidence li.evidence a.doc", (as) => as.map((a) => a.href));
  check(links.length === all && links.every((h) => h.startsWith("file://") && (h.includes(".pdf#page=") || !h.includes(".pdf"))),
    `every evidence item links to its source file (${links[0]})`);

  // Accessibility: axe-core finds no serious or critical violation.
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const violations = await page.evaluate(async () =>
    (await window.axe.run(document, { resultTypes: ["violations"] })).violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes[0].target}`));
  check(violations.length === 0, `axe-core: no serious or critical violations${violations.length ? ": " + violations.join(" | ") : ""}`);

  // The keyboard: Tab reaches a heatmap cell, Enter opens its evidence, arrows move.
  await page.reload();
  await page.waitForSelector("td.cell");
  let onCell = false;
  for (let i = 0; i < 40 && !onCell; i++) {
    await page.keyboard.press("Tab");
    onCell = await page.evaluate(() => Boolean(document.activeElement?.closest("td.cell")));
  }
  check(onCell, "Tab reaches a heatmap cell");
  await page.keyboard.press("ArrowRight");
  const cellKey = await page.evaluate(() => {
    const td = document.activeElement.closest("td.cell");
    return [td.dataset.ics, td.dataset.label];
  });
  await page.keyboard.press("Enter");
  const opened = await page.$eval("#evidence h3", (h) => h.textContent);
  const cellName = record.labels.find((l) => l.id === cellKey[1]).name;
  check(opened === `${cellKey[0]} · ${cellName}`, `Enter opens the focused cell's evidence (${opened})`);

  // Search finds a passage by a phrase from it.
  const sample = [...passages.values()].find((p) => p.labels.length && p.text.split(" ").length > 12);
  const phrase = sample.text.split(/\s+/).slice(4, 8).join(" ");
  await page.fill("#search", phrase);
  await page.waitForFunction(() => document.querySelector("#evidence h3")?.textContent.startsWith("Search"));
  const found = await page.$$eval("#evidence li.evidence", (lis) => lis.map((li) => li.dataset.passage));
  check(found.includes(sample.id), `search for "${phrase}" finds ${sample.id}`);

  // The heatmap downloads as SVG with every theme name.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-svg")]);
  const svgText = readFileSync(await download.path(), "utf8");
  const esc = (t) => t.replace(/&/g, "&amp;");
  check(svgText.startsWith("<svg") && record.labels.every((l) => svgText.includes(esc(l.name))),
    `the heatmap downloads as SVG (${download.suggestedFilename()}) with all ${labels.length} theme names`);

  // At 1280 px: no horizontal overflow, every theme header in view.
  await page.setViewportSize({ width: 1280, height: 900 });
  const wide = await page.evaluate(() => {
    const heat = document.querySelector(".scroll.heat");
    const heads = [...document.querySelectorAll("th.label")].map((th) => th.getBoundingClientRect());
    const box = heat.getBoundingClientRect();
    return {
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      grid: heat.scrollWidth - heat.clientWidth,
      inView: heads.filter((r) => r.left >= box.left - 1 && r.right <= box.right + 1 && r.right <= window.innerWidth).length,
    };
  });
  check(wide.page <= 0 && wide.grid <= 0 && wide.inView === labels.length,
    `at 1280 px: no overflow (page ${wide.page}, grid ${wide.grid}) and ${wide.inView} of ${labels.length} theme headers in view`);

  // Printed: A4 landscape with every theme name on the page.
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize({ width: 1062, height: 750 });
  const printed = await page.evaluate(() =>
    [...document.querySelectorAll("th.label")].filter((th) => {
      const r = th.getBoundingClientRect();
      return r.width > 0 && r.right <= window.innerWidth;
    }).length);
  const pdf = join(dir, "report-print.pdf");
  await page.pdf({ path: pdf, format: "A4", landscape: true, printBackground: true });
  let pdfText = "";
  // pdftotext (poppler-utils) reads the first page back when it is installed; words
  // broken over a line in a header lose their hyphen, so compare without either.
  const squash = (t) => t.replace(/[-\s]/g, "");
  try { pdfText = squash(execFileSync("pdftotext", ["-l", "1", pdf, "-"], { encoding: "utf8" })); } catch { pdfText = ""; }
  const named = pdfText ? record.labels.filter((l) => pdfText.includes(squash(l.name))).length : printed;
  check(printed === labels.length && named === labels.length,
    `A4 landscape print: ${printed} of ${labels.length} theme headers on the page${pdfText ? `, ${named} found in the PDF's text` : ""}`);
  await page.emulateMedia({ media: "screen" });

  // At 400 px a cell can be tapped and its evidence read.
  const phone = await browser.newContext({ viewport: { width: 400, height: 800 }, hasTouch: true, isMobile: true });
  const small = await phone.newPage();
  await small.goto(pathToFileURL(join(dir, "report.html")).href);
  await small.waitForSelector("td.cell");
  const tapTarget = `td.cell[data-ics="${target.ics}"][data-label="${target.label}"] button`;
  await small.click('.views button[data-view="strategy"]');
  await small.locator(tapTarget).scrollIntoViewIfNeeded();
  const size = await small.$eval(tapTarget, (b) => { const r = b.getBoundingClientRect(); return [r.width, r.height]; });
  await small.tap(tapTarget);
  await small.waitForSelector("#evidence li.evidence");
  const readable = await small.evaluate(() => {
    const li = document.querySelector("#evidence li.evidence .passage").getBoundingClientRect();
    return li.top >= 0 && li.top < window.innerHeight && li.right <= window.innerWidth + 1 &&
      document.documentElement.scrollWidth <= document.documentElement.clientWidth;
  });
  check(size[0] >= 24 && size[1] >= 24 && readable,
    `at 400 px a ${size.map(Math.round).join("×")} px cell taps open and its evidence is in view`);
  await phone.close();

  await page.screenshot({ path: join(dir, "report-screenshot.png"), fullPage: false });
} finally {
  await browser.close();
}
finish("browser checks");
