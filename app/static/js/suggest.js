// Search as you type: article titles under every input[data-suggest], as an ARIA combobox.
// Only an enhancement: without this file (or without JavaScript) the forms still submit to /search.
(function () {
  "use strict";

  var MIN_CHARS = 2;
  var MAX_ITEMS = 5;
  var TYPING_DELAY_MS = 150;
  var BLUR_DELAY_MS = 150; // long enough for a click on an option to land before the list closes
  var KIND_LABELS = { faq: "FAQ", tutorial: "Tutorial", troubleshooter: "Troubleshooter" };
  var DEFAULT_ENDPOINT = "/api/v1/suggest";

  // Only follow http(s) links, whatever the server sent.
  function safeUrl(value) {
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function enhance(input, index) {
    var endpoint = input.getAttribute("data-suggest") || DEFAULT_ENDPOINT;
    var listId = (input.id || "search-" + index) + "-suggestions";
    var list = document.createElement("ul");
    var options = [];
    var active = -1;
    var typingTimer = null;
    var blurTimer = null;
    var request = null;

    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggested articles");
    list.hidden = true;
    input.parentElement.classList.add("search-suggest");
    input.insertAdjacentElement("afterend", list);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    function isOpen() {
      return !list.hidden;
    }

    function open() {
      if (!options.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      select(-1);
    }

    function select(position) {
      if (options[active]) options[active].setAttribute("aria-selected", "false");
      active = position;
      if (options[active]) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function go(position) {
      var url = options[position] && safeUrl(options[position].getAttribute("data-url"));
      if (!url) return;
      close();
      window.location.assign(url);
    }

    function optionFor(suggestion, position) {
      var option = document.createElement("li");
      option.id = listId + "-" + position;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-url", String(suggestion.url || ""));
      option.textContent = String(suggestion.title || "");
      if (KIND_LABELS[suggestion.kind]) {
        var kind = document.createElement("span");
        kind.className = "muted";
        kind.textContent = KIND_LABELS[suggestion.kind];
        option.appendChild(kind);
      }
      // Keep the focus in the input, so the list is still there when the click arrives.
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
      });
      option.addEventListener("click", function () {
        go(position);
      });
      return option;
    }

    function show(suggestions) {
      close();
      list.textContent = "";
      options = suggestions.slice(0, MAX_ITEMS).map(optionFor);
      options.forEach(function (option) {
        list.appendChild(option);
      });
      open();
    }

    function clear() {
      if (request) request.abort();
      request = null;
      options = [];
      list.textContent = "";
      close();
    }

    function fetchSuggestions(text) {
      if (request) request.abort();
      request = new AbortController();
      var url = endpoint + "?q=" + encodeURIComponent(text);
      fetch(url, { signal: request.signal, headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("suggestions unavailable (" + response.status + ")");
          return response.json();
        })
        .then(function (data) {
          // The visitor may have typed on or left the field while the answer travelled.
          if (input.value.trim() !== text || document.activeElement !== input) return;
          show(Array.isArray(data.suggestions) ? data.suggestions : []);
        })
        .catch(function (error) {
          // Suggestions are a convenience: on failure the visitor simply searches as usual.
          if (error.name !== "AbortError") clear();
        });
    }

    input.addEventListener("input", function () {
      var text = input.value.trim();
      window.clearTimeout(typingTimer);
      if (Array.from(text).length < MIN_CHARS) {
        clear();
        return;
      }
      typingTimer = window.setTimeout(function () {
        fetchSuggestions(text);
      }, TYPING_DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!options.length) return;
        event.preventDefault();
        open();
        var next = active + (event.key === "ArrowDown" ? 1 : -1);
        if (next >= options.length) next = 0;
        if (next < 0) next = options.length - 1;
        select(next);
      } else if (event.key === "Enter") {
        // With no option chosen, Enter submits the form to /search as usual.
        if (isOpen() && active >= 0) {
          event.preventDefault();
          go(active);
        }
      } else if (event.key === "Escape") {
        // Escape in a search field also clears it; the first press only closes the list.
        if (isOpen()) {
          event.preventDefault();
          close();
        }
      }
    });

    input.addEventListener("blur", function () {
      blurTimer = window.setTimeout(close, BLUR_DELAY_MS);
    });
    input.addEventListener("focus", function () {
      window.clearTimeout(blurTimer);
    });
    // A page restored with the back button should not come back with a stale list open.
    window.addEventListener("pageshow", close);
  }

  function enhanceAll() {
    if (!window.fetch || !window.AbortController) return;
    var inputs = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < inputs.length; i += 1) {
      if (inputs[i].parentElement) enhance(inputs[i], i);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
