// dafu serve in a real browser: a reply page reloads by itself when its file is saved; a
// broken file puts the error over the page; fixing it takes the error away.
//
//   node serve.mjs <page url> <reply file>

import fs from "node:fs";
import { launch, Checks } from "./lib.mjs";

const [url, file] = process.argv.slice(2);
const checks = new Checks("serve");
const original = fs.readFileSync(file, "utf8");
function save(text) {
  // An editor's atomic save: temporary file, then rename.
  fs.writeFileSync(file + ".tmp~", text);
  fs.renameSync(file + ".tmp~", file);
}

const browser = await launch();
const page = await browser.context.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));
await page.goto(url);
await page.waitForLoadState("load");
const marker = "由浏览器测试修改的标题";
await page.evaluate(() => { window.__sameDocument = true; });

try {
  save(original.replace(/^title: .*$/m, "title: " + marker));
  await page.waitForFunction((m) => document.querySelector("h1") && document.querySelector("h1").textContent.includes(m), marker, { timeout: 15000 });
  checks.ok(await page.evaluate(() => window.__sameDocument !== true), "the page reloaded by itself");
  checks.ok(true, "the new title is shown after saving");

  save(original.replace(/^kind: .*$/m, "kind: [proposal"));
  await page.waitForSelector("#dafu-error-overlay", { timeout: 15000 });
  const text = await page.locator("#dafu-error-overlay").innerText();
  checks.ok(/\.md:\d+:\d+/.test(text), `the overlay names file:line:column (${text.slice(0, 120)})`);
  checks.ok((await page.getAttribute("#dafu-error-overlay", "role")) === "alert", "the overlay is announced");
  checks.ok((await page.locator("h1").textContent()).includes(marker), "the last good page stays under the overlay");

  // A page opened while the site is broken shows the error too.
  const other = await browser.context.newPage();
  await other.goto(url);
  await other.waitForSelector("#dafu-error-overlay", { timeout: 15000 });
  checks.ok(true, "a newly opened page shows the error");
  await other.close();

  save(original);
  await page.waitForSelector("#dafu-error-overlay", { state: "detached", timeout: 15000 });
  checks.ok(true, "fixing the file removes the overlay");
  await page.waitForFunction((m) => { const h = document.querySelector("h1"); return h && !h.textContent.includes(m); }, marker, { timeout: 15000 });
  checks.ok(true, "and the page shows the fixed file");
} catch (e) {
  checks.ok(false, "timed out: " + e.message.split("\n")[0]);
} finally {
  fs.writeFileSync(file, original);
}
checks.ok(errors.length === 0, `no script errors (${errors.join("; ")})`);
await browser.close();
process.exit(checks.finish() ? 0 : 1);
