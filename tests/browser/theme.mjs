// The default theme in a real browser: axe-core (WCAG 2.1 A/AA) on every page type, in the
// normal and the 长者模式 view; no horizontal overflow at 360 px, 1280 px and at 200% zoom;
// the mode is remembered across pages; keyboard users meet the skip link first; page weight.
//
//   node theme.mjs <output dir> <base path> <shots dir> <page path>...

import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";
import { serve, launch, Checks } from "./lib.mjs";

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [dir, basePath, shots, ...pages] = process.argv.slice(2);
if (!dir || !pages.length) {
  console.error("usage: node theme.mjs <output dir> <base path> <shots dir> <page path>...");
  process.exit(2);
}
fs.mkdirSync(shots, { recursive: true });
const checks = new Checks("theme");
const { server, root } = await serve(path.resolve(dir), basePath);
const browser = await launch();
const page = await browser.context.newPage();
// No request may leave the site: no CDN, web font, analytics or anything else.
const foreign = new Set();
page.on("request", (r) => {
  const u = r.url();
  if (!u.startsWith(root.replace(/\/[^/]*\/$/, "/")) && !u.startsWith("data:")) foreign.add(u);
});

async function axe(label) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }),
  );
  for (const v of result.violations) {
    const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ");
    checks.ok(false, `${label}: axe ${v.id} (${v.impact}): ${v.help} at ${where}`);
  }
  if (!result.violations.length) checks.ok(true, "");
}

async function overflow(label) {
  const o = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  checks.ok(o.scroll <= o.client, `${label}: horizontal overflow, ${o.scroll}px content in ${o.client}px`);
}

// No visible text is smaller than 12 px (chart labels used to shrink with their SVG).
async function smallText(label) {
  const small = await page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || !el || el.closest(".visually-hidden, [hidden], script, style, noscript")) continue;
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || getComputedStyle(el).visibility === "hidden") continue;
      // SVG text is scaled with its drawing: measure what is shown.
      const svg = el.closest("svg");
      const scale = svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 1;
      const size = parseFloat(getComputedStyle(el).fontSize) * scale;
      if (size < 12) out.push(`${n.textContent.trim().slice(0, 20)} (${size.toFixed(1)}px)`);
    }
    return out.slice(0, 5);
  });
  checks.ok(small.length === 0, `${label}: text below 12 px: ${small.join(", ")}`);
}

async function setCare(on) {
  await page.evaluate((on) => {
    if (on) localStorage.setItem("dafu-care", "1");
    else localStorage.removeItem("dafu-care");
  }, on);
}

const slug = (p) => p.replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "") || "home";

for (const p of pages) {
  const url = root + p;
  for (const care of [false, true]) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url);
    await setCare(care);
    await page.reload();
    const mode = care ? "care" : "normal";
    const has = await page.evaluate(() => document.documentElement.classList.contains("care"));
    checks.ok(has === care, `${p}: 长者模式 class is ${has}, expected ${care}`);
    await axe(`${p} (${mode})`);
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await overflow(`${p} (${mode}, ${width}px)`);
      await smallText(`${p} (${mode}, ${width}px)`);
      // axe at phone width too (the header and lists change shape there).
      if (width === 360) await axe(`${p} (${mode}, 360px)`);
      // Every page type at both widths, kept in the test output to be looked at.
      await page.screenshot({ path: path.join(shots, `${slug(p)}-${mode}-${width}.png`), fullPage: true });
    }
    // 200% zoom of a 1280-px window is a 640-px CSS viewport at device scale 2.
    await page.setViewportSize({ width: 640, height: 450 });
    await overflow(`${p} (${mode}, 200% zoom)`);
  }
}
await setCare(false);
checks.ok(foreign.size === 0, `requests outside the site: ${[...foreign].join(", ")}`);

// Chinese typography: a system CJK font stack, comfortable line height and measure.
const replyForType = pages.find((p) => p.startsWith("replies/"));
if (replyForType) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(root + replyForType);
  const t = await page.evaluate(() => {
    const body = getComputedStyle(document.body);
    const text = document.querySelector(".reply-body");
    const ts = getComputedStyle(text);
    return {
      family: body.fontFamily,
      lineHeight: parseFloat(ts.lineHeight) / parseFloat(ts.fontSize),
      measure: text.getBoundingClientRect().width / parseFloat(ts.fontSize),
    };
  });
  checks.ok(/PingFang SC/.test(t.family) && /Microsoft YaHei/.test(t.family) && /Noto Sans CJK SC/.test(t.family),
    `system Chinese font stack (${t.family})`);
  checks.ok(t.lineHeight >= 1.6 && t.lineHeight <= 2.1, `line height ${t.lineHeight.toFixed(2)} of the text`);
  checks.ok(t.measure >= 30 && t.measure <= 48, `measure of ${t.measure.toFixed(1)} characters`);
  // The metadata block and the text share one measure.
  const widths = await page.evaluate(() => [".disclosure", ".reply-body"].map((s) => document.querySelector(s).getBoundingClientRect().width));
  checks.ok(Math.abs(widths[0] - widths[1]) <= 2, `metadata block and text are one measure (${widths.map(Math.round).join(" / ")} px)`);
}

// The switch: pressed on one page, remembered on the next, released again.
await page.setViewportSize({ width: 1280, height: 900 });
await page.goto(root + pages[0]);
const toggle = page.locator("#care-toggle");
checks.ok(await toggle.isVisible(), "the 长者模式 button is visible with JavaScript on");
checks.ok((await toggle.getAttribute("aria-pressed")) === "false", "the button starts unpressed");
const sizeBefore = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
await toggle.click();
checks.ok((await toggle.getAttribute("aria-pressed")) === "true", "the button is pressed after a click");
const sizeAfter = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
checks.ok(sizeAfter >= sizeBefore * 1.2, `large text: body font ${sizeBefore}px → ${sizeAfter}px`);
await page.goto(root + pages[pages.length - 1]);
checks.ok(
  await page.evaluate(() => document.documentElement.classList.contains("care")),
  "the mode is remembered on the next page",
);
checks.ok((await page.locator("#care-toggle").getAttribute("aria-pressed")) === "true", "and the button says so");
await page.locator("#care-toggle").click();
await page.goto(root + pages[0]);
checks.ok(
  !(await page.evaluate(() => document.documentElement.classList.contains("care"))),
  "switching it off is remembered too",
);

// Print: a reply prints as a document — metadata block and text, no navigation or tools.
const replyPage = pages.find((p) => p.startsWith("replies/"));
if (replyPage) {
  await page.goto(root + replyPage);
  await page.emulateMedia({ media: "print" });
  const shown = await page.evaluate(() => {
    const visible = (sel) => {
      const el = document.querySelector(sel);
      return !!el && getComputedStyle(el).display !== "none" && el.getBoundingClientRect().height > 0;
    };
    return {
      header: visible(".site-header"), footer: visible(".site-footer"), breadcrumb: visible(".breadcrumb"),
      related: visible(".related"), disclosure: visible(".disclosure"), body: visible(".reply-body"), title: visible("h1"),
    };
  });
  checks.ok(!shown.header && !shown.footer && !shown.breadcrumb && !shown.related, `print hides navigation (${JSON.stringify(shown)})`);
  checks.ok(shown.disclosure && shown.body && shown.title, `print keeps title, metadata and text (${JSON.stringify(shown)})`);
  await page.pdf({ path: path.join(shots, "reply-print.pdf") }).catch(() => {});
  await page.emulateMedia({ media: "screen" });
}

// Phone header: at most 120 px; 搜索 and 菜单 open the search box and the menu, by keyboard.
await page.setViewportSize({ width: 360, height: 800 });
await page.goto(root + pages[0]);
const headerHeight = await page.evaluate(() => document.querySelector(".site-header").getBoundingClientRect().height);
checks.ok(headerHeight <= 120, `header at 360 px is ${headerHeight} px tall (at most 120)`);
const navShown = () => page.evaluate(() => getComputedStyle(document.getElementById("site-nav")).display !== "none");
checks.ok(!(await navShown()), "the menu starts closed on a phone");
await page.focus("#menu-button");
await page.keyboard.press("Enter");
checks.ok((await navShown()) && (await page.getAttribute("#menu-button", "aria-expanded")) === "true", "菜单 opens the menu by keyboard");
await page.keyboard.press("Shift+Tab");
await page.focus("#menu-button");
await page.keyboard.press(" ");
checks.ok(!(await navShown()), "and closes it (space bar)");
if (await page.locator("#search-button").count()) {
  await page.focus("#search-button");
  await page.keyboard.press("Enter");
  const active = await page.evaluate(() => document.activeElement && document.activeElement.id);
  checks.ok(active === "site-search-q", `搜索 opens the search box and puts the cursor in it (${active})`);
  const h = await page.evaluate(() => document.querySelector(".site-header").getBoundingClientRect().height);
  await page.screenshot({ path: path.join(shots, "header-360-search-open.png") });
  checks.ok(h > headerHeight, "the header grows to show the search box");
}

// A department's list: a table without a department column, and a filter bar that leads to
// the search page's filter view with the department preset, and back.
const deptList = pages.find((p) => /^departments\/[^/]+\/$/.test(p));
if (deptList) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(root + deptList);
  // A table on wide screens, compact cards on phones: no header row, each reply a block.
  const layout = () => page.evaluate(() => {
    const row = document.querySelector(".reply-table tbody tr");
    return { head: getComputedStyle(document.querySelector(".reply-table thead")).display, row: getComputedStyle(row).display };
  });
  const wide = await layout();
  checks.ok(wide.head !== "none" && wide.row === "table-row", `at 1280 px the list is a table (${JSON.stringify(wide)})`);
  await page.setViewportSize({ width: 360, height: 800 });
  const narrow = await layout();
  checks.ok(narrow.head === "none" && narrow.row === "block", `at 360 px the list is cards (${JSON.stringify(narrow)})`);
  await page.setViewportSize({ width: 1280, height: 900 });
  const heads = await page.$$eval(".reply-table thead th", (ths) => ths.map((t) => t.textContent));
  checks.ok(heads.includes("标题") && heads.includes("日期") && !heads.includes("办理单位"), `the list's table leaves out its own column (${heads.join(" ")})`);
  const deptName = (await page.locator("h1").innerText()).replace(/答复$/, "");
  await page.waitForSelector('.list-filter select[name="year"]:not([hidden])', { timeout: 5000 });
  // A year this department has replies in.
  const firstYear = (await page.locator(".reply-table tbody time").first().getAttribute("datetime")).slice(0, 4);
  const yearOpt = [firstYear];
  await page.selectOption('.list-filter select[name="year"]', firstYear);
  await page.click('.list-filter button[type="submit"]');
  await page.waitForFunction(() => document.getElementById("search-results") && document.getElementById("search-results").hasAttribute("data-ready"), null, { timeout: 15000 });
  const u = new URL(page.url());
  checks.ok(u.pathname.endsWith("/search/") && u.searchParams.get("dept") && u.searchParams.get("year") === yearOpt[0], `the filter bar leads to the search page's filter view (${u.search})`);
  const facts = await page.$$eval("#search-results > li.reply-card", (lis) => lis.map((li) => li.textContent));
  checks.ok(facts.length > 0 && facts.every((t) => t.includes(deptName)), `and shows only ${deptName}'s replies (${facts.length})`);
  await page.goBack();
  checks.ok(page.url() === root + deptList, `the back button returns to the list (${page.url()})`);
}

// The footer sits at the bottom of the window on a short page.
const shortPage = pages.find((p) => p.startsWith("404")) || pages[pages.length - 1];
await page.setViewportSize({ width: 1280, height: 900 });
await page.goto(root + shortPage);
const foot = await page.evaluate(() => {
  const f = document.querySelector(".site-footer");
  return f ? { bottom: f.getBoundingClientRect().bottom, page: document.documentElement.scrollHeight } : null;
});
checks.ok(!foot || (foot.page > 900 || Math.abs(foot.bottom - 900) <= 1), `footer at the window's bottom on ${shortPage} (${JSON.stringify(foot)})`);

// The reply page's 打印 and 复制链接 buttons work from the keyboard.
if (replyPage) {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]).catch(() => {});
  await page.goto(root + replyPage);
  const canonical = await page.getAttribute('link[rel="canonical"]', "href");
  await page.focus('button[data-action="copy-link"]');
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector(".copy-status").textContent.length > 0, null, { timeout: 5000 });
  const copied = await page.evaluate(() => navigator.clipboard.readText().catch(() => ""));
  checks.ok(copied === canonical, `复制链接 copies the canonical URL (${copied})`);
  await page.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed++; }; });
  await page.focus('button[data-action="print"]');
  await page.keyboard.press("Enter");
  checks.ok((await page.evaluate(() => window.__printed)) === 1, "打印 opens the print dialog");
}

// Statistics: every chart's shares add up to 100% (未分类 included).
const stats = pages.find((p) => p.startsWith("stats"));
if (stats) {
  await page.goto(root + stats);
  const sums = await page.$$eval(".bar-table", (tables) => tables.map((t) =>
    Array.from(t.querySelectorAll("tbody tr td.num:last-child")).reduce((n, td) => n + parseFloat(td.textContent), 0)));
  checks.ok(sums.length > 0 && sums.every((x) => Math.abs(x - 100) < 0.6), `chart shares add up to 100% (${sums.map((x) => x.toFixed(1)).join(", ")})`);
}

// Keyboard: the first Tab reaches the skip link, which moves focus to the main content.
await page.goto(root + pages[0]);
await page.keyboard.press("Tab");
const first = await page.evaluate(() => document.activeElement && document.activeElement.className);
checks.ok(first === "skip-link", `first Tab stop is the skip link (got ${first})`);
await page.keyboard.press("Enter");
const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
checks.ok(focused === "main", `the skip link moves focus to main (got ${focused})`);

await browser.close();

// With JavaScript off the switch stays hidden (it could not work) and the pages still read.
const noJs = await launch({ javaScriptEnabled: false });
const plain = await noJs.context.newPage();
await plain.goto(root + pages[0]);
checks.ok(!(await plain.locator("#care-toggle").isVisible()), "with JavaScript off the switch is hidden");
await plain.setViewportSize({ width: 360, height: 800 });
await plain.goto(root + pages[0]);
checks.ok((await plain.getAttribute("#menu-button", "href")) === "#site-nav" && (await plain.locator("#site-nav").isVisible()),
  "with JavaScript off 菜单 is a link to the menu, which is shown");
const searchHref = await plain.getAttribute("#search-button", "href");
checks.ok(!searchHref || searchHref.endsWith("search/"), `with JavaScript off 搜索 links to the search page (${searchHref})`);
checks.ok((await plain.locator("main").innerText()).length > 0, "with JavaScript off the page has content");
await noJs.close();
server.close();

// Page weight: a reply page's HTML + CSS + JS, gzip-compressed.
const reply = pages.find((p) => p.startsWith("replies/"));
if (reply) {
  const files = [path.join(dir, reply, "index.html"), path.join(dir, "assets/dafu.css"), path.join(dir, "assets/dafu.js")];
  const gz = files.reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length, 0);
  const raw = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  console.log(`page weight of ${reply}: ${raw} bytes, ${gz} bytes gzip-compressed`);
  checks.ok(gz < 60 * 1024, `page weight ${gz} bytes compressed exceeds the 60 KB budget`);
}

process.exit(checks.finish() ? 0 : 1);
