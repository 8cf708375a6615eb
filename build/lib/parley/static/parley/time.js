// Recent times read as "2 hours ago"; the exact time the server wrote stays as the title.
// Without this script the exact time shows, so nothing depends on it.
(function () {
  "use strict";
  var units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
  var format = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat("en", { numeric: "auto" }) : null;
  function relative(seconds) {
    if (Math.abs(seconds) < 60) { return "just now"; }
    for (var i = 0; i < units.length; i++) {
      var size = units[i][1];
      if (Math.abs(seconds) >= size) {
        var n = Math.round(seconds / size);
        return format ? format.format(-n, units[i][0]) : n + " " + units[i][0] + (n === 1 ? "" : "s") + " ago";
      }
    }
    return "just now";
  }
  function refresh() {
    var now = Date.now();
    document.querySelectorAll("time[data-relative]").forEach(function (el) {
      var at = Date.parse(el.getAttribute("datetime"));
      var seconds = (now - at) / 1000;
      if (isNaN(at) || seconds > 7 * 86400 || seconds < -300) { return; }  // older than a week: the date reads better
      if (!el.title) { el.title = el.textContent; }
      el.textContent = relative(seconds);
    });
  }
  refresh();
  setInterval(refresh, 60000);
})();
