(function () {
  "use strict";
  var me = document.currentScript;
  var status = me && me.getAttribute("data-status");
  var overlay = null;
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  function show(text) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "dafu-error-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.92);color:#fff;padding:1.5rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
    var h = document.createElement("h2");
    h.textContent = "dafu: 构建失败 — the last good version is still served";
    h.style.cssText = "margin:0 0 1rem;font:bold 18px/1.4 sans-serif;color:#ffb4b4";
    var pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;margin:0";
    pre.textContent = text;
    overlay.appendChild(h);
    overlay.appendChild(pre);
    document.body.appendChild(overlay);
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
