// The briefing's behaviour: the story's steps move the map (inside its sandboxed frame, by message),
// the map sends back a picture of itself for printing, and printing opens every folded source.
(function () {
  "use strict";
  var frame = document.querySelector("iframe.map");
  var picture = document.getElementById("map-picture");
  function toMap(message) { if (frame && frame.contentWindow) frame.contentWindow.postMessage(message, "*"); }

  // -- the story --------------------------------------------------------------------------------
  var dataEl = document.getElementById("story-data");
  var steps = dataEl ? JSON.parse(dataEl.textContent) : [];
  var articles = document.querySelectorAll("#story .step");
  var prev = document.getElementById("story-prev"), next = document.getElementById("story-next");
  var count = document.getElementById("story-count");
  var story = { index: 0, steps: steps.length, show: show };
  window.graphkitStory = story;
  function show(i) {
    if (!steps.length) return;
    story.index = Math.max(0, Math.min(steps.length - 1, i));
    articles.forEach(function (a, n) { a.hidden = n !== story.index; });
    count.textContent = "Step " + (story.index + 1) + " of " + steps.length;
    prev.disabled = story.index === 0;
    next.disabled = story.index === steps.length - 1;
    var step = steps[story.index];
    toMap({ graphkit: "story", nodes: step.nodes, links: step.links, date: step.date });
  }
  if (steps.length) {
    prev.addEventListener("click", function () { show(story.index - 1); });
    next.addEventListener("click", function () { show(story.index + 1); });
    document.addEventListener("keydown", function (ev) {
      var tag = (ev.target && ev.target.tagName) || "";
      if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      if (ev.key === "ArrowRight") { show(story.index + 1); ev.preventDefault(); }
      if (ev.key === "ArrowLeft") { show(story.index - 1); ev.preventDefault(); }
    });
  }

  // -- messages from the map ------------------------------------------------------------------------
  window.addEventListener("message", function (ev) {
    if (!frame || ev.source !== frame.contentWindow || !ev.data) return;
    if (ev.data.graphkit === "map-ready" && steps.length) show(story.index);
    if (ev.data.graphkit === "picture" && picture && /^data:image\/png;base64,[A-Za-z0-9+\/=]+$/.test(ev.data.src)) {
      picture.src = ev.data.src;
    }
  });

  // The map may have said it is ready before this script listened; tell it the step now too.
  if (steps.length) show(story.index);

  // -- print: the whole of each ranking, then as it was (sources stay counted; their URLs are listed) ------
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details.more"), function (d) { return !d.open; });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () { opened.forEach(function (d) { d.open = false; }); opened = []; });
})();
