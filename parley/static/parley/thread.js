// The discussion: the answer to an action gets the focus (it is beside the comment acted on, and a
// screen reader reads it), and each comment with replies gets a button that folds them away.
// Without this script every reply shows and the answer is still drawn beside the comment.
(function () {
  "use strict";
  var note = document.querySelector(".discussion .note[tabindex]");
  // After the load, once the browser has scrolled to the comment's #anchor (which moves the focus).
  if (note) { window.addEventListener("load", function () { setTimeout(function () { note.focus(); }, 0); }); }
  var items = Array.prototype.slice.call(document.querySelectorAll(".discussion ol.thread > li.comment"));
  function depth(li) { return parseInt(li.getAttribute("data-depth") || "0", 10); }
  items.forEach(function (li, i) {
    var below = [];
    for (var j = i + 1; j < items.length && depth(items[j]) > depth(li); j++) { below.push(items[j]); }
    if (!below.length) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "fold";
    button.setAttribute("aria-expanded", "true");
    var label = below.length + (below.length === 1 ? " reply" : " replies");
    function draw(open) {
      button.textContent = open ? "− Hide " + label : "+ Show " + label;
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    draw(true);
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      var folded = null;  // the depth of an inner comment whose replies stay folded while this opens
      below.forEach(function (reply) {
        if (!open) { reply.hidden = true; return; }
        if (folded !== null && depth(reply) > folded) { return; }
        folded = null;
        reply.hidden = false;
        var inner = reply.querySelector(":scope > button.fold");
        if (inner && inner.getAttribute("aria-expanded") === "false") { folded = depth(reply); }
      });
      draw(open);
    });
    // After the comment's text, so it reads as being about the replies below, not the comment
    var text = li.querySelector(":scope > .comment-body, :scope > p.tombstone");
    if (text) { text.insertAdjacentElement("afterend", button); } else { li.insertBefore(button, li.firstChild); }
  });
})();
