// Bytes fetched by a first and a later query: dafu's /search/ page against a page with
// Pagefind's default UI, on the same replies. Every byte the server sends is counted, from
// the page itself to the last excerpt. Used by bench/search_bench.py.
//
//   node bench/search_bytes.mjs <dafu output> <pagefind site>

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(path.resolve("tests/browser/package.json"));
const here = path.dirname(new URL(import.meta.url).pathname);
const lib = await import(path.join(here, "..", "tests", "browser", "lib.mjs"));
void require;

const [dafuOut, pfSite] = process.argv.slice(2);
const queries = ["燃气管网改造", "安全生产培训", "146"];

fs.writeFileSync(path.join(pfSite, "pf-search.html"), `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>Pagefind</title><link href="pagefind/pagefind-ui.css" rel="stylesheet"><script src="pagefind/pagefind-ui.js"></script></head>
<body><div id="search"></div><script>window.addEventListener("DOMContentLoaded",()=>{new PagefindUI({element:"#search",showSubResults:false});});</script></body></html>`);

async function measure(name, dir, url, input, resultSel, ready) {
  const { server, root, log } = await lib.serve(path.resolve(dir), "/jyta/");
  const b = await lib.launch();
  const page = await b.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const rows = [];
  log.length = 0;
  await page.goto(root + url);
  for (const [i, q] of queries.entries()) {
    if (i > 0) log.length = 0;
    await page.fill(input, "");
    await page.locator(input).pressSequentially(q, { delay: 20 });
    await page.waitForFunction(ready, q, { timeout: 60000 });
    await page.waitForTimeout(1500); // excerpts and late fetches
    const bytes = log.reduce((n, r) => n + r.bytes, 0);
    const count = await page.locator(resultSel).count();
    rows.push({ q, bytes, requests: log.length, shown: count });
  }
  await b.close();
  server.close();
  return { name, rows };
}

// "shown": results on the page with their data loaded (dafu lists a page of 10 and loads
// the cards of the first five; the others load as they come near the screen).
const dafu = await measure("dafu", dafuOut, "search/", "#q", "#search-results > li.reply-card",
  (q) => document.getElementById("search-results").getAttribute("data-query") === q &&
    document.getElementById("search-results").hasAttribute("data-ready"));
const pf = await measure("pagefind", pfSite, "pf-search.html", ".pagefind-ui__search-input", ".pagefind-ui__result",
  () => document.querySelectorAll(".pagefind-ui__result").length > 0 || /No results/.test(document.body.innerText));

console.log("bytes fetched (KB), first query includes the page, scripts and index metadata:");
console.log("  query                 dafu (req, shown)        pagefind (req, shown)");
for (let i = 0; i < queries.length; i++) {
  const a = dafu.rows[i], p = pf.rows[i];
  const label = (i === 0 ? "first: " : "later: ") + a.q;
  console.log(`  ${label.padEnd(20)} ${(a.bytes / 1024).toFixed(1).padStart(8)} (${a.requests}, ${a.shown})      ${(p.bytes / 1024).toFixed(1).padStart(8)} (${p.requests}, ${p.shown})`);
}
console.log(JSON.stringify({ dafu: dafu.rows, pagefind: pf.rows }));
