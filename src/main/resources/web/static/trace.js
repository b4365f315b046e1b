// Estafeta live protocol trace: appends each line the server streams (server-sent events, one JSON
// object per line) to the page. Every field is set as text (textContent), never parsed as HTML: the
// lines are what clients typed, and a client may type markup.
(function () {
  "use strict";

  var list = document.getElementById("trace");
  var state = document.getElementById("trace-state");
  if (!list || !state) return;
  var MAX = 2000;

  function cell(className, text) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  function label(kind) {
    return kind === "C" || kind === "S" ? kind + ":" : kind;
  }

  function add(e) {
    var atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    var li = document.createElement("li");
    li.setAttribute("data-kind", e.kind);
    li.setAttribute("data-session", e.session);
    li.appendChild(cell("t-at", e.at.substring(11, 23)));
    li.appendChild(cell("t-who", e.protocol + " " + e.session + (e.user ? " " + e.user : "")));
    li.appendChild(cell("t-kind", label(e.kind)));
    li.appendChild(cell("t-line", e.text));
    list.appendChild(li);
    while (list.children.length > MAX) list.removeChild(list.firstChild);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  var source = new EventSource(list.getAttribute("data-stream"));
  source.addEventListener("open", function () {
    state.textContent = state.getAttribute("data-watching");
    state.setAttribute("data-open", "true");
  });
  source.addEventListener("error", function () {
    state.textContent = state.getAttribute("data-lost");
    state.removeAttribute("data-open");
  });
  source.addEventListener("line", function (message) {
    add(JSON.parse(message.data));
  });
})();
