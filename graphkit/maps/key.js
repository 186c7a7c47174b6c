// The key and its filters: families of nodes and types of links to tick, "show unlinked", and what the
// page says when the filters leave no link. Works on the map's api (map.js).
(function () {
  "use strict";
  var api = window.graphkitMap, data = api.data, view = api.view, refresh = api.refresh;
  var hiddenCats = api.hiddenCats, hiddenTypes = api.hiddenTypes, linksOf = api.linksOf;
  var el = api.dom.el, add = api.dom.add;
  var SVG = "http://www.w3.org/2000/svg";

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

  // -- unlinked nodes, and a filter that leaves nothing -----------------------------------------
  var unlinkedBox = document.getElementById("show-unlinked");
  var unlinkedCount = data.nodes.filter(function (n) { return !linksOf[n.id].length; }).length;
  document.getElementById("unlinked-count").textContent = unlinkedCount ? "(" + unlinkedCount + " without any link)" : "";
  unlinkedBox.addEventListener("change", function () { view.unlinked = unlinkedBox.checked; refresh(); });
  var emptyBox = document.getElementById("empty");
  function showEmpty() {
    var shown = api.shownCount(), none = shown.edges === 0;
    emptyBox.hidden = !none;
    if (!none) return;
    emptyBox.replaceChildren();
    add(emptyBox, el("strong", null, "No links to show. "));
    var why = data.empty || (data.edges.length ? "The filters, the key or the time slider hide every link; "
      + (shown.nodes ? shown.nodes + " unlinked actors are shown." : "tick “show unlinked” to see the actors.")
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
  api.setCat = setCat;
  api.setType = setType;
  api.showEmpty = showEmpty;
})();
