/* "What applies here?": a click or tap on the map, Enter on the focused map (the cross in the
 * middle), the button under the map or an address chosen in the search box asks the server
 * which statutes apply there; the answer (the page's own result part, ?teil=ergebnis) replaces
 * the result beside the map, and the areas of the statutes found are drawn. */
(function () {
  "use strict";
  var root = document.querySelector("[data-what-applies]");
  if (!root) { return; }
  var map = Pool.mapOf(root);
  var region = document.querySelector("[data-here-region]");
  var status = root.querySelector("[data-here-status]");
  var msg = function (name) { return root.dataset["msg" + name] || ""; };
  var marker = null;
  var areas = L.layerGroup().addTo(map);
  var request = null;

  document.documentElement.classList.add("js");
  map.options.keyboardPanDelta = 40;
  map.keyboard.disable();
  map.addHandler("keyboard", L.Map.Keyboard);
  Pool.twoFingerPanning(map, msg("TwoFingers"));

  var cross = document.createElement("div");
  cross.className = "map-crosshair";
  cross.setAttribute("aria-hidden", "true");
  map.getContainer().appendChild(cross);
  map.getContainer().setAttribute("aria-describedby", "here-map-help");

  function results() { return region.querySelector("[data-here-results]"); }

  function show(box) {
    areas.clearLayers();
    var drawn = JSON.parse(box.dataset.areas || "[]");
    drawn.forEach(function (area) {
      var colour = /^#[0-9a-fA-F]{6}$/.test(area.colour) ? area.colour : "#004b76";
      areas.addLayer(L.geoJSON(area.geometry, { interactive: false,
                                                 style: { color: colour, weight: 3, fillOpacity: 0.12 } }));
    });
    var point = box.dataset.point ? JSON.parse(box.dataset.point) : null;
    if (point) { mark(L.latLng(point.lat, point.lon)); }
  }

  function mark(ll) {
    if (!marker) {
      marker = L.marker(ll, { keyboard: false, interactive: false, title: msg("Marked") }).addTo(map);
    }
    marker.setLatLng(ll);
  }

  function check(ll, label) {
    mark(ll);
    var params = new URLSearchParams();
    if (label) {
      params.set("adresse", label);  // the answer names the address, and a shared link keeps it
    } else {
      params.set("lon", ll.lng.toFixed(7));
      params.set("lat", ll.lat.toFixed(7));
    }
    var page = root.dataset.resultsUrl + "?" + params.toString();
    params.set("teil", "ergebnis");
    if (request) { request.abort(); }
    request = new AbortController();
    Pool.say(status, msg("Loading"));
    region.setAttribute("aria-busy", "true");
    fetch(root.dataset.resultsUrl + "?" + params.toString(),
          { credentials: "same-origin", signal: request.signal, headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok && response.status !== 400) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = document.importNode(doc.querySelector("[data-here-results]"), true);
        results().replaceWith(fresh);
        history.replaceState(history.state, "", page);
        show(fresh);
        Pool.say(status, (label ? label + ": " : "") + fresh.dataset.summary);
      })
      .catch(function (err) { if (err.name !== "AbortError") { Pool.say(status, msg("Error")); } })
      .then(function () { region.removeAttribute("aria-busy"); });
  }

  map.on("click", function (e) { check(e.latlng); });
  map.getContainer().addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target === map.getContainer()) { e.preventDefault(); check(map.getCenter()); }
  });
  root.querySelector("[data-check-centre]").addEventListener("click", function () { check(map.getCenter()); });
  document.addEventListener("pool:address", function (e) {
    var ll = L.latLng(e.detail.lat, e.detail.lon);
    map.setView(ll, Math.max(map.getZoom(), 17));
    check(ll, e.detail.label);
  });

  show(results());
  var box = results();
  if (box.dataset.point && map.getZoom() < 16) {
    var point = JSON.parse(box.dataset.point);
    map.setView([point.lat, point.lon], 17);
  }
})();
