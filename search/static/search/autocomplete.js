/* Autocomplete for search boxes: an ARIA 1.2 combobox (list autocomplete) on every input with
   data-autocomplete (its value may name the suggestions URL). Without JavaScript the input is a plain
   text box and the form works as before. No inline scripts or styles: CSP-safe. */
(function () {
  "use strict";
  var DEFAULT_URL = "/zoeken/suggesties/";
  var counter = 0;

  function text(nl, n) {
    var lang = (document.documentElement.lang || "nl").slice(0, 2);
    if (lang === "en") {
      return n === 0 ? "No suggestions" : n === 1 ? "1 suggestion, use the arrow keys" : n + " suggestions, use the arrow keys";
    }
    return n === 0 ? "Geen suggesties" : n === 1 ? "1 suggestie, gebruik de pijltjestoetsen" : n + " suggesties, gebruik de pijltjestoetsen";
  }

  function enhance(input) {
    counter += 1;
    var id = input.id || "autocomplete-" + counter;
    input.id = id;
    var url = input.getAttribute("data-autocomplete") || DEFAULT_URL;
    var listbox = document.createElement("ul");
    listbox.id = id + "-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.className = "dichtbij-autocomplete__listbox";
    listbox.hidden = true;
    var label = document.querySelector('label[for="' + id + '"]');
    if (label) {
      label.id = label.id || id + "-label";
      listbox.setAttribute("aria-labelledby", label.id);
    }
    var live = document.createElement("div");
    live.className = "dichtbij-visually-hidden utrecht-visually-hidden";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(listbox);
    input.parentNode.appendChild(live);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var lastQuery = "";
    var controller = null;

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      var options = listbox.querySelectorAll('[role="option"]');
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var item = items[index];
      if (!item) return;
      input.value = item.label;
      close();
      if (input.form) input.form.submit();
    }

    function render(suggestions) {
      items = suggestions;
      listbox.textContent = "";
      suggestions.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = id + "-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "dichtbij-autocomplete__option";
        option.textContent = item.label;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        listbox.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (suggestions.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      live.textContent = text("nl", suggestions.length);
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q.length < 2) {
        render([]);
        live.textContent = "";
        return;
      }
      if (q === lastQuery) return;
      lastQuery = q;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === q) render(data.suggestions || []); })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = input.getAttribute("aria-expanded") === "true";
      if (event.key === "ArrowDown") {
        if (!open && items.length) { listbox.hidden = false; input.setAttribute("aria-expanded", "true"); }
        if (items.length) { event.preventDefault(); setActive(active + 1); }
      } else if (event.key === "ArrowUp") {
        if (open) { event.preventDefault(); setActive(active - 1); }
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); } else { input.value = ""; }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function init() {
    document.querySelectorAll("input[data-autocomplete]").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
