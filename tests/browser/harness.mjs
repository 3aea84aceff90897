// Shared by the browser tests: a run's CSV files read as a spreadsheet would, checks,
// and a headless Chromium that reaches nothing off the machine.
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

// Checks: each prints ok or FAIL; `finish` exits 1 when any failed.
const failures = [];
export function check(ok, message) {
  if (!ok) failures.push(message);
  console.log(`${ok ? "ok  " : "FAIL"} ${message}`);
}
export function finish(what) {
  if (failures.length) {
    console.error(`${failures.length} browser check(s) failed`);
    process.exit(1);
  }
  console.log(`${what} passed`);
}

// Headless Chromium with nothing that would reach the network.
export function launch(chromium) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

// A page that records console errors, page errors and any request off the machine.
export async function watchedPage(browser, options = { viewport: { width: 1400, height: 1000 } }) {
  const page = await browser.newPage(options);
  const errors = [];
  const requests = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => {
    if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url());
  });
  return { page, errors, requests };
}
