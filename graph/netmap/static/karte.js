/*
 * Bündnisnetz map viewer: draws the data of graph.netmap.vis.vis_data with vis-network.
 * Used by the standalone HTML page and by the app's map component (komponente.js).
 *
 * - Labels keep one size on screen at every zoom; where two would overlap, the more important
 *   node keeps its label and the other shows its name on hover (tooltip) or when zoomed in.
 *   Labels that would be cut off at the frame are hidden the same way.
 * - Search, zoom in/out, fit, PNG export of the current view.
 * - Every name from the data is set as text (textContent, vis-network labels and tooltips),
 *   never as markup.
 */
(function () {
  "use strict";

  var FONT_FACE = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var LINE = 1.22;   // label line height, relative to the font size
  var PAD = { edge: 8 };  // screen pixels kept free at the frame when fitting

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var SVG = "http://www.w3.org/2000/svg";
  function swatch(shape, colour) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "14"); svg.setAttribute("height", "14"); svg.setAttribute("aria-hidden", "true");
    var item;
    if (shape === "dot") {
      item = document.createElementNS(SVG, "circle");
      item.setAttribute("cx", "7"); item.setAttribute("cy", "7"); item.setAttribute("r", "6");
    } else if (shape === "diamond" || shape === "triangle" || shape === "hexagon") {
      item = document.createElementNS(SVG, "polygon");
      item.setAttribute("points", {diamond: "7,0 14,7 7,14 0,7", triangle: "7,1 13,13 1,13",
                                   hexagon: "3.5,1 10.5,1 14,7 10.5,13 3.5,13 0,7"}[shape]);
    } else {
      item = document.createElementNS(SVG, "rect");
      item.setAttribute("x", "1"); item.setAttribute("y", "1"); item.setAttribute("width", "12");
      item.setAttribute("height", "12");
    }
    item.setAttribute("fill", colour); item.setAttribute("stroke", "#555");
    svg.appendChild(item);
    return svg;
  }

  function lineSample(style) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "34"); svg.setAttribute("height", "10"); svg.setAttribute("aria-hidden", "true");
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", "1"); line.setAttribute("y1", "5"); line.setAttribute("x2", "33"); line.setAttribute("y2", "5");
    line.setAttribute("stroke", style.color); line.setAttribute("stroke-width", "2");
    if (style.dashes) line.setAttribute("stroke-dasharray", style.dashes.join(" "));
    svg.appendChild(line);
    return svg;
  }

  function buildLegend(aside, data) {
    aside.appendChild(el("h2", {}, "Legende"));
    if (data.note && data.aggregated) aside.appendChild(el("p", {"class": "bn-hinweis"}, data.note));
    var list = el("ul", {});
    data.legend.concat(data.shapes || []).forEach(function (entry) {
      var item = el("li", {});
      item.appendChild(swatch(entry.shape, entry.colour));
      item.appendChild(el("span", {}, entry.label));
      list.appendChild(item);
    });
    aside.appendChild(list);
    if (data.edgeLegend.length) {
      aside.appendChild(el("h3", {}, "Linien"));
      var lines = el("ul", {});
      data.edgeLegend.forEach(function (entry) {
        var item = el("li", {});
        item.appendChild(lineSample(entry));
        item.appendChild(el("span", {}, entry.text));
        lines.appendChild(item);
      });
      aside.appendChild(lines);
    }
    data.notes.forEach(function (text) { aside.appendChild(el("p", {"class": "bn-notiz"}, text)); });
  }

  /* Mount a map into `root`. hooks: onSelect(id, how), onActivate(id) (drill down / open), fileStem, height. */
  function mount(root, data, hooks) {
    hooks = hooks || {};
    root.textContent = "";
    var frame = el("div", {"class": "bn-karte"});
    var tools = el("div", {"class": "bn-werkzeug", role: "toolbar", "aria-label": "Kartenwerkzeuge"});
    var searchLabel = el("label", {"for": "bn-suche"}, "Suchen ");
    var search = el("input", {id: "bn-suche", type: "search", list: "bn-namen", autocomplete: "off",
                              placeholder: "Name eingeben …", "aria-describedby": "bn-treffer"});
    var names = el("datalist", {id: "bn-namen"});
    var buttons = {};
    [["zoomIn", "+", "Vergrößern"], ["zoomOut", "−", "Verkleinern"], ["fit", "Einpassen", "Ganze Karte zeigen"],
     ["png", "PNG", "Ansicht als PNG-Bild herunterladen"]].forEach(function (b) {
      buttons[b[0]] = el("button", {type: "button", title: b[2], "aria-label": b[2], "data-aktion": b[0]}, b[1]);
    });
    var found = el("span", {id: "bn-treffer", role: "status", "aria-live": "polite"});
    tools.appendChild(searchLabel); tools.appendChild(search); tools.appendChild(names);
    Object.keys(buttons).forEach(function (k) { tools.appendChild(buttons[k]); });
    tools.appendChild(found);
    var body = el("div", {"class": "bn-rahmen"});
    var canvasBox = el("div", {id: "mynetwork", "class": "bn-zeichnung", role: "img",
                               "aria-label": (data.title || "Netzwerkkarte") + " – die Tabelle daneben enthält dieselben Angaben"});
    canvasBox.style.height = (hooks.height || 560) + "px";
    var aside = el("aside", {"class": "bn-legende", "aria-label": "Legende", tabindex: "0"});
    aside.style.maxHeight = canvasBox.style.height;  // scrolls rather than growing past the drawing
    buildLegend(aside, data);
    var details = el("div", {"class": "bn-details", role: "status"});
    aside.appendChild(details);
    body.appendChild(canvasBox); body.appendChild(aside);
    frame.appendChild(tools); frame.appendChild(body);
    root.appendChild(frame);

    var meta = {};
    var visNodes = data.nodes.map(function (n) {
      meta[n.id] = {importance: n.importance, drill: n.drill, kind: n.kind, label: n.label || "",
                    size: n.size, shape: n.shape, baseFont: n.font.size};
      var copy = Object.assign({}, n);
      delete copy.importance; delete copy.drill; delete copy.kind;
      return copy;
    });
    var order = data.nodes.map(function (n) { return n.id; })
      .sort(function (a, b) { return meta[b].importance - meta[a].importance || (a < b ? -1 : 1); });
    data.nodes.forEach(function (n) {
      var option = document.createElement("option");
      option.value = n.label.replace(/\n/g, " ");
      names.appendChild(option);
    });

    var nodes = new vis.DataSet(visNodes);
    var edges = new vis.DataSet(data.edges.map(function (e) { var c = Object.assign({}, e); delete c.type; return c; }));
    var network = new vis.Network(canvasBox, {nodes: nodes, edges: edges}, data.options);
    var forced = {};      // ids whose label shows whatever else (the selected node)
    var shown = {};       // ids whose label is drawn now
    var measure = document.createElement("canvas").getContext("2d");

    function labelBox(id, p, scale) {
      var m = meta[id];
      var px = m.baseFont;
      measure.font = px + "px " + FONT_FACE;
      var lines = m.label.split("\n");
      var width = 0;
      lines.forEach(function (line) { width = Math.max(width, measure.measureText(line).width); });
      var height = lines.length * px * LINE;
      width += 6; height += 4;
      var top = m.shape === "text" ? p.y - height / 2 : p.y + (m.size + 3) * scale - 2;
      return {left: p.x - width / 2, right: p.x + width / 2, top: top, bottom: top + height};
    }

    function overlaps(a, b) {
      return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    }

    /* Give each label the same size on screen and keep only labels that neither overlap nor leave the frame. */
    function relabel() {
      var scale = network.getScale();
      var positions = network.getPositions();
      var width = canvasBox.clientWidth, height = canvasBox.clientHeight;
      var placed = [];
      var ids = Object.keys(forced).concat(order.filter(function (id) { return !forced[id]; }));
      var updates = [];
      // In an overview the points are the content: a name must not cover another point either.
      var points = data.aggregated ? order.filter(function (id) { return positions[id] && meta[id].shape !== "text"; })
        .map(function (id) {
          var p = network.canvasToDOM(positions[id]), r = meta[id].size * scale;
          return {id: id, box: {left: p.x - r, right: p.x + r, top: p.y - r, bottom: p.y + r}};
        }) : [];
      shown = {};
      ids.forEach(function (id) {
        if (!positions[id] || !meta[id].label) return;
        var box = labelBox(id, network.canvasToDOM(positions[id]), scale);
        var inside = box.left >= 0 && box.right <= width && box.top >= 0 && box.bottom <= height;
        var free = !placed.some(function (other) { return overlaps(other, box); }) &&
                   !points.some(function (point) { return point.id !== id && overlaps(point.box, box); });
        var show = forced[id] || (inside && free);
        if (show) { placed.push(box); shown[id] = true; }
        updates.push({id: id, font: {size: show ? meta[id].baseFont / scale : 0}});
      });
      nodes.update(updates);
    }

    var pending = null;
    function relabelSoon() {
      if (pending) cancelAnimationFrame(pending);
      pending = requestAnimationFrame(function () { pending = null; relabel(); });
    }

    /* Fit all nodes, with room for the labels of the most important ones (the ones most likely shown);
       any label that still would not fit is hidden by relabel(). */
    function fitView() {
      var positions = network.getPositions();
      var ids = Object.keys(positions);
      if (!ids.length) return;
      var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
      ids.forEach(function (id) {
        var p = positions[id], r = meta[id].shape === "text" ? 0 : meta[id].size;
        minX = Math.min(minX, p.x - r); maxX = Math.max(maxX, p.x + r);
        minY = Math.min(minY, p.y - r); maxY = Math.max(maxY, p.y + r);
      });
      var width = canvasBox.clientWidth, height = canvasBox.clientHeight;
      var cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
      var scale = Math.min((width - 2 * PAD.edge) / Math.max(maxX - minX, 1),
                           (height - 2 * PAD.edge) / Math.max(maxY - minY, 1), 1.0);
      order.slice(0, 12).forEach(function (id) {
        var p = positions[id];
        if (!p || !meta[id].label) return;
        var box = labelBox(id, {x: 0, y: 0}, 0);  // label size in screen pixels, relative to the node
        var half = (box.right - box.left) / 2 + PAD.edge;
        if (half > width / 4) return;  // a long name must not shrink the whole map: it shows on hover
        var dx = Math.abs(p.x - cx);
        if (dx > 0 && half < width / 2) scale = Math.min(scale, (width / 2 - half) / dx);
        if (meta[id].shape === "text") {
          var dyText = Math.abs(p.y - cy), halfHeight = (box.bottom - box.top) / 2 + PAD.edge;
          if (dyText > 0 && halfHeight < height / 2) scale = Math.min(scale, (height / 2 - halfHeight) / dyText);
        } else {
          var below = p.y + meta[id].size + 3 - cy, labelHeight = box.bottom - box.top + PAD.edge;
          if (below > 0 && labelHeight < height / 2) scale = Math.min(scale, (height / 2 - labelHeight) / below);
        }
      });
      scale = Math.max(scale, 0.02);
      network.moveTo({position: {x: cx, y: cy}, scale: scale, animation: false});
      relabel();
    }

    function zoom(factor) {
      network.moveTo({scale: network.getScale() * factor, animation: false});
      relabel();
    }

    function showDetails(id) {
      if (hooks.details === false) return;
      var node = id && nodes.get(id);
      details.textContent = node ? node.title : "";   // text, never markup
      details.style.display = node ? "block" : "none";
    }

    /* Select a node and show its label; bring it to the centre, zoomed in to at least 1:1, unless `stay`. */
    function focusNode(id, how, stay) {
      if (!nodes.get(id)) return false;
      forced = {}; forced[id] = true;
      network.selectNodes([id]);
      if (!stay) network.focus(id, {scale: Math.max(network.getScale(), 1.0), animation: false});
      relabel();
      showDetails(id);
      if (how && hooks.onSelect) hooks.onSelect(id, how);
      return true;
    }

    function find(text) {
      var query = text.trim().toLowerCase();
      if (!query) return null;
      var plain = function (id) { return meta[id].label.replace(/\n/g, " ").replace(/^⚠ /, "").toLowerCase(); };
      var full = function (id) { return meta[id].label.replace(/\n/g, " ").toLowerCase(); };
      return order.find(function (id) { return full(id) === query || plain(id) === query; }) ||
             order.find(function (id) { return plain(id).indexOf(query) === 0; }) ||
             order.find(function (id) { return plain(id).indexOf(query) >= 0; }) ||
             order.find(function (id) { return (nodes.get(id).title || "").toLowerCase().indexOf(query) >= 0; }) || null;
    }

    function runSearch() {
      var id = find(search.value);
      if (id) {
        focusNode(id, "search");
        found.textContent = "Gefunden: " + meta[id].label.replace(/\n/g, " ");
      } else {
        found.textContent = search.value.trim() ? "Kein Knoten passt zu „" + search.value.trim() + "“." : "";
      }
      return id;
    }

    function exportPng() {
      var source = canvasBox.querySelector("canvas");
      var out = document.createElement("canvas");
      out.width = source.width; out.height = source.height;
      var ctx = out.getContext("2d");
      ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, out.width, out.height);
      ctx.drawImage(source, 0, 0);
      var url = out.toDataURL("image/png");
      var link = el("a", {href: url, download: (hooks.fileStem || "netzwerkkarte") + ".png"});
      document.body.appendChild(link); link.click(); link.remove();
      return url;
    }

    search.addEventListener("change", runSearch);
    search.addEventListener("keydown", function (event) { if (event.key === "Enter") runSearch(); });
    buttons.zoomIn.addEventListener("click", function () { zoom(1.3); });
    buttons.zoomOut.addEventListener("click", function () { zoom(1 / 1.3); });
    buttons.fit.addEventListener("click", function () { forced = {}; fitView(); });
    buttons.png.addEventListener("click", exportPng);

    network.on("zoom", relabelSoon);
    network.on("dragEnd", relabelSoon);
    network.on("click", function (params) {
      if (!params.nodes.length) return;
      var id = params.nodes[0];
      forced = {}; forced[id] = true;
      relabel();
      showDetails(id);
      if (meta[id].drill && hooks.onActivate) hooks.onActivate(id);
      else if (hooks.onSelect) hooks.onSelect(id, "click");
    });
    network.on("doubleClick", function (params) {
      if (params.nodes.length && hooks.onActivate) hooks.onActivate(params.nodes[0]);
    });
    network.on("deselectNode", function () { forced = {}; showDetails(null); relabelSoon(); });
    // A resize (the page around the frame changed) keeps what the user looks at: the focused node, else the fit.
    window.addEventListener("resize", function () {
      var focused = Object.keys(forced)[0];
      if (focused) network.focus(focused, {scale: network.getScale(), animation: false});
      else fitView();
      relabel();
    });

    var api = {network: network, nodes: nodes, edges: edges, fit: fitView, relabel: relabel, focus: focusNode,
               search: function (text) { search.value = text; return runSearch(); }, exportPng: exportPng,
               shownLabels: function () { return Object.keys(shown); }, ready: false};
    function ready() {
      fitView();
      api.ready = true;
      if (hooks.selected) focusNode(hooks.selected, null, true);
      if (hooks.onReady) hooks.onReady(api);
    }
    if (data.options.physics.enabled) {
      var settled = false;
      var settle = function () {
        if (settled) return;
        settled = true;
        network.setOptions({physics: {enabled: false}});
        ready();
      };
      network.once("stabilizationIterationsDone", settle);
      setTimeout(settle, 4000);  // whatever happens, the map becomes usable
    } else {
      ready();
    }
    window.network = network; window.nodes = nodes; window.edges = edges; window.karte = api;
    return api;
  }

  window.BNKarte = {mount: mount};
})();
