/* The project page map: comments loaded by bounding box and clustered,
 * "show on map" from the list, and placing a pin by mouse, touch or keyboard.
 * User text is only ever set with textContent, never as HTML. */
(function () {
  "use strict";
  var root = document.querySelector("[data-project-map]");
  if (!root) { return; }
  var mapEl = root.querySelector("[data-map-name]");
  var map = window[mapEl.dataset.mapName];
  var status = root.querySelector("[data-map-status]");
  var area = root.dataset.area ? JSON.parse(root.dataset.area) : null;
  var msg = function (name) { return root.dataset["msg" + name] || ""; };

  document.documentElement.classList.add("js");

  /* ---- comments on the map ---------------------------------------- */
  var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
  map.addLayer(cluster);
  var markers = {};
  var pending = null;

  function colour(feature) {
    var c = feature.properties.category;
    return c && /^#[0-9a-fA-F]{6}$/.test(c.color) ? c.color : "#555555";
  }

  function popupFor(feature) {
    var box = document.createElement("div");
    var who = document.createElement("strong");
    who.textContent = feature.properties.author || "–";
    var text = document.createElement("p");
    text.textContent = feature.properties.text;
    var link = document.createElement("a");
    link.href = "#comment-" + feature.properties.id;
    link.textContent = msg("Open");
    box.appendChild(who);
    box.appendChild(text);
    box.appendChild(link);
    return box;
  }

  function load() {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var b = map.getBounds();
    var bbox = [Math.max(b.getWest(), -180), Math.max(b.getSouth(), -90),
                Math.min(b.getEast(), 180), Math.min(b.getNorth(), 90)].join(",");
    status.textContent = msg("Loading");
    fetch(root.dataset.commentsUrl + "?bbox=" + encodeURIComponent(bbox),
          { signal: pending.signal, headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var fresh = [];
        data.features.forEach(function (f) {
          if (markers[f.id] || !f.geometry) { return; }
          var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          var m = L.circleMarker(ll, { radius: 8, color: "#ffffff", weight: 2, fillColor: colour(f), fillOpacity: 0.95 });
          m.bindPopup(popupFor(f));
          markers[f.id] = m;
          fresh.push(m);
        });
        cluster.addLayers(fresh);
        status.textContent = data.numberMatched > data.numberReturned
          ? msg("Truncated").replace("{shown}", data.numberReturned).replace("{total}", data.numberMatched)
          : msg(data.numberMatched === 1 ? "LoadedOne" : "Loaded").replace("{n}", data.numberMatched);
      })
      .catch(function (err) { if (err.name !== "AbortError") { status.textContent = msg("Error"); } });
  }
  var timer = null;
  map.on("moveend", function () { clearTimeout(timer); timer = setTimeout(load, 150); });
  load();

  document.querySelectorAll("[data-show-on-map]").forEach(function (button) {
    button.addEventListener("click", function () {
      var ll = [parseFloat(button.dataset.lat), parseFloat(button.dataset.lon)];
      mapEl.scrollIntoView({ behavior: "smooth", block: "center" });
      map.setView(ll, Math.max(map.getZoom(), 17));
      var open = function () {
        var m = markers[button.dataset.commentId];
        if (m) { cluster.zoomToShowLayer(m, function () { m.openPopup(); }); }
      };
      map.once("moveend", function () { setTimeout(open, 300); });
      open();
      mapEl.querySelector(".leaflet-container, .folium-map").focus({ preventScroll: true });
    });
  });

  /* ---- placing a pin ----------------------------------------------- */
  var form = document.querySelector("[data-comment-form]");
  if (!form || root.dataset.pinEnabled !== "true") { return; }
  var lon = form.querySelector("[data-pin-lon]");
  var lat = form.querySelector("[data-pin-lat]");
  var pinStatus = form.querySelector("[data-pin-status]");
  var pin = null;

  var cross = document.createElement("div");
  cross.className = "map-crosshair";
  cross.setAttribute("aria-hidden", "true");
  map.getContainer().appendChild(cross);
  map.getContainer().setAttribute("aria-describedby", "map-help");

  function inRing(pt, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > pt[1]) !== (yj > pt[1]) && pt[0] < (xj - xi) * (pt[1] - yi) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  }
  function inArea(ll) {
    if (!area) { return true; }
    var polys = area.type === "MultiPolygon" ? area.coordinates : [area.coordinates];
    var pt = [ll.lng, ll.lat];
    return polys.some(function (rings) {
      return inRing(pt, rings[0]) && !rings.slice(1).some(function (hole) { return inRing(pt, hole); });
    });
  }

  function setPin(ll) {
    if (!inArea(ll)) {
      pinStatus.textContent = msg("Outside");
      pinStatus.classList.add("pin-status--error");
      return;
    }
    pinStatus.classList.remove("pin-status--error");
    if (!pin) {
      pin = L.marker(ll, { draggable: true, keyboard: false, title: msg("Placed") }).addTo(map);
      pin.on("dragend", function () { setPin(pin.getLatLng()); });
    }
    pin.setLatLng(ll);
    lon.value = ll.lng.toFixed(7);
    lat.value = ll.lat.toFixed(7);
    pinStatus.textContent = msg("Placed") + " (" + ll.lat.toFixed(5) + ", " + ll.lng.toFixed(5) + ")";
  }
  function clearPin() {
    if (pin) { map.removeLayer(pin); pin = null; }
    lon.value = ""; lat.value = "";
    pinStatus.classList.remove("pin-status--error");
    pinStatus.textContent = msg("Removed");
  }

  map.on("click", function (e) { setPin(e.latlng); });
  map.getContainer().addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target === map.getContainer()) { e.preventDefault(); setPin(map.getCenter()); }
  });
  form.querySelector("[data-pin-center]").addEventListener("click", function () { setPin(map.getCenter()); });
  form.querySelector("[data-pin-clear]").addEventListener("click", clearPin);
})();
