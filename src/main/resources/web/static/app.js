// Estafeta webmail: small progressive enhancements; every page works without this file.
// - the sanitised mail HTML frame sized to its content;
// - on wide screens, a reading pane: a message opens beside the list instead of replacing it;
// - keyboard shortcuts as in Gmail and Roundcube: j/k next/previous, o or Enter open, x select,
//   e archive, # delete, r reply, a reply all, f forward, u back to the list, c compose, / search.
(function () {
  "use strict";

  // The sanitised mail HTML lives in a same-origin, script-less iframe: size it to its content.
  function fit(frame) {
    try {
      var doc = frame.contentDocument;
      if (doc && doc.body) frame.style.height = Math.min(Math.max(doc.documentElement.scrollHeight + 20, 150), 20000) + "px";
    } catch (e) { /* leave the CSS height */ }
  }

  function fitAll(root) {
    root.querySelectorAll("iframe.mailhtml").forEach(function (frame) {
      frame.addEventListener("load", function () { fit(frame); });
      if (frame.contentDocument && frame.contentDocument.readyState === "complete") fit(frame);
    });
  }

  function wide() {
    return window.matchMedia("(min-width: 85rem)").matches && document.getElementById("pane") !== null;
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.messages tbody tr"));
  }

  function cursorRow() {
    return document.querySelector("table.messages tbody tr.cursor");
  }

  /** Loads a message into the reading pane (the server marks it read, as opening it would). */
  function preview(row) {
    var pane = document.getElementById("pane");
    var url = row.getAttribute("data-href");
    if (!pane || !url) return;
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var article = new DOMParser().parseFromString(html, "text/html").querySelector("article.message");
      if (!article) return;
      pane.replaceChildren(document.importNode(article, true));
      pane.setAttribute("data-href", url);
      // Archiving or deleting from the pane comes back to this list, not to the next message's page.
      pane.querySelectorAll('input[name="then"]').forEach(function (i) { i.value = window.location.pathname + window.location.search; });
      row.classList.remove("unseen");
      row.classList.add("seen");
      fitAll(pane);
    });
  }

  /** The message under the cursor, by its address: the list is re-rendered when mail changes (SSE). */
  var cursorHref = null;

  function moveCursor(row, open) {
    if (!row) return;
    rows().forEach(function (r) { r.classList.remove("cursor"); });
    row.classList.add("cursor");
    cursorHref = row.getAttribute("data-href");
    row.scrollIntoView({ block: "nearest" });
    if (open && wide()) preview(row);
  }

  /** The place whose shortcuts apply: the message in the pane, else the page. */
  function scope() {
    var pane = document.getElementById("pane");
    return pane && pane.querySelector("article.message") ? pane : document;
  }

  function clickKey(key, root) {
    var target = (root || scope()).querySelector('[data-key="' + key + '"]');
    if (target) { target.click(); return true; }
    return false;
  }

  /** Archive or delete from the list: the selected messages, or else the one under the cursor. */
  function actOnList(value) {
    var form = document.getElementById("actions");
    if (!form) return false;
    var checked = form.querySelectorAll('input[name="uid"]:checked');
    var row = cursorRow();
    if (checked.length === 0 && row) row.querySelector('input[name="uid"]').checked = true;
    var button = form.querySelector('button[name="do"][value="' + value + '"]');
    if (!button || form.querySelectorAll('input[name="uid"]:checked').length === 0) return false;
    button.click();
    return true;
  }

  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName));
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    var list = document.querySelector("table.messages") !== null;
    var all = rows();
    var row = cursorRow();
    var index = row ? all.indexOf(row) : -1;
    var done = true;
    switch (e.key) {
      case "j":
        if (list && all.length) moveCursor(all[Math.min(index + 1, all.length - 1)], true);
        else done = clickKey("j");
        break;
      case "k":
        if (list && all.length) moveCursor(all[Math.max(index - 1, 0)], true);
        else done = clickKey("k");
        break;
      case "o":
      case "Enter":
        if (list && row) window.location.assign(row.getAttribute("data-href"));
        else done = false;
        break;
      case "x":
        if (list && row) { var box = row.querySelector('input[name="uid"]'); box.checked = !box.checked; }
        else done = false;
        break;
      case "e":
        done = scope() === document && list ? actOnList("archive") : clickKey("e");
        break;
      case "#":
        done = scope() === document && list ? actOnList("delete") : clickKey("#");
        break;
      case "r":
      case "a":
      case "f":
        if (!clickKey(e.key) && list && row) {
          var parts = row.getAttribute("data-href").split("/");
          var mode = { r: "reply", a: "all", f: "forward" }[e.key];
          window.location.assign("/compose?box=" + parts[2] + "&uid=" + parts[4] + "&mode=" + mode);
        }
        break;
      case "u":
        done = clickKey("u", document);
        break;
      case "c":
        done = clickKey("c", document);
        break;
      case "/":
        var search = document.getElementById("q");
        if (search) search.focus(); else done = false;
        break;
      default:
        done = false;
    }
    if (done) e.preventDefault();
  });

  // On wide screens a click on a subject opens it in the pane; a click with a modifier opens the page as usual.
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("table.messages td.subject a");
    if (!link || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0 || !wide()) return;
    e.preventDefault();
    moveCursor(link.closest("tr"), true);
  });

  // New mail or a flag change re-renders the list: keep the cursor where it was.
  document.addEventListener("htmx:afterSettle", function () {
    if (!cursorHref) return;
    rows().forEach(function (r) { if (r.getAttribute("data-href") === cursorHref) r.classList.add("cursor"); });
  });

  document.addEventListener("DOMContentLoaded", function () { fitAll(document); });
  window.addEventListener("load", function () {
    document.querySelectorAll("iframe.mailhtml").forEach(fit);
  });
})();
