// Contact form: while the visitor describes the problem, show up to five help articles that may answer it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-deflect]");
  if (!form) { return; }
  var box = form.querySelector("[data-deflect-box]");
  var list = form.querySelector("[data-deflect-list]");
  var inputs = form.querySelectorAll("[data-deflect-input]");
  var subject = form.querySelector("#subject");
  var description = form.querySelector("#description");
  var timer = null;
  var lastQuery = "";

  function query() {
    var words = (subject.value + " " + description.value.slice(0, 200)).trim();
    return words.length >= 4 ? words : "";
  }

  function show(results) {
    list.textContent = "";
    results.slice(0, 5).forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.title;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.hidden = results.length === 0;
  }

  function lookUp() {
    var q = query();
    if (q === lastQuery) { return; }
    lastQuery = q;
    if (!q) { show([]); return; }
    fetch(form.getAttribute("data-deflect") + "?q=" + encodeURIComponent(q.slice(0, 200)),
          { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (q === lastQuery) { show(data.results || []); } })
      .catch(function () { /* suggestions are a help, not a requirement */ });
  }

  inputs.forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookUp, 350);
    });
  });
})();
