// The time slider: the map as it stood at a month between its first and last dated claims.
// Claims dated after the slider's month are hidden; undated ones stay unless "undated" is unticked.
(function () {
  "use strict";
  var api = window.graphkitMap, range = api.data.time;
  var bar = document.getElementById("timebar");
  api.setDate = function () { return false; };
  api.resetTime = function () {};
  if (!range) return;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var first = range.first.split("-").map(Number), last = range.last.split("-").map(Number);
  var months = [];
  for (var y = first[0], m = first[1]; y < last[0] || (y === last[0] && m <= last[1]); m === 12 ? (y++, m = 1) : m++) {
    months.push(y + "-" + (m < 10 ? "0" : "") + m);
  }
  var slider = document.getElementById("time"), label = document.getElementById("time-label");
  var undated = document.getElementById("undated"), play = document.getElementById("play");
  slider.max = String(months.length - 1);
  slider.value = slider.max;
  bar.hidden = false;
  document.body.classList.add("has-time");

  function monthName(ym) { var p = ym.split("-"); return MONTHS[Number(p[1]) - 1] + " " + p[0]; }
  function apply() {
    var i = Number(slider.value), ym = months[i];
    api.view.cut = ym + "-31";
    label.textContent = (i === months.length - 1 ? "all, to " : "as of ") + monthName(ym);
    api.refresh();
  }
  slider.addEventListener("input", apply);
  undated.addEventListener("change", function () { api.view.undated = undated.checked; api.refresh(); });

  var timer = null;
  function stop() { if (timer !== null) { clearInterval(timer); timer = null; } play.textContent = "\u25B6"; }
  play.addEventListener("click", function () {
    if (timer !== null) { stop(); return; }
    var step = Math.max(1, Math.ceil(months.length / 60));
    if (Number(slider.value) >= months.length - 1) slider.value = "0";
    apply();
    play.textContent = "\u275A\u275A";
    timer = setInterval(function () {
      var next = Math.min(months.length - 1, Number(slider.value) + step);
      slider.value = String(next);
      apply();
      if (next >= months.length - 1) stop();
    }, 450);
  });

  // A date (2009, 2009-11 or 2009-11-28) moves the slider to its month (or the year's last).
  api.setDate = function (text) {
    stop();
    if (!text) { slider.value = slider.max; apply(); return true; }
    var parts = String(text).split("-"), ym = parts[0] + "-" + (parts[1] || "12");
    var i = months.indexOf(ym);
    if (i < 0) i = ym < months[0] ? 0 : months.length - 1;
    slider.value = String(i);
    apply();
    return true;
  };
  api.resetTime = function () { stop(); slider.value = slider.max; undated.checked = true; apply(); };
  apply();
})();
