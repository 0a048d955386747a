// dafu serve in a real browser: a reply page reloads by itself when its file is saved; a
// broken file puts the error over the page; fixing it takes the error away.
//
//   node serve.mjs <page url> <reply file>

import fs from "node:fs";
import { createRequire } from "node:module";
import { launch, Checks } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

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

  save(original.replace(/^kind: .*$/m, "kind: [proposal").replace(/^date: .*$/m, "date: 2024-02-30"));
  await page.waitForSelector("#dafu-error-overlay", { timeout: 15000 });
  const overlay = page.locator("#dafu-error-overlay");
  const text = await overlay.innerText();
  checks.ok(/\.md:\d+:\d+/.test(text), `the overlay names file:line:column (${text.slice(0, 120)})`);
  checks.ok(text.includes("生成失败") && text.includes("关闭"), `the overlay speaks Chinese (${text.slice(0, 80)})`);
  checks.ok((await overlay.getAttribute("role")) === "dialog" && (await overlay.getAttribute("aria-modal")) === "true", "the overlay is a modal dialog, announced");
  const bg = await overlay.evaluate((e) => getComputedStyle(e).backgroundColor);
  checks.ok(/^rgb\(/.test(bg) || /rgba\([^)]*,\s*1\)$/.test(bg), `the overlay is opaque (${bg})`);
  const items = await overlay.locator("li").count();
  checks.ok(items === 1, `one problem is shown once (${items} items)`);
  const marked = await overlay.locator("mark").allTextContents();
  checks.ok(marked.length === 1 && marked[0].startsWith("["), `the wrong value is highlighted (${JSON.stringify(marked)})`);
  checks.ok((await page.locator("h1").textContent()).includes(marker), "the last good page stays under the overlay");
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run({ include: [["#dafu-error-overlay"]] }, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }),
  );
  for (const v of result.violations) checks.ok(false, `overlay: axe ${v.id} (${v.impact}): ${v.help}`);
  checks.ok(result.violations.length === 0, "the overlay has no axe violations");
  await page.keyboard.press("Enter"); // the close button has the focus
  await page.waitForSelector("#dafu-error-overlay", { state: "detached", timeout: 5000 });
  checks.ok(true, "the overlay can be dismissed by keyboard");
  save(original.replace(/^kind: .*$/m, "kind: [suggestion"));
  await page.waitForSelector("#dafu-error-overlay", { timeout: 15000 });
  checks.ok(true, "the next failed build shows the overlay again");

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
