// dafu default theme: the 长者模式 (large text, high contrast) switch, remembered across
// pages in localStorage; the reply page's 打印 and 复制链接 buttons. The page works fully
// without them; the buttons stay hidden if JavaScript is off. (The 长者模式 class is set
// before first paint by an inline script in <head>.)
(function () {
  "use strict";
  // Phones: 搜索 and 菜单 open the search box and the menu in the header. They are links (to
  // the search page, to the menu) until this turns them into buttons.
  var buttons = document.querySelectorAll(".header-button[data-controls]");
  Array.prototype.forEach.call(buttons, function (b) {
    var panel = document.getElementById(b.getAttribute("data-controls"));
    if (!panel) return;
    b.setAttribute("role", "button");
    b.setAttribute("aria-controls", panel.id);
    b.setAttribute("aria-expanded", "false");
    function toggle(e) {
      e.preventDefault();
      var open = !panel.classList.contains("open");
      Array.prototype.forEach.call(buttons, function (other) {
        var p = document.getElementById(other.getAttribute("data-controls"));
        if (p && other !== b) { p.classList.remove("open"); other.setAttribute("aria-expanded", "false"); }
      });
      panel.classList.toggle("open", open);
      b.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var first = panel.querySelector("input, a, button");
        if (first) first.focus();
      }
    }
    b.addEventListener("click", toggle);
    // A link with role=button answers to the space bar too.
    b.addEventListener("keydown", function (e) { if (e.key === " ") toggle(e); });
  });
})();
(function () {
  "use strict";
  var actions = document.querySelector(".page-actions");
  if (!actions) return;
  var status = actions.querySelector(".copy-status");
  actions.hidden = false;
  actions.addEventListener("click", function (e) {
    var b = e.target.closest("button");
    if (!b) return;
    if (b.getAttribute("data-action") === "print") window.print();
    if (b.getAttribute("data-action") === "copy-link") {
      var url = b.getAttribute("data-url");
      var done = function () { status.textContent = "已复制本页网址"; };
      var fail = function () { status.textContent = "请手动复制：" + url; };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(url).then(done, fail);
      else fail();
    }
  });
})();
(function () {
  "use strict";
  var KEY = "dafu-care";
  var root = document.documentElement;
  var button = document.getElementById("care-toggle");
  if (!button) return;
  function show(on) {
    root.classList.toggle("care", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? "退出长者模式" : "长者模式";
  }
  show(root.classList.contains("care"));
  button.hidden = false;
  button.addEventListener("click", function () {
    var on = !root.classList.contains("care");
    show(on);
    try {
      if (on) localStorage.setItem(KEY, "1");
      else localStorage.removeItem(KEY);
    } catch (e) {
      // Private browsing may refuse storage; the mode still applies to this page.
    }
  });
})();
(function () {
  "use strict";
  // A list's filter bar: its selects are filled from the search index's facets (the form
  // leads to the search page's filter view, the list's own value preset, so the result can
  // be shared and the back button works). Without JavaScript the form still leads there.
  var form = document.querySelector(".list-filter");
  if (!form || !window.fetch) return;
  var meta = new URL(form.getAttribute("data-root") + "search/meta.json", document.baseURI);
  fetch(meta).then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); }).then(function (m) {
    var facets = {
      year: m.years.map(function (y) { return [y, y + "年"]; }),
      kind: m.kinds.map(function (f) { return [f.slug, f.label]; }),
      dept: m.departments.map(function (f) { return [f.slug, f.label]; }),
      cat: m.categories.map(function (f) { return [f.slug, f.label]; }),
    };
    Array.prototype.forEach.call(form.querySelectorAll("select[data-facet]"), function (sel) {
      var items = facets[sel.getAttribute("data-facet")] || [];
      if (!items.length) return;
      items.forEach(function (it) {
        var o = document.createElement("option");
        o.value = it[0];
        o.textContent = it[1];
        sel.appendChild(o);
      });
      sel.hidden = false;
    });
  }).catch(function () { /* the form still leads to the search page */ });
})();
