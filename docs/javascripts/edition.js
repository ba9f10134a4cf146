/* Continuity Handbook: the banner on an old copy. The footer of every page carries the build
   instant and copy_warning_after (overrides/partials/copyright.html); this script, run when the
   page is viewed, shows the banner at the top of the page (overrides/main.html) once the copy is
   older than that, with its age. It needs nothing but the page itself: it works from file://. */
(function () {
  "use strict";
  var MINUTE = 60 * 1000;
  var HOUR = 60 * MINUTE;
  var DAY = 24 * HOUR;

  function count(n, unit) {
    return n + " " + unit + (n === 1 ? "" : "s");
  }

  function describe(age) {
    if (age >= DAY) return count(Math.floor(age / DAY), "day");
    if (age >= HOUR) return count(Math.floor(age / HOUR), "hour");
    return count(Math.floor(age / MINUTE), "minute");
  }

  function check() {
    var info = document.getElementById("hb-edition");
    var banner = document.getElementById("hb-stale");
    if (!info || !banner) return;
    var built = Number(info.getAttribute("data-built"));
    var limit = Number(info.getAttribute("data-warn-after")) * MINUTE;
    var age = Date.now() - built;
    if (!isFinite(built) || !isFinite(limit) || !(age > limit)) {
      banner.hidden = true;
      return;
    }
    banner.querySelector(".hb-stale-text").textContent =
      "This copy was built " + describe(age) + " ago, on " + info.getAttribute("data-built-text") +
      ", from data commit " + info.getAttribute("data-commit") + "; check for a newer one.";
    banner.hidden = false;
  }

  check();
})();
