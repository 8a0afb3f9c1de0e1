// Address suggestions on the portal's submit form (no library, no inline script).
// The address field stays a plain text input: without JavaScript nothing changes. With it,
// typing fills the field's <datalist> from the public address API (data-suggest), 250 ms
// after the last key press; option values are set as text, never parsed as HTML.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  var list = input && document.getElementById(input.getAttribute("list"));
  if (!input || !list || !window.fetch) return;
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (!q || q === last || q.length > 50) return;
      last = q;
      var url = input.getAttribute("data-suggest") + "?limit=8&q=" + encodeURIComponent(q);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) {
          if (input.value.trim() !== q) return;
          while (list.firstChild) list.removeChild(list.firstChild);
          (data.items || []).forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.full_name || item.name;
            list.appendChild(option);
          });
        })
        .catch(function () { /* suggestions are optional */ });
    }, 250);
  });
})();
