// Opens a diff's diff.html in headless Chromium and uses it as a reader would: no
// console errors, no network, a heatmap cell for every change in diff.csv, and a click
// on a lost theme shows the strongest passage before, as diff.csv gives it.
//
// Usage: node diff.test.mjs DIFF_DIR   (scripts/browser-test.sh makes the diff)
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { check, finish, launch, watchedPage } from "./harness.mjs";

const dir = resolve(process.argv[2] ?? "");
const diff = JSON.parse(readFileSync(join(dir, "diff.json"), "utf8"));
const changes = diff.cells.filter((c) => c.change === "gained" || c.change === "lost");
check(changes.length > 0, `diff.json holds ${changes.length} gains and losses`);

const browser = await launch(chromium);
try {
  const { page, errors, requests } = await watchedPage(browser);
  await page.goto(pathToFileURL(join(dir, "diff.html")).href);
  await page.waitForSelector("td.cell");

  // Each kind's view marks exactly diff.json's gains and losses.
  const kinds = [...new Set(diff.cells.map((c) => c.kind))];
  let marked = 0;
  for (const kind of kinds) {
    await page.click(`.views button[data-view="${kind}"]`);
    const shown = await page.$$eval("td.cell.gained, td.cell.lost", (tds) =>
      tds.map((td) => `${td.dataset.ics}|${td.dataset.label}|${td.classList.contains("gained") ? "gained" : "lost"}`));
    const expected = changes.filter((c) => c.kind === kind).map((c) => `${c.ics}|${c.label}|${c.change}`);
    check(JSON.stringify([...shown].sort()) === JSON.stringify([...expected].sort()),
      `${kind}: the heatmap marks the ${expected.length} gain(s) and loss(es) of diff.json`);
    marked += shown.length;
  }
  check(marked === changes.length, `${marked} changes marked across ${kinds.length} views`);

  // A lost theme clicks through to its strongest passage before; after, none.
  const lost = changes.find((c) => c.change === "lost" && c.before);
  check(Boolean(lost), "a lost theme has evidence from before");
  if (lost) {
    await page.click(`.views button[data-view="${lost.kind}"]`);
    await page.click(`td.cell[data-ics="${lost.ics}"][data-label="${lost.label}"] button`);
    await page.waitForSelector("#evidence .round");
    const panel = await page.$$eval("#evidence .round", (rs) => rs.map((r) => r.textContent));
    check(panel.length === 2 && panel[0].includes(lost.before.text) && panel[0].includes(lost.before.location),
      `${lost.ics} / ${lost.theme}: the panel shows the passage before, at ${lost.before.location}`);
    check(lost.after ? panel[1].includes(lost.after.text) : panel[1].includes("No passage"),
      "and what carries it after");
  }
  const gone = diff.documents.filter((d) => d.status !== "kept");
  const rows = await page.$$eval("tr[class^=doc-]", (trs) => trs.map((tr) => tr.className));
  check(gone.every((d) => rows.includes(`doc-${d.status}`)), `the documents table lists ${gone.length} new, gone or replaced`);
  check(errors.length === 0, `no console errors${errors.length ? ": " + errors[0] : ""}`);
  check(requests.length === 0, "no network requests");
} finally {
  await browser.close();
}
finish("diff browser checks");
