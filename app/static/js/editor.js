// The writers' editor. The form posts and works without this file; with it, writers get a live
// preview and outline, a word count, a slug that follows the title, image upload by picking,
// dropping or pasting, autosave, a warning before leaving unsaved text, and Ctrl/Cmd+S to save.
(function () {
  "use strict";
  var form = document.getElementById("editor-form");
  if (!form || !window.fetch || !window.FormData) return;

  var PREVIEW_DELAY_MS = 400;
  var AUTOSAVE_EVERY_MS = 20000;
  var IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
  var PREVIEW_FIELDS = { title: 1, body: 1, summary: 1, duration: 1, difficulty: 1, prerequisites: 1 };

  var body = document.getElementById("body");
  var title = document.getElementById("title");
  var slug = document.getElementById("slug");
  var preview = document.getElementById("editor-preview");
  var outline = document.getElementById("editor-outline");
  var wordCount = document.getElementById("editor-word-count");
  var uploadInput = document.getElementById("editor-upload-input");
  var uploadStatus = document.getElementById("editor-upload-status");
  var autosaveStatus = document.getElementById("autosave-status");
  var csrfInput = form.querySelector("input[name=csrf_token]");
  var kind = form.getAttribute("data-kind") || "article";

  var dirty = false;  // anything typed since the page loaded (the beforeunload warning)
  var changedSinceAutosave = false;
  var submitted = false;

  function csrfHeaders(extra) {
    var headers = { "X-CSRFToken": csrfInput ? csrfInput.value : "" };
    for (var name in extra || {}) headers[name] = extra[name];
    return headers;
  }

  function post(url, data, extraHeaders, keepalive) {
    return fetch(url, {
      method: "POST", body: data, headers: csrfHeaders(extraHeaders), credentials: "same-origin",
      keepalive: !!keepalive
    });
  }

  function setText(element, text) {
    if (element) element.textContent = text;
  }

  // Programmatic edits announce themselves like typing does, so preview, autosave and the
  // unsaved-changes warning all see them.
  function announceInput(element) {
    element.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // ---- Slug from title -------------------------------------------------------------------------

  function slugify(text) {
    var ascii = String(text).normalize ? String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "") : String(text);
    return ascii.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 160).replace(/-+$/, "");
  }

  if (title && slug && form.getAttribute("data-slug-auto") === "1") {
    // A slug that differs from the title's was chosen by hand (or kept from a re-shown form): leave it.
    var slugByHand = slug.value !== "" && slug.value !== slugify(title.value);
    slug.addEventListener("input", function (event) {
      if (event.isTrusted) slugByHand = slug.value.trim() !== "";  // cleared by hand: follow the title again
    });
    title.addEventListener("input", function () {
      if (!slugByHand) slug.value = slugify(title.value);
    });
  }

  // ---- Word count ------------------------------------------------------------------------------

  function countWords(markdown) {
    var text = markdown
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")  // images count their alt text
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")  // links count their text, not the address
      .replace(/<[^>]+>/g, " ")
      .replace(/[#>*_`~|=\[\]()]+/g, " ");  // hyphens stay: "e-mail" is one word, a lone "-" is dropped below
    var words = text.match(/[^\s]+/g) || [];
    return words.filter(function (word) { return /[0-9A-Za-z\u00C0-\uFFFF]/.test(word); }).length;
  }

  function updateWordCount() {
    if (!wordCount || !body) return;
    if (kind === "troubleshooter") {
      var nodes = (body.value.match(/^\s*- id:/gm) || []).length;
      wordCount.textContent = nodes + (nodes === 1 ? " node" : " nodes");
      return;
    }
    var words = countWords(body.value);
    var minutes = Math.max(1, Math.round(words / 200));
    wordCount.textContent = words + (words === 1 ? " word" : " words") + " · about " + minutes + " min read";
  }

  // ---- Live preview and outline ----------------------------------------------------------------

  var previewTimer = null;
  var previewSeq = 0;
  var previewStatus = null;

  function ensurePreviewStatus() {
    if (previewStatus || !preview) return previewStatus;
    previewStatus = document.getElementById("editor-preview-status");
    if (!previewStatus) {
      // Kept outside the live region: "Updating…" on every keystroke would be noise for screen readers.
      previewStatus = document.createElement("p");
      previewStatus.id = "editor-preview-status";
      previewStatus.className = "editor-preview-status";
      previewStatus.hidden = true;
      preview.parentNode.insertBefore(previewStatus, preview);
    }
    return previewStatus;
  }

  function showPreviewState(state, text) {
    var status = ensurePreviewStatus();
    if (!status) return;
    status.textContent = text || "";
    status.hidden = !text;
    status.classList.toggle("is-error", state === "error");
    preview.classList.toggle("is-updating", state === "updating");
    if (state === "updating") preview.setAttribute("aria-busy", "true");
    else preview.removeAttribute("aria-busy");
  }

  function refreshPreview() {
    var url = form.getAttribute("data-preview-url");
    if (!preview || !url) return;
    var seq = ++previewSeq;
    showPreviewState("updating", "Updating…");
    post(url, new FormData(form)).then(function (response) {
      if (!response.ok) throw new Error("status " + response.status);
      return response.text();
    }).then(function (html) {
      if (seq !== previewSeq) return;  // a newer preview is on its way
      preview.innerHTML = html;  // the server's own sanitized rendering, same pipeline as public pages
      showPreviewState("ready", "");
      buildOutline();
    }).catch(function () {
      if (seq !== previewSeq) return;
      showPreviewState("error", "Preview unavailable");
    });
  }

  function schedulePreview() {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(refreshPreview, PREVIEW_DELAY_MS);
  }

  function plainHeading(text) {
    return text.replace(/[*_`~\[\]]|\]\([^)]*\)|\{[^}]*\}/g, "").replace(/\s+/g, " ").trim().toLowerCase();
  }

  // Offset of the Markdown line "## <text>" (or "### ") in the body, or -1.
  function headingOffset(level, text) {
    if (!body) return -1;
    var wanted = plainHeading(text);
    var lines = body.value.split("\n");
    var offset = 0;
    var fallback = -1;
    for (var i = 0; i < lines.length; i++) {
      var match = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(lines[i]);
      if (match && plainHeading(match[2].replace(/\]\([^)]*\)/g, "]")) === wanted) {
        if (match[1].length === level) return offset;
        if (fallback < 0) fallback = offset;
      }
      offset += lines[i].length + 1;
    }
    return fallback;
  }

  function scrollParent(element) {
    for (var node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      var overflow = window.getComputedStyle(node).overflowY;
      if ((overflow === "auto" || overflow === "scroll") && node.scrollHeight > node.clientHeight) return node;
    }
    return null;
  }

  // Scroll the preview to an element, and put the caret on its line in the text (when one is found).
  function goTo(target, offset) {
    var pane = scrollParent(target);
    if (pane) {
      pane.scrollTop += target.getBoundingClientRect().top - pane.getBoundingClientRect().top - 8;
    } else {
      target.scrollIntoView({ block: "start", behavior: "smooth" });
    }
    if (offset < 0 || !body) return;
    body.focus({ preventScroll: true });
    body.setSelectionRange(offset, offset);
    // Bring the caret's line into view: the textarea does not scroll to a caret set from script.
    var lineHeight = parseFloat(window.getComputedStyle(body).lineHeight) || 20;
    var line = body.value.slice(0, offset).split("\n").length - 1;
    body.scrollTop = Math.max(0, line * lineHeight - body.clientHeight / 3);
  }

  // Offset of the YAML line "- id: <id>" in a troubleshooter's text, or -1.
  function nodeOffset(id) {
    var lines = body ? body.value.split("\n") : [];
    var offset = 0;
    for (var i = 0; i < lines.length; i++) {
      var match = /^\s*-\s+id:\s*["']?([^"'#]*?)["']?\s*(#.*)?$/.exec(lines[i]);
      if (match && match[1] === id) return offset + lines[i].indexOf("id:");
      offset += lines[i].length + 1;
    }
    return -1;
  }

  function outlineItem(className, label, onClick) {
    var item = document.createElement("li");
    item.className = className;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "outline-link";
    button.textContent = label;
    button.addEventListener("click", onClick);
    item.appendChild(button);
    outline.appendChild(item);
  }

  function emptyOutline(text) {
    var empty = document.createElement("li");
    empty.className = "outline-empty";
    empty.textContent = text;
    outline.appendChild(empty);
  }

  // A troubleshooter's outline: its nodes (from the server's preview), the ones with problems marked.
  function buildNodeOutline() {
    var general = preview.querySelector(".tree-outline > .tree-problems");
    if (general) {
      var count = general.querySelectorAll(".tree-problem").length;
      outlineItem("outline-node has-problems", "Whole tree: " + count + (count === 1 ? " problem" : " problems"),
        function () { goTo(general, -1); });
    }
    var nodes = preview.querySelectorAll(".tree-node");
    Array.prototype.forEach.call(nodes, function (node) {
      var code = node.querySelector(".tree-node-head code");
      var id = code ? code.textContent.trim() : "";
      var problems = node.querySelectorAll(".tree-problem").length;
      var label = (id || "(no id)") + (problems ? " · " + problems + (problems === 1 ? " problem" : " problems") : "");
      outlineItem("outline-node" + (problems ? " has-problems" : ""), label, function () { goTo(node, id ? nodeOffset(id) : -1); });
    });
    if (!nodes.length && !general) emptyOutline("No nodes yet.");
  }

  function buildOutline() {
    if (!outline || !preview) return;
    outline.textContent = "";
    if (kind === "troubleshooter") {
      buildNodeOutline();
      return;
    }
    var headings = preview.querySelectorAll("h2, h3");
    Array.prototype.forEach.call(headings, function (heading) {
      var level = heading.tagName === "H3" ? 3 : 2;
      outlineItem("outline-h" + level, heading.textContent, function () {
        goTo(heading, headingOffset(level, heading.textContent));
      });
    });
    if (!headings.length) emptyOutline("No headings yet: start a line with ## to add one.");
  }

  // ---- Image upload ----------------------------------------------------------------------------

  function insertAtCaret(text) {
    var start = body.selectionStart;
    var end = body.selectionEnd;
    var before = body.value.slice(0, start);
    var after = body.value.slice(end);
    // An image on its own line renders as a block and is easy to spot in the text.
    var lead = before === "" || /\n$/.test(before) ? "" : "\n";
    var tail = after === "" || /^\n/.test(after) ? "" : "\n";
    body.setRangeText(lead + text + tail, start, end, "end");
    announceInput(body);
  }

  function replaceText(placeholder, replacement) {
    var at = body.value.indexOf(placeholder);
    if (at < 0) {
      if (replacement) insertAtCaret(replacement);  // the writer removed the placeholder meanwhile
      return;
    }
    var end = at + placeholder.length;
    if (!replacement && body.value.charAt(end) === "\n" && (at === 0 || body.value.charAt(at - 1) === "\n")) end++;
    // Keep the writer's caret where it was relative to the text around it ("preserve" would select
    // the new Markdown when the caret sat right after the placeholder).
    var shift = replacement.length - (end - at);
    var start = body.selectionStart;
    var stop = body.selectionEnd;
    body.setRangeText(replacement, at, end);
    function moved(position) {
      if (position >= end) return position + shift;
      return position > at ? at + replacement.length : position;
    }
    body.setSelectionRange(moved(start), moved(stop));
    announceInput(body);
  }

  function reportUpload(text, isError) {
    if (!uploadStatus) return;
    uploadStatus.textContent = text;
    uploadStatus.classList.toggle("is-error", !!isError);
  }

  function uploadFailure(response, data) {
    if (data && data.error) return data.error;
    if (response && response.status === 413) return "The file is too large.";
    if (response && (response.status === 401 || response.status === 403)) return "You are signed out; sign in again and retry.";
    return "The upload failed. Try again.";
  }

  function upload(file) {
    var url = form.getAttribute("data-upload-url");
    var name = file.name || "image";
    if (!url || !body) return;
    if (IMAGE_TYPES.indexOf(file.type) < 0) {
      reportUpload(name + ": only PNG, JPEG, GIF and WebP images can be added.", true);
      return;
    }
    var placeholder = "![Uploading " + name.replace(/[\[\]]/g, "") + "…]()";
    insertAtCaret(placeholder);
    reportUpload("Uploading " + name + "…", false);
    var data = new FormData();
    data.append("file", file, name);
    var response = null;
    post(url, data, { Accept: "application/json" }).then(function (reply) {
      response = reply;
      return reply.json().catch(function () { return null; });
    }).then(function (json) {
      if (response.ok && json && json.markdown) {
        replaceText(placeholder, json.markdown);
        reportUpload("Added " + (json.filename || name) + ".", false);
      } else {
        replaceText(placeholder, "");
        reportUpload(name + ": " + uploadFailure(response, json), true);
      }
    }).catch(function () {
      replaceText(placeholder, "");
      reportUpload(name + ": the upload failed (no connection?). Try again.", true);
    });
  }

  function uploadAll(files) {
    Array.prototype.forEach.call(files, upload);
  }

  function hasFiles(event) {
    var types = event.dataTransfer && event.dataTransfer.types;
    return !!types && Array.prototype.indexOf.call(types, "Files") >= 0;
  }

  if (uploadInput) {
    uploadInput.addEventListener("change", function () {
      if (uploadInput.files && uploadInput.files.length) uploadAll(uploadInput.files);
      uploadInput.value = "";  // picking the same file again still uploads it
    });
  }

  if (body) {
    body.addEventListener("dragover", function (event) {
      if (!hasFiles(event)) return;
      event.preventDefault();  // without this the browser would open the file instead of dropping it here
      event.dataTransfer.dropEffect = "copy";
      body.classList.add("is-drop-target");
    });
    body.addEventListener("dragleave", function () { body.classList.remove("is-drop-target"); });
    body.addEventListener("drop", function (event) {
      body.classList.remove("is-drop-target");
      if (!hasFiles(event)) return;
      event.preventDefault();
      body.focus();
      uploadAll(event.dataTransfer.files);
    });
    body.addEventListener("paste", function (event) {
      var files = event.clipboardData && event.clipboardData.files;
      if (!files || !files.length) return;
      var images = Array.prototype.filter.call(files, function (file) { return IMAGE_TYPES.indexOf(file.type) >= 0; });
      if (!images.length) return;  // pasted text (and anything else) behaves as usual
      event.preventDefault();
      uploadAll(images);
    });
  }

  // ---- Autosave --------------------------------------------------------------------------------

  var autosaving = false;
  var autosaveTimer = null;

  function autosave(leaving) {
    var url = form.getAttribute("data-autosave-url");
    if (!url || submitted || autosaving || !changedSinceAutosave) return;
    autosaving = true;
    changedSinceAutosave = false;
    var data = new FormData(form);
    var request = post(url, data, { Accept: "application/json" }, leaving).catch(function (error) {
      if (!leaving) throw error;
      return post(url, data, { Accept: "application/json" });  // keepalive refuses bodies over 64 KB
    });
    request.then(function (response) {
      if (!response.ok) throw new Error("status " + response.status);
      return response.json();
    }).then(function (json) {
      if (submitted) return;
      setText(autosaveStatus, "Draft autosaved at " + (json && json.saved_at ? json.saved_at : "just now"));
      if (autosaveStatus) autosaveStatus.classList.remove("is-error");
    }).catch(function () {
      changedSinceAutosave = true;  // try again at the next tick
      if (submitted) return;
      setText(autosaveStatus, "Autosave failed — your text is still here; save to keep it.");
      if (autosaveStatus) autosaveStatus.classList.add("is-error");
    }).then(function () {
      autosaving = false;
    });
  }

  function startAutosave() {
    window.clearInterval(autosaveTimer);
    autosaveTimer = window.setInterval(function () { autosave(false); }, AUTOSAVE_EVERY_MS);
  }

  if (form.getAttribute("data-autosave-url")) {
    startAutosave();
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") autosave(true);
    });
  }

  // ---- Changes, leaving, saving ----------------------------------------------------------------

  function noteChange(event) {
    if (submitted) return;
    dirty = true;
    changedSinceAutosave = true;
    var target = event.target;
    if (target === body) updateWordCount();
    if (target && PREVIEW_FIELDS[target.id] && event.type === "input") schedulePreview();
  }

  form.addEventListener("input", noteChange);
  form.addEventListener("change", function (event) {
    if (event.target === uploadInput) return;  // picking a file changes the text, which reports itself
    noteChange(event);
  });

  form.addEventListener("submit", function () {
    submitted = true;
    dirty = false;
    window.clearInterval(autosaveTimer);
    window.clearTimeout(previewTimer);
  });

  window.addEventListener("beforeunload", function (event) {
    if (!dirty || submitted) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers show their own wording; the text is ignored
  });

  // Back to a submitted form from the back/forward cache: it is being edited again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted || !submitted) return;
    submitted = false;
    if (form.getAttribute("data-autosave-url")) startAutosave();
  });

  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    if (event.key !== "s" && event.key !== "S") return;
    event.preventDefault();  // instead of the browser's "Save page as"
    var save = form.querySelector("button[name=action][value=save]");
    if (!save) return;
    if (form.requestSubmit) form.requestSubmit(save);
    else save.click();
  });

  // ---- Start -----------------------------------------------------------------------------------

  updateWordCount();
  // The server's first rendering of the pane may be a placeholder: show the text being edited at once.
  if (preview && body && body.value.trim()) refreshPreview();
  else buildOutline();
})();
