// Lighthouse (mobile emulation, Debian's Chromium) on the home, a reply, a list, the search
// page with a query and the statistics page: at least 95 in performance, accessibility, best
// practices and SEO on each.
//
//   node lighthouse.mjs <output dir> <base path> <page path>...

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import { serve, CHROMIUM, Checks } from "./lib.mjs";

const [dir, basePath, ...pages] = process.argv.slice(2);
const checks = new Checks("lighthouse");
const { server, root } = await serve(path.resolve(dir), basePath);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "dafu-lighthouse-"));
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM,
  userDataDir: profile,
  chromeFlags: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
try {
  for (const p of pages) {
    const result = await lighthouse(root + p, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: CATEGORIES });
    const lhr = result.lhr;
    const scores = CATEGORIES.map((c) => [c, Math.round((lhr.categories[c].score || 0) * 100)]);
    console.log(`${p}: ${scores.map(([c, s]) => `${c} ${s}`).join(", ")}`);
    for (const [c, s] of scores) {
      const failing = Object.values(lhr.audits)
        .filter((a) => a.score !== null && a.score < 1 && lhr.categories[c].auditRefs.some((r) => r.id === a.id && r.weight > 0))
        .map((a) => a.id).slice(0, 6).join(", ");
      checks.ok(s >= 95, `${p}: ${c} ${s} (at least 95)${s < 95 ? "; audits below full marks: " + failing : ""}`);
    }
  }
} finally {
  await chrome.kill();
  fs.rmSync(profile, { recursive: true, force: true });
  server.close();
}
process.exit(checks.finish() ? 0 : 1);
