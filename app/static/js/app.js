// Small enhancements only: every page works without this file.
(function () {
  "use strict";

  // Open the FAQ answer named in the address (#slug) and bring it into view.
  function openTargetedAnswer() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.scrollIntoView({ block: "start" });
      var summary = target.querySelector("summary");
      if (summary) summary.focus({ preventScroll: true });
    }
  }

  // Keep the address in step with the open answer, so it can be shared.
  function rememberOpenedAnswer(event) {
    var details = event.target;
    if (details.tagName === "DETAILS" && details.open && details.id && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + details.id);
    }
  }

  document.addEventListener("DOMContentLoaded", openTargetedAnswer);
  window.addEventListener("hashchange", openTargetedAnswer);
  document.addEventListener("toggle", rememberOpenedAnswer, true);
})();
