// Troubleshooter player: with JavaScript, answers advance inline. Every step keeps its own URL
// (pushState), so back/forward, refresh and sharing behave exactly as without JavaScript.
(function () {
  "use strict";
  var player = document.querySelector("[data-tree-player]");
  if (!player || !window.fetch || !window.history || !history.pushState) return;
  var header = player.getAttribute("data-partial-header");

  function show(url, push) {
    player.setAttribute("aria-busy", "true");
    var headers = {};
    headers[header] = "player";
    return fetch(url, { headers: headers, credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("status " + response.status);
      return response.text().then(function (html) {
        player.innerHTML = html;  // the server's own rendering of the step (Markdown sanitized there)
        var frame = player.querySelector(".tree-frame");
        if (frame && frame.getAttribute("data-title")) document.title = frame.getAttribute("data-title");
        if (push) history.pushState({ tree: true }, "", response.url);  // after a redirect, the URL it landed on
        var heading = player.querySelector("#tree-node-title");
        if (heading) {
          heading.focus({ preventScroll: true });
          var top = player.getBoundingClientRect().top;
          if (top < 0 || top > window.innerHeight * 0.6) player.scrollIntoView({ block: "start" });
        }
      });
    }).catch(function () {
      window.location.assign(url);  // anything unexpected: a normal page load does the same job
    }).then(function () {
      player.removeAttribute("aria-busy");
    });
  }

  player.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-tree-step]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) return;
    event.preventDefault();
    show(link.href, true);
  });

  history.replaceState({ tree: true }, "", window.location.href);
  window.addEventListener("popstate", function (event) {
    if (event.state && event.state.tree) show(window.location.href, false);
  });
})();
