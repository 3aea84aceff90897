// Opens report.html of a run with commitment flags (the default classifier) and
// switches the heatmap to commitment strength: every cell of a kind's view takes the
// colour of its strongest commitment in coverage.csv, and the legend says so.
//
// Usage: node commitment.test.mjs RUN_DIR   (scripts/browser-test.sh makes the run)
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { check, csv, finish, launch, watchedPage } from "./harness.mjs";

const dir = resolve(process.argv[2] ?? "");
const coverage = csv(dir, "coverage.csv");
const RGB = { none: "rgb(255, 255, 255)", aim: "rgb(253, 235, 211)", action: "rgb(253, 196, 143)",
  resource: "rgb(242, 135, 74)", target: "rgb(166, 54, 3)" };

const browser = await launch(chromium);
try {
  const { page, errors } = await watchedPage(browser);
  await page.goto(pathToFileURL(join(dir, "report.html")).href);
  await page.waitForSelector("td.cell");
  check(await page.isVisible('.colour button[data-colour="commitment"]'), "the run has commitment flags: the switch is shown");
  await page.click('.views button[data-view="strategy"]');
  await page.click('.colour button[data-colour="commitment"]');
  check(await page.isVisible("#legend-commitment") && !(await page.isVisible("#legend-share")),
    "the legend explains the commitment colours");
  const cells = await page.$$eval("td.cell:not(.none)", (tds) => tds.map((td) => ({
    ics: td.dataset.ics, label: td.dataset.label, strength: td.dataset.strength, bg: td.style.background })));
  const wrong = cells.filter((c) => {
    const row = coverage.find((r) => r.kind === "strategy" && r.label === c.label && r.ics === c.ics);
    return !row || row.strongest !== c.strength || RGB[row.strongest] !== c.bg;
  });
  check(cells.length > 0 && wrong.length === 0,
    `every strategy cell is coloured by its strongest commitment in coverage.csv (${wrong.length} of ${cells.length} differ${wrong.length ? ": " + JSON.stringify(wrong[0]) : ""})`);
  const strengths = new Set(cells.map((c) => c.strength));
  check(strengths.has("target") && strengths.size >= 3, `cells span several strengths (${[...strengths].join(", ")})`);
    await page.click('.colour button[data-colour="share"]');
  check(await page.isVisible("#legend-share"), "and back to share");

  // An absent cell says how likely it is that the theme was missed, and its near
  // misses are one click away: the passages coverage.csv names, in its order.
  const absent = coverage.find((r) => r.kind === "strategy" && r.present === "false" && r.p_missed !== "" && r.near_miss !== "" && !r.parent);
  check(absent !== undefined, "coverage.csv has an absent strategy cell with p_missed and near misses");
  await page.click(`td.cell[data-ics="${absent.ics}"][data-label="${absent.label}"] button`);
  const meta = await page.textContent("#evidence");
  const pct = (100 * Number(absent.p_missed)).toFixed(Number(absent.p_missed) < 0.1 && Number(absent.p_missed) > 0 ? 1 : 0) + "%";
  check(meta.includes(`absent (p_missed ${pct})`), `the panel says "absent (p_missed ${pct})"`);
  check(meta.includes("95% interval"), "and gives the adjusted share with its interval");
  await page.click("#evidence button.near-misses");
  const near = await page.$$eval("#evidence li.near-miss", (lis) => lis.map((li) => li.dataset.passage));
  check(JSON.stringify(near) === JSON.stringify(absent.near_miss.split(";")),
    `the near misses are coverage.csv's (${near.join(", ")})`);
  check(await page.isVisible("#honest-note"), "the method note explains the adjusted share and p_missed");
  check(await page.isVisible("#targets"), "the report has its targets table");
  check(errors.length === 0, `no page errors${errors.length ? ": " + errors[0] : ""}`);
} finally {
  await browser.close();
}
finish("commitment browser checks");
