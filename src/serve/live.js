(function () {
  "use strict";
  var me = document.currentScript;
  var status = me && me.getAttribute("data-status");
  var overlay = null;
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  function el(tag, css, text) {
    var e = document.createElement(tag);
    if (css) e.style.cssText = css;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function show(report) {
    hide();
    // Opaque, above everything, in the site's font: the page must not show through.
    overlay = el("div", "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:#1b1b1b;color:#f5f5f5;padding:1.25rem;font:16px/1.6 system-ui,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif");
    overlay.id = "dafu-error-overlay";
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-labelledby", "dafu-error-title");
    overlay.setAttribute("lang", report.lang || "zh-CN");
    var head = el("div", "display:flex;gap:1rem;align-items:flex-start;justify-content:space-between;max-width:60rem;margin:0 auto 1rem");
    var h = el("h2", "margin:0;font-size:1.25rem;color:#ffb4b4", report.title);
    h.id = "dafu-error-title";
    var close = el("button", "flex:none;font:inherit;padding:.3rem 1rem;border:2px solid #f5f5f5;border-radius:4px;background:#1b1b1b;color:#f5f5f5;cursor:pointer", report.close);
    close.type = "button";
    // Closed until the next failed build (or the next page load while the site is broken).
    close.addEventListener("click", hide);
    head.appendChild(h);
    head.appendChild(close);
    overlay.appendChild(head);
    var list = el("ol", "max-width:60rem;margin:0 auto;padding:0;list-style:none");
    report.problems.forEach(function (p) {
      var item = el("li", "margin:0 0 1rem;padding:.75rem 1rem;background:#2b2b2b;border-left:4px solid " + (p.warning ? "#ffd479" : "#ff8a8a"));
      item.appendChild(el("div", "font-family:ui-monospace,Menlo,Consolas,monospace;color:#cfd8ff", p.location));
      item.appendChild(el("div", "font-weight:bold;margin:.25rem 0", p.message));
      if (p.excerpt) {
        var code = el("pre", "margin:.25rem 0;padding:.5rem;background:#111;white-space:pre-wrap;overflow-wrap:anywhere;font:15px/1.5 ui-monospace,Menlo,Consolas,'Noto Sans Mono CJK SC',monospace");
        code.appendChild(el("span", "color:#9a9a9a", p.excerpt.line + " │ "));
        code.appendChild(document.createTextNode(p.excerpt.before));
        var mark = el("mark", "background:#ffd479;color:#111;padding:0 .1em;border-radius:2px", p.excerpt.mark || " ");
        code.appendChild(mark);
        code.appendChild(document.createTextNode(p.excerpt.after));
        item.appendChild(code);
      }
      if (p.help) item.appendChild(el("div", "color:#b8f0b8", report.help_label + p.help));
      list.appendChild(item);
    });
    overlay.appendChild(list);
    overlay.appendChild(el("p", "max-width:60rem;margin:1rem auto 0;color:#cfcfcf", report.summary));
    overlay.addEventListener("keydown", function (e) { if (e.key === "Escape") close.click(); });
    document.body.appendChild(overlay);
    close.focus();
  }
  function swapCss() {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (l) {
      var u = new URL(l.href);
      u.searchParams.set("dafu-reload", String(Date.now()));
      l.href = u.toString();
    });
  }
  function handle(m) {
    if (m.type === "error") return show(m.message);
    if (m.type === "ok") return hide();
    if (m.type !== "reload") return;
    hide();
    if (m.css_only) return swapCss();
    var here = decodeURI(location.pathname);
    if (m.all || status === "404" || m.changed.indexOf(here) >= 0) location.reload();
  }
  // Long polling: each request waits on the server until a build finishes.
  var since = null;
  function next() {
    fetch("/__dafu/events" + (since === null ? "" : "?since=" + since), { cache: "no-store" }).then(function (r) {
      return r.json();
    }).then(function (a) {
      since = a.latest;
      a.messages.forEach(handle);
      next();
    }, function () {
      setTimeout(next, 1000);
    });
  }
  next();
})();
