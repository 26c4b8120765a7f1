/* The project page map: comments loaded by bounding box and clustered,
 * "show on map" from the list, and placing a pin by mouse, touch or keyboard.
 * User text is only ever set with textContent, never as HTML. */
(function () {
  "use strict";
  var root = document.querySelector("[data-project-map]");
  if (!root) { return; }
  var mapEl = root.querySelector("[data-map-name]");
  var map = Pool.mapOf(root);
  var status = root.querySelector("[data-map-status]");
  var area = root.dataset.area ? JSON.parse(root.dataset.area) : null;
  var msg = function (name) { return root.dataset["msg" + name] || ""; };

  document.documentElement.classList.add("js");

  /* Leaflet's 80 px per arrow press crosses a small project area in two presses. */
  map.options.keyboardPanDelta = 40;
  map.keyboard.disable();
  map.addHandler("keyboard", L.Map.Keyboard);
  Pool.twoFingerPanning(map, msg("TwoFingers"));

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
    Pool.say(status, msg("Loading"));
    Pool.fetchJSON(root.dataset.commentsUrl + "?bbox=" + encodeURIComponent(bbox), { signal: pending.signal })
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
        Pool.say(status, data.numberMatched > data.numberReturned
          ? msg("Truncated").replace("{shown}", data.numberReturned).replace("{total}", data.numberMatched)
          : msg(data.numberMatched === 1 ? "LoadedOne" : "Loaded").replace("{n}", data.numberMatched));
      })
      .catch(function (err) { if (err.name !== "AbortError") { Pool.say(status, msg("Error")); } });
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

  /* Marking a place: while the resident writes a comment (the form has focus, or the button
   * under the map is pressed) every click inside the map sets the pin, on layer features and
   * comment groups too: the CSS makes them transparent to the pointer (.map--marking). Out of
   * it (the button pressed again), they open their popups and zoom, as a reader expects. */
  var modeButton = root.querySelector("[data-comment-mode]");
  var badge = document.createElement("div");
  badge.className = "map-mode-badge";
  badge.setAttribute("aria-hidden", "true");  // the button's aria-pressed says it to screen readers
  badge.textContent = msg("ModeBadge");
  map.getContainer().appendChild(badge);
  var marking = false;

  function setMarking(on) {
    marking = on;
    root.classList.toggle("map--marking", on);
    // A pressed state, not a new label: focusing the form switches it on, and a label that
    // rewraps would move the form under the pointer between mousedown and click.
    modeButton.setAttribute("aria-pressed", on ? "true" : "false");
    if (on) { map.closePopup(); }
  }
  modeButton.addEventListener("click", function () { setMarking(!marking); });
  document.getElementById("comment-form").addEventListener("focusin", function () { setMarking(true); });

  function setPin(ll) {
    // Checked as sent: the fields carry 7 decimals, and those are what the server judges.
    var sentLng = ll.lng.toFixed(7), sentLat = ll.lat.toFixed(7);
    if (!Pool.inArea(area, parseFloat(sentLng), parseFloat(sentLat))) {
      // Said at the map, where the resident is looking; the form below keeps it in view too.
      Pool.say(status, msg("Outside"));
      Pool.say(pinStatus, msg("Outside"));
      pinStatus.classList.add("pin-status--error");
      return;
    }
    pinStatus.classList.remove("pin-status--error");
    pinStatus.classList.add("pin-status--placed");
    if (!pin) {
      pin = L.marker(ll, { draggable: true, keyboard: false, title: msg("Placed") }).addTo(map);
      L.DomUtil.addClass(pin.getElement(), "comment-pin");
      pin.on("dragend", function () { setPin(pin.getLatLng()); });
    }
    pin.setLatLng(ll);
    lon.value = sentLng;
    lat.value = sentLat;
    var said = msg("Placed") + " (" + ll.lat.toFixed(5) + ", " + ll.lng.toFixed(5) + ")";
    Pool.say(status, said);
    Pool.say(pinStatus, said);
  }
  function clearPin() {
    if (pin) { map.removeLayer(pin); pin = null; }
    lon.value = ""; lat.value = "";
    pinStatus.classList.remove("pin-status--error", "pin-status--placed");
    Pool.say(status, msg("Removed"));
    Pool.say(pinStatus, msg("Removed"));
  }

  map.on("click", function (e) { setPin(e.latlng); });
  map.getContainer().addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target === map.getContainer()) { e.preventDefault(); setPin(map.getCenter()); }
  });
  form.querySelector("[data-pin-center]").addEventListener("click", function () { setPin(map.getCenter()); });
  form.querySelector("[data-pin-clear]").addEventListener("click", clearPin);
})();
