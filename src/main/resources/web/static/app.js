// Estafeta webmail: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // The sanitised mail HTML lives in a same-origin, script-less iframe: size it to its content.
  function fit(frame) {
    try {
      var doc = frame.contentDocument;
      if (doc && doc.body) frame.style.height = Math.min(Math.max(doc.documentElement.scrollHeight + 20, 150), 20000) + "px";
    } catch (e) { /* leave the CSS height */ }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("iframe.mailhtml").forEach(function (frame) {
      frame.addEventListener("load", function () { fit(frame); });
      if (frame.contentDocument && frame.contentDocument.readyState === "complete") fit(frame);
    });
  });
  window.addEventListener("load", function () {
    document.querySelectorAll("iframe.mailhtml").forEach(fit);
  });
})();
