/* A statute's text beside its map (templates/statutes/_text.html): "Show on the map" highlights the plan
 * objects a paragraph names (fetched as GeoJSON, drawn with a thick outline above every layer, the map
 * fitted to them, the result announced); a paragraph named in the URL fragment is marked and scrolled to.
 * Names reach the page only through textContent. */
(function () {
  "use strict";
  var root = document.querySelector("[data-statute-text]");
  if (!root) { return; }
  var status = root.querySelector("[data-text-status]");

  /* ---- the paragraph in the URL fragment ---- */
  function paragraphOf(hash) {
    var id;
    try { id = decodeURIComponent((hash || "").replace(/^#/, "")); } catch (e) { return null; }
    var element = id ? document.getElementById(id) : null;
    return element && element.hasAttribute("data-paragraph-block") ? element : null;
  }

  function markFragment(scroll) {
    var target = paragraphOf(window.location.hash);
    root.querySelectorAll("[data-paragraph-block].is-marked").forEach(function (element) {
      if (element !== target) { element.classList.remove("is-marked"); }
    });
    if (!target) { return; }
    target.classList.add("is-marked");
    // The map and the layer switcher above may have changed the layout since the browser scrolled.
    if (scroll) { target.scrollIntoView({ block: "start" }); }
  }

  markFragment(true);
  window.addEventListener("load", function () { markFragment(true); });
  window.addEventListener("hashchange", function () { markFragment(false); });

  /* ---- plan objects on the map ---- */
  var buttons = root.querySelectorAll("[data-show-objects]");
  if (!buttons.length) { return; }
  var mapBox = document.querySelector("[data-layer-map] [data-map-name], [data-map-name]");
  var map = mapBox ? Pool.mapOf(mapBox) : null;
  if (!map) {
    buttons.forEach(function (button) { button.hidden = true; });
    return;
  }
  map.createPane("statute-highlight").style.zIndex = "640";
  var highlight = null, pending = null, pressed = null;

  function message(name, values) {
    var text = root.dataset[name] || "";
    Object.keys(values).forEach(function (key) { text = text.split("{" + key + "}").join(values[key]); });
    return text;
  }

  function style() {
    return { pane: "statute-highlight", color: "#1b1b1b", weight: 6, opacity: 1, fillColor: "#ffd400", fillOpacity: 0.25 };
  }

  function draw(data) {
    // Two strokes: a dark halo and a bright line, visible on every plan colour and on the basemap.
    var halo = L.geoJSON(data, {
      style: style,
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, L.extend(style(), { radius: 11 })); },
      interactive: false
    });
    var line = L.geoJSON(data, {
      style: function () { return { pane: "statute-highlight", color: "#ffd400", weight: 3, opacity: 1, fill: false }; },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { pane: "statute-highlight", radius: 11, color: "#ffd400", weight: 3, fill: false });
      },
      interactive: false
    });
    return L.featureGroup([halo, line]);
  }

  function clear() {
    if (pending) { pending.abort(); pending = null; }
    if (highlight) { map.removeLayer(highlight); highlight = null; }
    if (pressed) {
      pressed.setAttribute("aria-pressed", "false");
      pressed.closest("[data-paragraph-block]").classList.remove("is-highlighted");
      pressed = null;
    }
  }

  function mapVisible() {
    var box = map.getContainer().getBoundingClientRect();
    return box.top >= 0 && box.bottom <= (window.innerHeight || document.documentElement.clientHeight);
  }

  function names(data) {
    var seen = [];
    data.features.forEach(function (feature) {
      var props = feature.properties || {};
      var name = (props.layer ? props.layer + " " : "") + (props.gml_id || "");
      if (seen.indexOf(name) < 0) { seen.push(name); }
    });
    return seen.slice(0, 5).join(", ") + (seen.length > 5 ? " …" : "");
  }

  function show(button) {
    var label = button.dataset.label;
    clear();
    pressed = button;
    button.setAttribute("aria-pressed", "true");
    button.closest("[data-paragraph-block]").classList.add("is-highlighted");
    pending = new AbortController();
    Pool.say(status, message("msgLoading", { label: label }));
    var url = root.dataset.objectsUrl + "?absatz=" + encodeURIComponent(button.dataset.showObjects);
    Pool.fetchJSON(url, { signal: pending.signal, headers: { Accept: "application/geo+json, application/json" } })
      .then(function (data) {
        pending = null;
        var count = data.features.length;
        if (!count) { Pool.say(status, message("msgNone", { label: label })); return; }
        highlight = draw(data).addTo(map);
        // Without animation: Leaflet drops a new view asked for while a zoom animation runs (a second press).
        map.fitBounds(highlight.getBounds(), { padding: [24, 24], maxZoom: 18, animate: false });
        if (!mapVisible()) { map.getContainer().scrollIntoView({ block: "nearest" }); }
        Pool.say(status, message(count === 1 ? "msgShownOne" : "msgShown", { n: count, label: label, names: names(data) }));
      })
      .catch(function (err) {
        if (err.name === "AbortError") { return; }
        pending = null;
        Pool.say(status, root.dataset.msgError);
      });
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") {
        clear();
        Pool.say(status, root.dataset.msgCleared);
      } else {
        show(button);
      }
    });
  });
})();
