// Phones: the key and the details fold into a drawer opened from tabs. Inside a briefing: the story
// steps arrive as messages (actors and links to focus, a date for the slider), and the map sends a
// picture of itself back for printing.
(function () {
  "use strict";
  var api = window.graphkitMap, network = api.network;

  // -- drawer on narrow screens -------------------------------------------------------------------
  var tabs = document.querySelectorAll("#tabs button");
  function openPanel(name) {
    document.body.setAttribute("data-panel", name || "");
    tabs.forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-panel") === (name || ""))); });
  }
  tabs.forEach(function (b) {
    b.addEventListener("click", function () {
      var name = b.getAttribute("data-panel");
      openPanel(document.body.getAttribute("data-panel") === name ? "" : name);
    });
  });
  function narrow() { return window.matchMedia("(max-width: 1000px)").matches; }
  network.on("click", function (params) {
    if (narrow() && (params.nodes.length || params.edges.length)) openPanel("details");
  });
  openPanel("");

  // -- story steps from the briefing ----------------------------------------------------------------
  function edgeIds(links) {
    var wanted = {};
    (links || []).forEach(function (l) { wanted[l[0] + "\u0000" + l[1] + "\u0000" + l[2]] = true; });
    return api.data.edges.filter(function (e) {
      return wanted[e.from + "\u0000" + e.rtype + "\u0000" + e.to];
    }).map(function (e) { return e.id; });
  }
  api.story = function (step) {
    if (!api.ready) { api.pendingStory = step; return []; }
    api.pendingStory = null;
    var ids = (step.nodes || []).filter(function (id) { return api.data.info.nodes[id]; });
    api.setDate(step.date || null);
    ids.forEach(function (id) {
      if (!api.nodeView.get(id)) { api.view.unlinked = true; document.getElementById("show-unlinked").checked = true; }
    });
    api.refresh();
    var links = edgeIds(step.links).filter(function (id) { return api.edgeView.get(id); });
    var ends = [];
    links.forEach(function (id) { var e = api.edges.get(id); ends.push(e.from, e.to); });
    var marked = ids.concat(ends.filter(function (id) { return ids.indexOf(id) < 0; }));
    network.setSelection({ nodes: marked, edges: links }, { unselectAll: true, highlightEdges: false });
    // Frame the step's actors and links (one actor alone: with its neighbours), no closer than 100 %.
    var frameIds = marked.length === 1 ? marked.concat(network.getConnectedNodes(marked[0])) : marked;
    api.labelled = marked;  // named first, whatever their weight
    api.fitTo(frameIds.filter(function (id) { return api.nodeView.get(id); }));
    api.sizeNames(true);
    if (ids.length) api.showNode(ids[0]);
    else if (links.length) api.showEdge(links[0]);
    api.focused = ids;
    return ids;
  };

  var inFrame = window.parent !== window;
  if (inFrame) document.body.classList.add("framed");
  window.addEventListener("message", function (ev) {
    if (!inFrame || ev.source !== window.parent || !ev.data || ev.data.graphkit !== "story") return;
    api.story(ev.data);
  });

  // -- a picture for the printed briefing -------------------------------------------------------------
  var pending = null;
  function sendPicture() {
    pending = null;
    var canvas = document.querySelector("#map canvas");
    if (!canvas || !canvas.width) return;
    window.parent.postMessage({ graphkit: "picture", src: canvas.toDataURL("image/png") }, "*");
  }
  if (inFrame) {
    network.on("afterDrawing", function () {
      if (pending !== null) clearTimeout(pending);
      pending = setTimeout(sendPicture, 700);
    });
    window.parent.postMessage({ graphkit: "map-ready" }, "*");
  }
})();
