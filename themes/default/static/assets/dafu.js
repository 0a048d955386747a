// dafu default theme: the 长者模式 (large text, high contrast) switch, remembered across
// pages in localStorage. The page works fully without it; the button stays hidden if
// JavaScript is off. (The class is set before first paint by an inline script in <head>.)
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
