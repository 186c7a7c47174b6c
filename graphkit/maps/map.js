// The map's behaviour. Every string from the data reaches the page through textContent or a
// checked href, never through innerHTML, so names and quotes show as text and run nothing.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graphkit-data").textContent);
  var info = data.info, sources = data.sources || {};
  var hiddenCats = new Set(), hiddenTypes = new Set();
  var catOf = {}, linksOf = {}, nodeTime = {}, edgeById = {};
  data.nodes.forEach(function (n) { catOf[n.id] = n.cat; linksOf[n.id] = []; nodeTime[n.id] = n.t || null; });
  data.edges.forEach(function (e) { linksOf[e.from].push(e.id); linksOf[e.to].push(e.id); edgeById[e.id] = e; });

  // What is shown: kinds and link types ticked in the key, claims dated up to the time cut (undated
  // ones unless hidden), and only nodes left with a visible link unless "show unlinked" is ticked.
  var view = { cut: null, undated: true, unlinked: false };
  var shownNodes = new Set(), shownEdges = new Set();
  function timeOk(t) { return t ? (view.cut === null || t <= view.cut) : view.undated; }
  function nodeOk(id) { return !hiddenCats.has(catOf[id]) && timeOk(nodeTime[id]); }
  function edgeOk(e) { return !hiddenTypes.has(e.rtype) && nodeOk(e.from) && nodeOk(e.to) && timeOk(e.t); }
  function computeShown() {
    shownEdges = new Set(); shownNodes = new Set();
    data.edges.forEach(function (e) {
      if (edgeOk(e)) { shownEdges.add(e.id); shownNodes.add(e.from); shownNodes.add(e.to); }
    });
    if (view.unlinked) data.nodes.forEach(function (n) { if (nodeOk(n.id)) shownNodes.add(n.id); });
  }
  computeShown();
  function nodeShown(id) { return shownNodes.has(id); }
  var mapEl = document.getElementById("map");
  // The layout runs left to right for wide screens; on a tall one (a phone held upright) it runs down.
  if (mapEl.clientHeight > 1.2 * mapEl.clientWidth) {
    data.nodes.forEach(function (n) { var x = n.x; n.x = n.y; n.y = x; });
  }
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return shownNodes.has(n.id); } });
  var edgeView = new vis.DataView(edges, { filter: function (e) { return shownEdges.has(e.id); } });
  var network = new vis.Network(mapEl, { nodes: nodeView, edges: edgeView }, data.options);
  var api = { network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView, data: data,
              view: view, ready: false, readyMs: null, selected: null, focused: [], focus: focusNode,
              showEdge: showEdge, showNode: showNode, refresh: refresh, fitShown: fitAll, listeners: [] };
  window.graphkitMap = api;
  function changed() { api.listeners.forEach(function (fn) { fn(); }); }
  // Fit frames what is shown; vis fits the shapes but not their labels, so step back a little.
  function fitAll() { fitTo(Array.from(shownNodes)); }
  // Our own fit: vis's counts the labels, which grow as one zooms out to keep them readable, so it
  // would zoom out further each time. Frame the shapes with room for names, above the time bar.
  function fitTo(ids) {
    var pos = network.getPositions(ids.length ? ids : Array.from(shownNodes)), keys = Object.keys(pos);
    if (!keys.length) return;
    var xs = keys.map(function (k) { return pos[k].x; }), ys = keys.map(function (k) { return pos[k].y; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var bar = document.getElementById("timebar"), below = bar && !bar.hidden ? bar.offsetHeight + 10 : 0;
    var width = mapEl.clientWidth, height = mapEl.clientHeight - below, pad = Math.min(90, width / 6);
    var scale = Math.min(1.2, (width - 2 * pad) / Math.max(x1 - x0, 1), (height - 2 * pad) / Math.max(y1 - y0, 1));
    scale = Math.max(scale, 0.01);
    network.moveTo({ position: { x: (x0 + x1) / 2, y: (y0 + y1) / 2 + below / 2 / scale }, scale: scale,
                     animation: false });
    if (typeof sizeNames === "function") sizeNames();
  }
  api.fitTo = fitTo;
  // The map opens on its core: the named actors (most money, most advice links) that are shown.
  function fitCore() {
    var core = data.nodes.filter(function (n) { return n.named && shownNodes.has(n.id); }).map(function (n) { return n.id; });
    fitTo(core.length > 1 ? core : Array.from(shownNodes));
  }
  // Names kept readable on the overview: labels (and shapes) grow as one zooms out, so they keep
  // their on-screen size; zoomed in they are drawn at their own size.
  // A story step's actors and link ends (api.labelled) are named first, whatever their weight.
  var FOCUS_PX = 14;
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = { id: n.id, font: n.font.size, size: n.size, px: n.named || 0 }; });
  var named = data.nodes.filter(function (n) { return n.named; }).map(function (n) { return byId[n.id]; });
  var lastFocused = [];
  function candidates() {
    var focused = (api.labelled || []).filter(function (id) { return byId[id]; });
    var first = focused.map(function (id) { return { id: id, font: byId[id].font, size: byId[id].size, px: FOCUS_PX, focus: true }; });
    return first.concat(named.filter(function (n) { return focused.indexOf(n.id) < 0; }));
  }
  var amounts = data.edges.filter(function (e) { return e.named; }).map(function (e) {
    return { id: e.id, font: e.font.size, px: e.named };
  });
  var namedScale = null;
  // Named labels keep their on-screen size however far one zooms out (never below 11 px), the
  // weightiest first; a name that would run into one already placed waits until one zooms in.
  function placeNames(scale) {
    var boxes = [], kept = {};
    var shown = candidates().filter(function (n) { return shownNodes.has(n.id); });
    var pos = network.getPositions(shown.map(function (n) { return n.id; }));
    shown.slice().sort(function (a, b) { return (b.focus ? 99 : b.px) - (a.focus ? 99 : a.px); }).forEach(function (n) {
      var p = network.canvasToDOM(pos[n.id]), label = (nodes.get(n.id).label || "").split("\n");
      var w = 0.56 * n.px * Math.max.apply(null, label.map(function (l) { return l.length; }));
      var top = p.y + Math.max(n.size * scale, 5), h = 1.25 * n.px * label.length;
      var box = [p.x - w / 2 - 3, top, p.x + w / 2 + 3, top + h + 2];
      var outside = box[0] < 0 || box[2] > mapEl.clientWidth;  // a name cut by the edge reads as another
      var clash = outside || boxes.some(function (b) { return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; });
      if (!clash) { boxes.push(box); kept[n.id] = true; }
    });
    // Amounts on money links, at the middle of each link, where they do not run into a name.
    amounts.forEach(function (e) {
      var edge = edgeById[e.id];
      if (!shownEdges.has(e.id)) return;
      var ends = network.getPositions([edge.from, edge.to]);
      var a = network.canvasToDOM(ends[edge.from]), b = network.canvasToDOM(ends[edge.to]);
      var lines = (edge.label || "").split("\n"), w = 0.56 * e.px * Math.max.apply(null, lines.map(function (l) { return l.length; }));
      var h = 1.25 * e.px * lines.length, x = (a.x + b.x) / 2, y = (a.y + b.y) / 2;
      var box = [x - w / 2, y - h / 2, x + w / 2, y + h / 2];
      var clash = boxes.some(function (q) { return box[0] < q[2] && q[0] < box[2] && box[1] < q[3] && q[1] < box[3]; });
      if (!clash) { boxes.push(box); kept[e.id] = true; }
    });
    return kept;
  }
  api.sizeNames = sizeNames;
  function sizeNames(force) {
    var scale = network.getScale();
    if (scale === namedScale && !force) return;
    namedScale = scale;
    var kept = placeNames(scale);
    api.namedShown = Object.keys(kept).length;
    var now = candidates(), ids = now.map(function (n) { return n.id; });
    var dropped = lastFocused.filter(function (id) { return ids.indexOf(id) < 0; }).map(function (id) { return byId[id]; });
    lastFocused = now.filter(function (n) { return n.focus; }).map(function (n) { return n.id; });
    if (now.length || dropped.length) nodes.update(now.concat(dropped).map(function (n) {
      var own = n.px ? Math.max(n.size, 5 / scale) : n.size;
      return { id: n.id, font: { size: kept[n.id] ? Math.max(n.font, n.px / scale) : n.font },
               size: n.focus ? Math.max(n.size, 7 / scale) : own };
    }));
    if (amounts.length) edges.update(amounts.map(function (e) {
      return { id: e.id, font: { size: kept[e.id] ? Math.max(e.font, e.px / scale) : e.font } };
    }));
  }
  var sizing = null;
  function sizeSoon() {
    if (sizing === null) sizing = requestAnimationFrame(function () { sizing = null; sizeNames(); });
  }
  network.on("zoom", sizeSoon);
  // vis may change the zoom without a "zoom" event (its own first fit, a resize): catch it on drawing.
  network.on("afterDrawing", function () { if (api.ready && network.getScale() !== namedScale) sizeSoon(); });
  network.once("afterDrawing", function () {
    fitCore();
    sizeNames();
    api.ready = true;
    api.readyMs = performance.now();
    if (api.pendingStory) api.story(api.pendingStory);
    setTimeout(function () { sizeNames(true); }, 250);
    document.body.setAttribute("data-ready", "1");
  });

  // -- small DOM helpers ------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function put(parent, child) { parent.appendChild(child); return child; }
  function safeUrl(url) {
    try {
      var parsed = new URL(String(url));
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (err) { return null; }
  }
  api.dom = { el: el, add: add };
  api.hiddenCats = hiddenCats; api.hiddenTypes = hiddenTypes; api.linksOf = linksOf;
  api.shownCount = function () { return { nodes: shownNodes.size, edges: shownEdges.size }; };
  function nameOf(id) { return (info.nodes[id] && info.nodes[id].name) || id; }
  function whatOf(id) {
    var n = info.nodes[id] || {};
    return [n.label, n.kind && n.kind !== String(n.label).toLowerCase() ? n.kind.replace(/_/g, " ") : null]
      .filter(Boolean).join(" · ");
  }
  function badge(evidence) {
    if (!evidence) return null;
    var weak = evidence === "alleged" || evidence === "inferred";
    return el("span", weak ? "badge weak" : "badge", evidence);
  }

  // -- sources with their quotes ----------------------------------------------------------
  function citeList(cites) {
    var order = [], quotes = {};
    (cites || []).forEach(function (c) {
      if (!quotes[c[0]]) { quotes[c[0]] = []; order.push(c[0]); }
      if (quotes[c[0]].indexOf(c[1]) < 0) quotes[c[0]].push(c[1]);
    });
    var list = el("ul", "cites");
    order.forEach(function (sid) {
      var src = sources[sid] || {}, item = el("li");
      var title = src.title || src.url || sid, href = safeUrl(src.url);
      if (href) {
        var a = el("a", null, title);
        a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
        add(item, a);
      } else {
        add(item, el("span", "src-title", title));
      }
      var meta = [src.publisher, src.date].filter(Boolean).join(" · ");
      if (!href && src.url) meta = [meta, String(src.url)].filter(Boolean).join(" · ");
      if (meta) add(item, el("div", "meta", meta));
      quotes[sid].forEach(function (q) { add(item, el("blockquote", null, "\u201c" + q + "\u201d")); });
      add(list, item);
    });
    return list;
  }

  function facts(rows) {
    if (!rows || !rows.length) return null;
    var dl = el("dl");
    rows.forEach(function (r) { add(dl, el("dt", null, r[0]), el("dd", null, r[1])); });
    return dl;
  }

  // -- the details panel ------------------------------------------------------------------
  var details = document.getElementById("details");
  function panel() { details.replaceChildren(); details.scrollTop = 0; return details; }

  function intro() {
    var p = panel(), box = put(p, el("div", "intro"));
    add(box, el("h2", null, "How to read this map"));
    [
      "Each shape is an actor, a contract, a programme or a document; colours and shapes are in the key on the left.",
      "Arrows run from who pays, commissions, advises or supports to whom. Thicker lines and bigger shapes carry more money.",
      "Dashed lines and outlines are alleged or inferred, not documented.",
      "Click any shape or line for its facts and its sources, each with the quote that supports it."
    ].forEach(function (t) { add(box, el("p", null, t)); });
    api.selected = null;
  }

  function linkLine(edgeId, nodeId) {
    var e = info.edges[edgeId], out = e.from === nodeId, li = el("li");
    var text = (out ? "\u2192 " + e.words + " " + nameOf(e.to) : "\u2190 " + nameOf(e.from) + " " + e.words);
    var button = el("button", null, text);
    button.type = "button";
    button.addEventListener("click", function () { selectEdge(edgeId); });
    add(li, button);
    if (e.total) add(li, document.createTextNode(" "), el("span", "money", e.total));
    add(li, badge(e.items.length === 1 ? e.items[0].evidence : (e.weak ? "alleged/inferred" : null)));
    return li;
  }

  function showNode(id) {
    var n = info.nodes[id];
    if (!n) return;
    var p = panel();
    var h = add(el("h2", null, n.name), badge(n.evidence));
    add(p, h, el("p", "what", whatOf(id)));
    if (n.aliases && n.aliases.length) add(p, el("p", "what", "Also: " + n.aliases.join("; ")));
    if (n.description) add(p, el("p", null, n.description));
    add(p, facts(n.facts));
    if (n.money && n.money.length) {
      add(p, el("h3", null, "Money"));
      var ul = put(p, el("ul"));
      n.money.forEach(function (m) { add(ul, el("li", "money", m)); });
    }
    var links = linksOf[id] || [];
    if (links.length) {
      add(p, el("h3", null, "Links (" + links.length + ")"));
      var list = put(p, el("ul", "links"));
      links.forEach(function (eid) { add(list, linkLine(eid, id)); });
    }
    add(p, el("h3", null, "Sources"), citeList(n.cites));
    api.selected = { node: id };
  }

  function nodeButton(id) {
    var b = el("button", null, nameOf(id));
    b.type = "button";
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }

  function showEdge(id) {
    var e = info.edges[id];
    if (!e) return;
    var p = panel();
    var h = add(el("h2"), document.createTextNode(nameOf(e.from) + " \u2192 " + e.words + " \u2192 " + nameOf(e.to)));
    add(p, h, el("p", "what", e.description));
    var ends = add(el("ul", "links"), add(el("li"), document.createTextNode("from "), nodeButton(e.from)),
                   add(el("li"), document.createTextNode("to "), nodeButton(e.to)));
    add(p, ends);
    if (e.total) add(p, el("p", "money", (e.items.length > 1 ? "Total: " : "") + e.total));
    e.items.forEach(function (it, i) {
      var box = put(p, el("div", "item"));
      if (e.items.length > 1) add(box, el("h3", null, "Item " + (i + 1) + " of " + e.items.length));
      if (it.amount) add(box, el("p", "money", it.amount));
      add(box, add(el("p", "what", "Evidence: " + (it.evidence || "not stated"))));
      add(box, facts(it.facts), el("h3", null, "Sources"), citeList(it.cites));
    });
    api.selected = { edge: id };
  }

  function selectEdge(id) {
    network.selectEdges([id]);
    showEdge(id);
  }

  // -- search -----------------------------------------------------------------------------
  var searchIndex = data.nodes.map(function (n) {
    var i = info.nodes[n.id] || {};
    return { id: n.id, keys: [i.name, n.id].concat(i.aliases || []).filter(Boolean).map(function (k) {
      return String(k).toLowerCase();
    }) };
  });
  var searchBox = document.getElementById("search"), results = document.getElementById("results");

  function matches(query) {
    var q = query.trim().toLowerCase();
    if (!q) return [];
    var exact = [], starts = [], contains = [];
    searchIndex.forEach(function (entry) {
      if (entry.keys.indexOf(q) >= 0) exact.push(entry.id);
      else if (entry.keys.some(function (k) { return k.indexOf(q) === 0; })) starts.push(entry.id);
      else if (entry.keys.some(function (k) { return k.indexOf(q) >= 0; })) contains.push(entry.id);
    });
    return exact.concat(starts, contains).slice(0, 12);
  }

  function showResults() {
    results.replaceChildren();
    matches(searchBox.value).forEach(function (id) {
      var b = add(el("button"), document.createTextNode(nameOf(id) + " "), el("span", "kind", whatOf(id)));
      b.type = "button";
      b.addEventListener("click", function () { focusNode(id); });
      add(results, add(el("li"), b));
    });
  }
  searchBox.addEventListener("input", showResults);
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    var found = matches(searchBox.value);
    if (found.length) focusNode(found[0]);
  });

  function focusNode(id) {
    if (!info.nodes[id]) return false;
    if (hiddenCats.has(catOf[id])) api.setCat(catOf[id], true);
    if (!shownNodes.has(id)) { view.unlinked = true; document.getElementById("show-unlinked").checked = true; refresh(); }
    network.selectNodes([id]);
    // Frame the actor with everyone it is linked to, but no closer than 120 %.
    var near = network.getConnectedNodes(id).filter(nodeShown);
    network.fit({ nodes: [id].concat(near), animation: false });
    if (network.getScale() > 1.2) network.moveTo({ position: network.getPositions([id])[id], scale: 1.2 });
    sizeNames();
    showNode(id);
    return true;
  }

  function refresh() {
    computeShown();
    nodeView.refresh(); edgeView.refresh();
    sizeNames(true);
    if (api.showEmpty) api.showEmpty();
    changed();
  }

  // -- hover, click, fit ------------------------------------------------------------------
  var tip = document.getElementById("tip");
  function showTip(text, pointer) {
    tip.textContent = text;
    tip.hidden = false;
    tip.style.left = Math.min(pointer.DOM.x + 14, mapEl.clientWidth - 330) + "px";
    tip.style.top = (pointer.DOM.y + 14) + "px";
  }
  network.on("hoverNode", function (params) {
    var n = info.nodes[params.node] || {};
    var lines = [n.name, whatOf(params.node)].concat((n.money || []).slice(0, 3));
    lines.push("click for facts and sources");
    showTip(lines.filter(Boolean).join("\n"), params.pointer);
  });
  network.on("hoverEdge", function (params) {
    var e = info.edges[params.edge];
    if (!e) return;
    var lines = [nameOf(e.from) + " \u2192 " + e.words + " \u2192 " + nameOf(e.to)];
    if (e.total) lines.push(e.total);
    lines.push("click for sources");
    showTip(lines.join("\n"), params.pointer);
  });
  ["blurNode", "blurEdge", "dragStart", "zoom"].forEach(function (ev) {
    network.on(ev, function () { tip.hidden = true; });
  });
  network.on("click", function (params) {
    tip.hidden = true;
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
    else intro();
  });
  document.getElementById("fit").addEventListener("click", fitAll);


  intro();
  if (data.focus && info.nodes[data.focus]) {
    network.selectNodes([data.focus]);
    showNode(data.focus);
  }
})();
