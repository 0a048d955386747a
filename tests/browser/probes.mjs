// Search as citizens type: each probe (tests/fixtures/probes/probes.json) — words run
// together or left out, 的/与 inserted, traditional characters, the digits of a road or
// line code, a synonym the site lists — must put its reply in the top 3 of a site with a
// thousand other replies. Also: the exact phrase outranks partial matches, a query of one
// common word is ranked (not the site in date order), the page says when it shows partial
// matches, and the page's tokeniser agrees with tokenize.rs on the shared cases.
//
//   node probes.mjs <output dir> <base path> <probes.json> <tokenize_cases.json>

import fs from "node:fs";
import path from "node:path";
import { serve, launch, Checks } from "./lib.mjs";

const [dir, basePath, probesFile, casesFile] = process.argv.slice(2);
const checks = new Checks("probes");
const probes = JSON.parse(fs.readFileSync(probesFile, "utf8"));
const cases = JSON.parse(fs.readFileSync(casesFile, "utf8"));
const { server, root } = await serve(path.resolve(dir), basePath);
const browser = await launch();
const page = await browser.context.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));

async function search(q) {
  await page.goto(root + "search/?q=" + encodeURIComponent(q));
  await page.waitForFunction((q) => {
    const l = document.getElementById("search-results");
    return l.getAttribute("data-query") === q && l.hasAttribute("data-ready");
  }, q, { timeout: 15000 });
  const hrefs = await page.$$eval("#search-results > li.reply-card > a", (as) => as.map((a) => a.getAttribute("href")));
  const partial = await page.$$eval("#search-results > li.reply-card", (lis) => lis.map((li) => li.hasAttribute("data-partial")));
  const status = await page.locator("#search-status").innerText();
  return { hrefs, partial, status };
}

let found = 0;
for (const p of probes) {
  const r = await search(p.q);
  const at = r.hrefs.findIndex((h) => h.endsWith(p.expect));
  if (at >= 0 && at < 3) found++;
  checks.ok(at >= 0 && at < 3, `${p.style}: "${p.q}" puts ${p.expect} in the top 3 (at ${at})`);
}
console.log(`probes found in the top 3: ${found} of ${probes.length}`);

// The exact phrase first: a reply holding "校外培训机构的监督管理" as written comes before the
// partial matches of the run-together query, and the page says which are partial.
let r = await search("校外培训机构的监督管理");
checks.ok(r.hrefs[0] && r.hrefs[0].endsWith("replies/probes/p11/"), `the exact phrase is first (${r.hrefs[0]})`);
r = await search("校外培训机构监管");
const firstPartial = r.partial.indexOf(true);
checks.ok(firstPartial < 0 || /部分查询词/.test(r.status), `partial matches are announced ("${r.status}")`);
checks.ok(firstPartial < 0 || (await page.locator(".partial-note").count()) === 1, "and marked in the list");

// One common word: ranked by relevance (title matches first), not the whole site by date.
r = await search("工作");
const titles = await page.$$eval("#search-results > li.reply-card > a", (as) => as.slice(0, 3).map((a) => a.textContent));
checks.ok(titles.length > 0 && titles.every((t) => t.includes("工作")), `a common word ranks title matches first (${titles.join(" | ")})`);

// 办理结果评价 as a filter: only the reply judged 满意.
await page.goto(root + "search/?sat=satisfied");
await page.waitForFunction(() => document.getElementById("search-results").hasAttribute("data-ready"), null, { timeout: 15000 });
const judged = await page.$$eval("#search-results > li.reply-card > a", (as) => as.map((a) => a.getAttribute("href")));
checks.ok(judged.length === 1 && judged[0].endsWith("replies/probes/p01/"), `the 评价 filter lists the reply judged 满意 (${judged.join(" ")})`);
checks.ok(await page.locator("#f-sat").isVisible(), "the 评价 filter is offered when replies record it");

// The page's tokeniser is tokenize.rs's.
await page.goto(root + "search/");
for (const [text, want] of cases) {
  const got = await page.evaluate((t) => window.dafuTokens(t), text);
  checks.ok(JSON.stringify(got) === JSON.stringify(want), `tokens of "${text}": ${JSON.stringify(got)} (tokenize.rs: ${JSON.stringify(want)})`);
}

checks.ok(errors.length === 0, `no script errors (${errors.join("; ")})`);
await browser.close();
server.close();
process.exit(checks.finish() ? 0 : 1);
