// "Was this helpful?" inline: the same forms as without JavaScript, sent with fetch, no page reload.
(function () {
  "use strict";

  function post(form, extra) {
    var data = new FormData(form);
    Object.keys(extra || {}).forEach(function (key) { data.set(key, extra[key]); });
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.status === 429) {
        return { ok: false, message: "You have sent a lot of feedback in a short while. Please wait a minute and try again." };
      }
      return response.json().catch(function () {
        return { ok: false, message: "Sorry, that did not work. Please reload the page and try again." };
      });
    }, function () {
      return { ok: false, message: "Could not reach the server. Please check your connection and try again." };
    });
  }

  function setStatus(widget, message, isError) {
    var status = widget.querySelector("[data-feedback-status]");
    status.textContent = message;
    status.classList.toggle("is-error", !!isError);
  }

  function init(widget) {
    var voteForm = widget.querySelector("[data-feedback-vote]");
    var followup = widget.querySelector("[data-feedback-followup]");
    if (!voteForm || !followup) { return; }
    var helpfulField = followup.querySelector("[data-feedback-helpful]");
    var reasons = followup.querySelector("[data-feedback-reasons]");
    var label = followup.querySelector("[data-feedback-comment-label]");
    var contact = widget.querySelector("[data-feedback-contact]");

    voteForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter || voteForm.querySelector("button[name=helpful]");
      var helpful = button ? button.value : "yes";
      post(voteForm, { helpful: helpful }).then(function (reply) {
        if (!reply.ok) { setStatus(widget, reply.message, true); return; }
        setStatus(widget, reply.message, false);
        helpfulField.value = helpful;
        reasons.hidden = helpful === "yes";
        label.textContent = helpful === "yes" ? "Anything you would like to add? (optional)" : "Tell us more (optional)";
        voteForm.hidden = true;
        followup.hidden = false;
        var first = followup.querySelector(helpful === "yes" ? "textarea" : "input[type=radio]");
        if (first) { first.focus(); }
      });
    });

    followup.addEventListener("submit", function (event) {
      event.preventDefault();
      post(followup).then(function (reply) {
        if (!reply.ok) {
          setStatus(widget, reply.message, true);
          var field = reply.field === "comment" ? followup.querySelector("textarea") : null;
          if (field) { field.setAttribute("aria-invalid", "true"); field.focus(); }
          return;
        }
        followup.hidden = true;
        setStatus(widget, reply.message, false);
        if (!reply.helpful && contact) { contact.hidden = false; }
        var status = widget.querySelector("[data-feedback-status]");
        status.setAttribute("tabindex", "-1");
        status.focus();
      });
    });
  }

  document.querySelectorAll("[data-feedback]").forEach(init);
})();
