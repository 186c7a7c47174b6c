// The map's behaviour. Every string from the data reaches the page through textContent or a
// checked href, never through innerHTML, so names and quotes show as text and run nothing.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graphkit-data").textContent);
  var info = data.info, sources = data.sources || {};
  var SVG = "http://www.w3.org/2000/svg";
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
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return shownNodes.has(n.id); } });
  var edgeView = new vis.DataView(edges, { filter: function (e) { return shownEdges.has(e.id); } });
  var mapEl = document.getElementById("map");
  var network = new vis.Network(mapEl, { nodes: nodeView, edges: edgeView }, data.options);
  var api = { network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView, data: data,
              view: view, ready: false, readyMs: null, selected: null, focused: [], focus: focusNode,
              showEdge: showEdge, showNode: showNode, refresh: refresh, fitShown: fitAll, listeners: [] };
  window.graphkitMap = api;
  function changed() { api.listeners.forEach(function (fn) { fn(); }); }
  // Fit frames what is shown; vis fits the shapes but not their labels, so step back a little.
  function fitAll() { fitTo(Array.from(shownNodes)); }
  function fitTo(ids) {
    network.fit({ nodes: ids.length ? ids : Array.from(shownNodes), animation: false });
    network.moveTo({ scale: network.getScale() * 0.9, animation: false });
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
  var named = data.nodes.filter(function (n) { return n.named; }).map(function (n) {
    return { id: n.id, font: n.font.size, size: n.size, px: n.named };
  });
  var amounts = data.edges.filter(function (e) { return e.named; }).map(function (e) {
    return { id: e.id, font: e.font.size, px: e.named };
  });
  var namedScale = null;
  // Named labels keep their on-screen size however far one zooms out (never below 11 px), the
  // weightiest first; a name that would run into one already placed waits until one zooms in.
  function placeNames(scale) {
    var boxes = [], kept = {};
    var shown = named.filter(function (n) { return shownNodes.has(n.id); });
    var pos = network.getPositions(shown.map(function (n) { return n.id; }));
    shown.slice().sort(function (a, b) { return b.px - a.px; }).forEach(function (n) {
      var p = network.canvasToDOM(pos[n.id]), label = (nodes.get(n.id).label || "").split("\n");
      var w = 0.56 * n.px * Math.max.apply(null, label.map(function (l) { return l.length; }));
      var top = p.y + Math.max(n.size * scale, 5), h = 1.25 * n.px * label.length;
      var box = [p.x - w / 2 - 3, top, p.x + w / 2 + 3, top + h + 2];
      var clash = boxes.some(function (b) { return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; });
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
  api.sizeNames = function (force) { sizeNames(force); };
  function sizeNames(force) {
    var scale = network.getScale();
    if (scale === namedScale && !force) return;
    namedScale = scale;
    var kept = placeNames(scale);
    api.namedShown = Object.keys(kept).length;
    if (named.length) nodes.update(named.map(function (n) {
      return { id: n.id, font: { size: kept[n.id] ? Math.max(n.font, n.px / scale) : n.font },
               size: Math.max(n.size, 5 / scale) };
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
    if (hiddenCats.has(catOf[id])) setCat(catOf[id], true);
    if (!shownNodes.has(id)) { view.unlinked = true; unlinkedBox.checked = true; refresh(); }
    network.selectNodes([id]);
    // Frame the actor with everyone it is linked to, but no closer than 120 %.
    var near = network.getConnectedNodes(id).filter(nodeShown);
    network.fit({ nodes: [id].concat(near), animation: false });
    if (network.getScale() > 1.2) network.moveTo({ position: network.getPositions([id])[id], scale: 1.2 });
    sizeNames();
    showNode(id);
    return true;
  }

  // -- legend and filters -----------------------------------------------------------------
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function polygon(points) { return svg("polygon", { points: points }); }
  function shapeIcon(shape, colour, dashed) {
    var box = svg("svg", { width: 16, height: 16, viewBox: "0 0 16 16", "aria-hidden": "true" }), s;
    if (shape === "square") s = svg("rect", { x: 2.5, y: 2.5, width: 11, height: 11 });
    else if (shape === "diamond") s = polygon("8,1 15,8 8,15 1,8");
    else if (shape === "triangle") s = polygon("8,1.5 15,14 1,14");
    else if (shape === "triangleDown") s = polygon("1,2 15,2 8,14.5");
    else if (shape === "hexagon") s = polygon("4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8");
    else if (shape === "star") s = polygon("8,0.8 10,6 15.5,6 11,9.4 12.8,15 8,11.6 3.2,15 5,9.4 0.5,6 6,6");
    else s = svg("circle", { cx: 8, cy: 8, r: 6.5 });
    s.setAttribute("fill", colour);
    s.setAttribute("stroke", dashed ? "#333" : colour);
    if (dashed) s.setAttribute("stroke-dasharray", "2 1.5");
    box.appendChild(s);
    return box;
  }
  function lineIcon(colour, dashed, width) {
    var box = svg("svg", { width: 28, height: 12, viewBox: "0 0 28 12", "aria-hidden": "true" });
    var line = svg("line", { x1: 1, y1: 6, x2: 27, y2: 6, stroke: colour, "stroke-width": width || 2.5 });
    if (dashed) line.setAttribute("stroke-dasharray", "4 3");
    box.appendChild(line);
    return box;
  }

  var catBoxes = {}, typeBoxes = {};
  function refresh() {
    computeShown();
    nodeView.refresh(); edgeView.refresh();
    sizeNames(true);
    showEmpty();
    changed();
  }
  function setCat(key, on) {
    if (on) hiddenCats.delete(key); else hiddenCats.add(key);
    if (catBoxes[key]) catBoxes[key].checked = on;
    refresh();
  }
  function setType(key, on) {
    if (on) hiddenTypes.delete(key); else hiddenTypes.add(key);
    if (typeBoxes[key]) typeBoxes[key].checked = on;
    refresh();
  }
  function legendRow(list, row, icon, boxes, setter, kind) {
    var box = el("input");
    box.type = "checkbox"; box.checked = true;
    box.setAttribute("data-" + kind, row.key);
    box.addEventListener("change", function () { setter(row.key, box.checked); });
    boxes[row.key] = box;
    var label = add(el("label"), box, icon, el("span", null, row.text), el("span", "count", row.count));
    add(list, add(el("li"), label));
  }
  var kindList = document.getElementById("legend-kinds"), typeList = document.getElementById("legend-types");
  data.legend.kinds.forEach(function (row) {
    legendRow(kindList, row, shapeIcon(row.shape, row.color), catBoxes, setCat, "kind");
    kindList.lastChild.title = row.kinds.join(", ");
  });
  data.legend.types.forEach(function (row) {
    legendRow(typeList, row, lineIcon(row.color, false, row.money ? 4 : 2), typeBoxes, setType, "type");
  });
  document.getElementById("show-all").addEventListener("click", function () {
    hiddenCats.clear(); hiddenTypes.clear();
    view.cut = null; view.undated = true;
    if (api.resetTime) api.resetTime();
    Object.keys(catBoxes).forEach(function (k) { catBoxes[k].checked = true; });
    Object.keys(typeBoxes).forEach(function (k) { typeBoxes[k].checked = true; });
    refresh();
  });
  var notes = document.getElementById("legend-notes");
  add(notes, add(el("p"), lineIcon("#666", true), el("span", null, "alleged or inferred (dashed)")));
  add(notes, add(el("p"), lineIcon("#666", false, 7), el("span", null, "thicker: more money")));
  add(notes, add(el("p"), shapeIcon("dot", "#999", true), el("span", null, "dashed outline: alleged or inferred")));
  add(notes, el("p", null, "Bigger shapes received more money; the rest are sized by their number of links."));

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

  // -- unlinked nodes, and a filter that leaves nothing -----------------------------------------
  var unlinkedBox = document.getElementById("show-unlinked");
  var unlinkedCount = data.nodes.filter(function (n) { return !linksOf[n.id].length; }).length;
  document.getElementById("unlinked-count").textContent = unlinkedCount ? "(" + unlinkedCount + " without any link)" : "";
  unlinkedBox.addEventListener("change", function () { view.unlinked = unlinkedBox.checked; refresh(); });
  var emptyBox = document.getElementById("empty");
  function showEmpty() {
    var none = shownEdges.size === 0;
    emptyBox.hidden = !none;
    if (!none) return;
    emptyBox.replaceChildren();
    add(emptyBox, el("strong", null, "No links to show. "));
    var why = data.empty || (data.edges.length ? "The filters, the key or the time slider hide every link; "
      + (shownNodes.size ? shownNodes.size + " unlinked actors are shown." : "tick “show unlinked” to see the actors.")
      : "This map holds no links.");
    add(emptyBox, el("span", null, why));
    if (hiddenCats.size || hiddenTypes.size || view.cut !== null || !view.undated) {
      var reset = el("button", "link", "Show everything");
      reset.type = "button";
      reset.addEventListener("click", function () { document.getElementById("show-all").click(); });
      add(emptyBox, document.createTextNode(" "), reset);
    }
  }
  showEmpty();

  intro();
  if (data.focus && info.nodes[data.focus]) {
    network.selectNodes([data.focus]);
    showNode(data.focus);
  }
})();
