// Tutorial pages. Video facades: nothing loads from YouTube or Vimeo until the reader presses play;
// then the player iframe takes the button's place and receives focus. Also the summary's Print button.
// Without JavaScript the facade keeps its "Watch on ..." link and the page stays printable.
(function () {
  "use strict";

  // The only players an iframe may load (the page's Content-Security-Policy says the same).
  var PLAYERS = ["https://www.youtube-nocookie.com/embed/", "https://player.vimeo.com/video/"];

  function allowed(url) {
    for (var i = 0; i < PLAYERS.length; i++) {
      if (url.indexOf(PLAYERS[i]) === 0) return true;
    }
    return false;
  }

  function play(button) {
    var url = button.getAttribute("data-embed") || "";
    if (!allowed(url)) return;
    var facade = button.closest(".video-facade");
    var frame = document.createElement("div");
    frame.className = "video-frame";
    var iframe = document.createElement("iframe");
    iframe.src = url;
    iframe.title = "Video: " + (button.getAttribute("data-title") || "");
    iframe.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture");
    iframe.setAttribute("allowfullscreen", "");
    iframe.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.appendChild(iframe);
    var note = facade.querySelector(".video-note");
    if (note) note.remove();
    facade.classList.add("video-playing");
    button.replaceWith(frame);
    iframe.focus();
  }

  function start() {
    var buttons = document.querySelectorAll(".video-facade .video-play");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (event) { play(event.currentTarget); });
    }
    var printers = document.querySelectorAll("[data-print]");
    for (var j = 0; j < printers.length; j++) {
      printers[j].hidden = false;
      printers[j].addEventListener("click", function () { window.print(); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
