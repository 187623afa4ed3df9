/*
 * The map as a Streamlit component (ui/karte_komponente.py), without a build step: this page speaks
 * Streamlit's component messages itself. From Python it receives the map data (args.data, drawn again
 * only when args.data_key changes) and the node chosen in the page's Details panel (args.selected,
 * focused in the map). To Python it reports clicks, searches and drill-downs as
 * {event, id, nonce}; the nonce lets the page act on each report once. With args.report_drawn it
 * also reports {event: "drawn"} once the map is on screen (the page then sends the rest of itself).
 */
(function () {
  "use strict";
  var api = null, dataKey = null, lastSelected = null, counter = 0;

  function send(type, payload) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, payload), "*");
  }
  function report(event, id) {
    counter += 1;
    send("streamlit:setComponentValue", {value: {event: event, id: id, nonce: Date.now() + "-" + counter},
                                         dataType: "json"});
  }
  function fitHeight() {
    send("streamlit:setFrameHeight", {height: document.documentElement.scrollHeight});
  }

  window.addEventListener("message", function (message) {
    var msg = message.data;
    if (!msg || msg.type !== "streamlit:render") return;
    var args = msg.args || {};
    if (args.data_key !== dataKey) {
      dataKey = args.data_key;
      lastSelected = args.selected || null;
      api = BNKarte.mount(document.getElementById("karte"), args.data, {
        height: args.height, fileStem: args.file_stem, details: false, selected: args.selected || null,
        onSelect: function (id, how) { lastSelected = id; report(how, id); },
        onActivate: function (id) { report("open", id); },
        onReady: args.report_drawn ? function () { report("drawn", null); } : null
      });
    } else if (api && (args.selected || null) !== lastSelected) {
      lastSelected = args.selected || null;
      if (lastSelected) api.focus(lastSelected, null);
    }
    fitHeight();
  });
  window.addEventListener("resize", fitHeight);
  send("streamlit:componentReady", {apiVersion: 1});
})();
