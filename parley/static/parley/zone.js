// Settings: a button beside the time-zone list chooses the browser's own zone. Without this
// script the list works alone; the server checks whatever is chosen.
(function () {
  "use strict";
  var select = document.querySelector("select[data-browser-zone]");
  var zone = "";
  try { zone = window.Intl ? Intl.DateTimeFormat().resolvedOptions().timeZone : ""; } catch (e) { zone = ""; }
  if (!select || !zone) { return; }
  var shown = zone.replace(/_/g, " ");
  var button = document.createElement("button");
  button.type = "button";
  button.className = "link browser-zone";
  button.textContent = "Use my browser's time zone (" + shown + ")";
  var note = document.createElement("span");
  note.className = "help browser-zone-note";
  note.setAttribute("role", "status");
  button.addEventListener("click", function () {
    var option = null;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === zone) { option = select.options[i]; break; }
    }
    if (!option) {  // an older name the list gives under a newer one ("Asia/Calcutta"): offered as it is
      option = new Option(shown + " (your browser's)", zone);
      var first = select.options[0];  // the site's time, a child of the select itself
      select.insertBefore(option, first ? first.nextSibling : null);
    }
    select.value = zone;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    note.textContent = "Chosen: " + option.textContent + ". Save to keep it.";
  });
  select.insertAdjacentElement("afterend", note);
  select.insertAdjacentElement("afterend", button);
})();
