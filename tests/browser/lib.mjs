// Shared pieces of the browser tests: a static server that behaves like the deployed site
// (base path, index.html for folders, 404.html for anything missing) and a Chromium launcher
// with the flags this project's CI needs (Debian's /usr/bin/chromium, fresh profile).

import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".bin": "application/octet-stream",
};

/** Serves `dir` at `basePath` (e.g. "/jyta/"); counts the bytes sent per request path. */
export function serve(dir, basePath) {
  const log = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(basePath)) {
      res.writeHead(404).end();
      return;
    }
    rel = rel.slice(basePath.length);
    let file = path.join(dir, rel);
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (file.endsWith(path.sep) || rel === "" || (fs.existsSync(file) && fs.statSync(file).isDirectory())) {
      file = path.join(file, "index.html");
    }
    let status = 200;
    if (!fs.existsSync(file)) {
      status = 404;
      file = path.join(dir, "404.html");
    }
    const body = fs.readFileSync(file);
    log.push({ path: url.pathname, bytes: body.length });
    res.writeHead(status, {
      "content-type": TYPES[path.extname(file)] || "application/octet-stream",
      "cache-control": "no-store",
    });
    res.end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ server, log, origin: `http://127.0.0.1:${port}`, root: `http://127.0.0.1:${port}${basePath}` });
    });
  });
}

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/** A persistent context on a fresh, temporary user-data dir. */
export async function launch(options = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "dafu-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    locale: "zh-CN",
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects failures instead of stopping at the first, so one run reports them all. */
export class Checks {
  constructor(name) {
    this.name = name;
    this.failures = [];
    this.passed = 0;
  }
  ok(cond, message) {
    if (cond) this.passed++;
    else this.failures.push(message);
  }
  finish() {
    for (const f of this.failures) console.error(`FAIL [${this.name}] ${f}`);
    console.log(`[${this.name}] ${this.passed} checks passed, ${this.failures.length} failed`);
    return this.failures.length === 0;
  }
}
