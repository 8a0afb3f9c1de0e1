// Unit pickers of the dispatch forms (no library, no inline script; docs/workbench.md).
// Without JavaScript the form keeps its <select>, grouped by level with the AI's candidates on
// top. With it, each [data-unit-picker] gets a search box: typing asks the typeahead endpoint
// (name, code or pinyin initials, level by level) 150 ms after the last key; an empty box lists
// the AI's candidates. Picking sets the hidden <select>, which is what the form posts; a multiple
// picker (co-units) shows each chosen unit as a chip with a remove button. Text only: names are
// set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var seq = 0;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function init(root) {
    if (root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    var select = root.querySelector("select");
    if (!select || !window.fetch) return;
    var multiple = select.multiple;
    var id = "up-" + (++seq);
    var names = {};
    Array.prototype.forEach.call(select.options, function (o) { if (o.value) names[o.value] = o.textContent; });
    var ai = (root.getAttribute("data-ai") || "").split(",").filter(function (c) { return c && names[c]; });

    var input = el("input");
    input.type = "search";
    input.id = select.id + "-search";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    input.setAttribute("autocomplete", "off");
    input.placeholder = root.getAttribute("data-placeholder") || "";
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) label.setAttribute("for", input.id);
    var list = el("ul");
    list.id = id;
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var chips = el("div", "chips");
    select.classList.add("picker-source");  // visually hidden, still posted (and scriptable)
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    root.insertBefore(chips, select);
    root.insertBefore(input, select);
    root.insertBefore(list, select);

    var items = [];
    var active = -1;
    var timer = null;

    function chosen() {
      return Array.prototype.filter.call(select.options, function (o) { return o.selected && o.value; })
        .map(function (o) { return o.value; })
        .filter(function (v, i, all) { return all.indexOf(v) === i; });
    }

    function setSelected(code, on) {
      Array.prototype.forEach.call(select.options, function (o) {
        if (o.value === code) o.selected = on;
        else if (!multiple && on) o.selected = false;
      });
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function renderChips() {
      while (chips.firstChild) chips.removeChild(chips.firstChild);
      if (!multiple) {
        var v = chosen()[0];
        if (v && document.activeElement !== input) input.value = names[v] || v;
        return;
      }
      chosen().forEach(function (code) {
        var chip = el("span", "chip", names[code] || code);
        chip.setAttribute("data-code", code);
        var x = el("button", null, "×");
        x.type = "button";
        x.setAttribute("aria-label", (root.getAttribute("data-remove") || "remove") + " " + (names[code] || code));
        x.addEventListener("click", function () { setSelected(code, false); renderChips(); input.focus(); });
        chip.appendChild(x);
        chips.appendChild(chip);
      });
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(i) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (i + options.length) % options.length;
      Array.prototype.forEach.call(options, function (o, k) { o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function pick(item) {
      if (!names[item.code]) {  // a unit the page did not list (should not happen): add it
        var o = el("option", null, item.name);
        o.value = item.code;
        select.appendChild(o);
        names[item.code] = item.name;
      }
      setSelected(item.code, true);
      if (multiple) input.value = "";
      else input.value = item.name;
      renderChips();
      close();
    }

    function render(found) {
      while (list.firstChild) list.removeChild(list.firstChild);
      var aiFirst = found.filter(function (i) { return ai.indexOf(i.code) >= 0; });
      var rest = found.filter(function (i) { return ai.indexOf(i.code) < 0; });
      items = [];
      var groups = [];
      if (aiFirst.length) groups.push([root.getAttribute("data-ai-label") || "AI", aiFirst]);
      rest.forEach(function (i) {
        var last = groups[groups.length - 1];
        if (!last || last[0] !== i.level || last.ai) groups.push([i.level, [i]]);
        else last[1].push(i);
      });
      groups.forEach(function (g) {
        var head = el("li", "group", g[0]);
        head.setAttribute("role", "presentation");
        list.appendChild(head);
        g[1].forEach(function (item) {
          var n = items.length;
          items.push(item);
          var li = el("li", null, item.name);
          li.id = id + "-o" + n;
          li.setAttribute("role", "option");
          li.setAttribute("aria-selected", "false");
          li.setAttribute("data-code", item.code);
          li.appendChild(el("span", "code", item.code));
          li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(item); });
          list.appendChild(li);
        });
      });
      if (!items.length) {
        var none = el("li", "group", root.getAttribute("data-none") || "—");
        none.setAttribute("role", "presentation");
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function suggestAi() {
      render(ai.map(function (c) { return { code: c, name: names[c], level: "" }; }));
    }

    function search() {
      var q = input.value.trim();
      if (!q) { if (ai.length) suggestAi(); else close(); return; }
      if (q.length > 40) return;
      var url = root.getAttribute("data-search") + "?limit=30&q=" + encodeURIComponent(q);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { if (input.value.trim() === q) render(data.items || []); })
        .catch(function () { /* the <select> is still there without suggestions */ });
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 150); });
    input.addEventListener("focus", function () { if (!input.value.trim() && ai.length) suggestAi(); });
    input.addEventListener("blur", function () { setTimeout(function () { close(); renderChips(); }, 100); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") { ev.preventDefault(); if (list.hidden) search(); else highlight(active + 1); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(active - 1); }
      else if (ev.key === "Enter" && !list.hidden) {
        ev.preventDefault();
        if (active < 0 && items.length) active = 0;
        if (items[active]) pick(items[active]);
      } else if (ev.key === "Escape") { close(); }
    });
    select.addEventListener("change", function () { renderChips(); });
    renderChips();
  }

  function scan(scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll("[data-unit-picker]"), init);
  }
  scan(document);
  document.addEventListener("htmx:afterSettle", function (ev) { scan(ev.target); });
})();
