// Recall as citizens type: each probe of tests/fixtures/probes/probes.json on dafu's search
// page and through Pagefind's JavaScript API, on the same replies. Used by
// bench/search_probes.py.
//
//   node bench/search_probes.mjs <dafu output> <pagefind site> <probes.json>

import fs from "node:fs";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const lib = await import(path.join(here, "..", "tests", "browser", "lib.mjs"));
const [dafuOut, pfSite, probesFile] = process.argv.slice(2);
const probes = JSON.parse(fs.readFileSync(probesFile, "utf8"));

async function run(dir, rank) {
  const { server, root } = await lib.serve(path.resolve(dir), "/jyta/");
  const b = await lib.launch();
  const page = await b.context.newPage();
  const rows = [];
  for (const p of probes) rows.push({ q: p.q, style: p.style, at: await rank(page, root, p) });
  await b.close();
  server.close();
  return rows;
}

const dafu = await run(dafuOut, async (page, root, p) => {
  await page.goto(root + "search/?q=" + encodeURIComponent(p.q));
  await page.waitForFunction((q) => {
    const l = document.getElementById("search-results");
    return l.getAttribute("data-query") === q && l.hasAttribute("data-ready");
  }, p.q, { timeout: 30000 });
  const hrefs = await page.$$eval("#search-results > li.reply-card > a", (as) => as.map((a) => a.href));
  return hrefs.findIndex((h) => h.includes(p.expect));
});

const pagefind = await run(pfSite, async (page, root, p) => {
  await page.goto(root);
  const urls = await page.evaluate(async (q) => {
    const pf = await import("./pagefind/pagefind.js");
    const r = await pf.search(q);
    const data = await Promise.all(r.results.slice(0, 20).map((x) => x.data()));
    return data.map((d) => d.url);
  }, p.q);
  return urls.findIndex((u) => u.includes(p.expect));
});

const top3 = (rows) => rows.filter((r) => r.at >= 0 && r.at < 3).length;
console.log(JSON.stringify({ probes: probes.length, dafu: { top3: top3(dafu), rows: dafu }, pagefind: { top3: top3(pagefind), rows: pagefind } }));
