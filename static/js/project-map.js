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

  /* A refused comment is answered with the page itself, the form as sent: give the address bar the
   * page's own address, so that a reload or a shared link does not point at the form's target. */
  if (root.dataset.pageUrl && location.pathname !== root.dataset.pageUrl) {
    history.replaceState(history.state, "", root.dataset.pageUrl + "#comment-form");
  }

  /* Leaflet's 80 px per arrow press crosses a small project area in two presses. */
  map.options.keyboardPanDelta = 40;
  map.keyboard.disable();
  map.addHandler("keyboard", L.Map.Keyboard);
  Pool.twoFingerPanning(map, msg("TwoFingers"));

  /* ---- comments on the map ---------------------------------------- */
  /* The pins of the comments on the current page of the list wear a dark ring, and so do the
   * groups that hold one, so the resident sees which places the list beside the map shows. */
  var listed = {};
  /* From zoom 18, street level, every pin stands alone: "show on map" goes there and opens it. */
  var STREET_ZOOM = 18;
  var cluster = L.markerClusterGroup({
    chunkedLoading: true, showCoverageOnHover: false, disableClusteringAtZoom: STREET_ZOOM,
    iconCreateFunction: function (group) {
      var icon = L.MarkerClusterGroup.prototype._defaultIconCreateFunction(group);
      if (group.getAllChildMarkers().some(function (m) { return listed[m.commentId]; })) {
        icon.options.className += " marker-cluster--listed";
      }
      return icon;
    }
  });
  map.addLayer(cluster);
  var markers = {};
  var pending = null;
  var list = document.querySelector("[data-comment-list]");
  var categorySelect = list && list.querySelector("[name=kategorie]");
  var pinCategory = categorySelect ? categorySelect.value : "";

  function colour(feature) {
    var c = feature.properties.category;
    return c && /^#[0-9a-fA-F]{6}$/.test(c.color) ? c.color : "#555555";
  }

  function markerStyle(id) {
    return listed[id] ? { radius: 10, color: "#1b1b1b", weight: 3 } : { radius: 8, color: "#ffffff", weight: 2 };
  }

  function markListed(ids) {
    listed = {};
    ids.forEach(function (id) { listed[id] = true; });
    Object.keys(markers).forEach(function (id) { markers[id].setStyle(markerStyle(id)); });
    cluster.refreshClusters();
    clusterMarkers.forEach(function (m) { m.setIcon(clusterIcon(m.count, m.cell)); });
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

  function bboxString() {
    var b = map.getBounds();
    return [Math.max(b.getWest(), -180), Math.max(b.getSouth(), -90),
            Math.min(b.getEast(), 180), Math.min(b.getNorth(), 90)].map(function (v) { return v.toFixed(6); }).join(",");
  }

  /* The comments come as tiles of the current zoom (the server sends clusters where a tile holds
   * many, pins where few; participation/api/comment_tiles.py). Their addresses carry the data's
   * version, so the reverse proxy keeps them; the version is asked again after MAP_DATA_MAX_AGE. */
  var clusters = L.layerGroup().addTo(map);
  var clusterMarkers = [];
  var tiles = {};        // "z/x/y" → its answer, once loaded, of the current zoom and version
  var tileZoom = null;
  var version = root.dataset.commentsVersion || "0";
  var versionAsked = Date.now();
  var maxAge = 1000 * (parseInt(root.dataset.mapMaxAge, 10) || 10);
  var wantOpen = null;   // a comment whose popup "show on map" asked for, once its pin is there

  function startAfresh() {
    cluster.clearLayers();
    clusters.clearLayers();
    clusterMarkers = [];
    markers = {};
    tiles = {};
  }

  function currentVersion() {
    if (Date.now() - versionAsked < maxAge) { return Promise.resolve(version); }
    return Pool.fetchJSON(root.dataset.commentsVersionUrl).then(function (data) {
      versionAsked = Date.now();
      if (String(data.version) !== version) { version = String(data.version); startAfresh(); }
      return version;
    });
  }

  function tileUrl(z, x, y) {
    var url = root.dataset.commentsTiles.replace("{z}", z).replace("{x}", x).replace("{y}", y) + "?v=" + version;
    return pinCategory ? url + "&category=" + encodeURIComponent(pinCategory) : url;
  }

  function visibleTiles(z) {
    var bounds = map.getBounds();
    var nw = map.project(bounds.getNorthWest(), z).divideBy(256).floor();
    var se = map.project(bounds.getSouthEast(), z).divideBy(256).floor();
    var last = Math.pow(2, z) - 1;
    var found = [];
    for (var y = Math.max(0, nw.y); y <= Math.min(last, se.y); y++) {
      for (var x = Math.max(0, nw.x); x <= Math.min(last, se.x); x++) { found.push([z, x, y]); }
    }
    return found;
  }

  function addPins(features) {
    var fresh = [];
    features.forEach(function (f) {
      if (markers[f.id] || !f.geometry) { return; }
      var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      var style = markerStyle(f.id);
      var m = L.circleMarker(ll, { radius: style.radius, color: style.color, weight: style.weight,
                                   fillColor: colour(f), fillOpacity: 0.95 });
      m.commentId = f.id;
      m.bindPopup(popupFor(f));
      markers[f.id] = m;
      fresh.push(m);
    });
    cluster.addLayers(fresh);
  }

  function clusterIcon(count, cell) {
    var size = count < 100 ? "small" : count < 1000 ? "medium" : "large";
    var inner = document.createElement("div");
    var number = document.createElement("span");
    number.textContent = count;
    inner.appendChild(number);
    var listedHere = cell && listedCells()[cell.join("/")];
    return L.divIcon({ html: inner, iconSize: L.point(40, 40),
                       className: "marker-cluster comment-cluster marker-cluster-" + size + (listedHere ? " marker-cluster--listed" : "") });
  }

  function addClusters(features) {
    features.forEach(function (f) {
      var ll = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
      var count = f.properties.count, cell = f.properties.cell;
      var m = L.marker(ll, { icon: clusterIcon(count, cell), keyboard: true,
                             title: msg("Cluster").replace("{n}", count) });
      m.cell = cell;
      m.count = count;
      var zoomIn = function () { map.setView(ll, Math.min(map.getZoom() + 2, map.getMaxZoom())); };
      m.on("click", zoomIn);
      // A button for the keyboard (Leaflet gives it the role): Enter and Space press it.
      m.on("keydown", function (e) {
        if (e.originalEvent.key === "Enter" || e.originalEvent.key === " ") { e.originalEvent.preventDefault(); zoomIn(); }
      });
      clusters.addLayer(m);
      clusterMarkers.push(m);
    });
  }

  /* The cells (z/x/y, two zooms below the map's) of the pins of the list's current page. */
  function listedCells() {
    var cells = {};
    var z = map.getZoom() + 2;
    document.querySelectorAll("[data-show-on-map]").forEach(function (button) {
      if (!listed[button.dataset.commentId]) { return; }
      var p = map.project([parseFloat(button.dataset.lat), parseFloat(button.dataset.lon)], z).divideBy(256).floor();
      cells[[z, p.x, p.y].join("/")] = true;
    });
    return cells;
  }

  function say() {
    var shown = 0, total = 0;
    Object.keys(tiles).forEach(function (key) {
      var data = tiles[key];
      if (!data) { return; }
      shown += data.numberReturned;
      total += data.numberMatched;
    });
    Pool.say(status, total > shown
      ? msg("Truncated").replace("{shown}", shown).replace("{total}", total)
      : msg(total === 1 ? "LoadedOne" : "Loaded").replace("{n}", total));
  }

  function load() {
    var z = Math.round(map.getZoom());
    if (tileZoom !== null && z > tileZoom) {
      // Zoomed in: the pins stay (the same come again); the coarser clusters go.
      clusters.clearLayers();
      clusterMarkers = [];
      tiles = {};
    } else if (z !== tileZoom) {
      startAfresh();  // zoomed out: pins may now be counted in clusters
    }
    tileZoom = z;
    Pool.say(status, msg("Loading"));
    currentVersion().then(function () {
      var asked = visibleTiles(z).filter(function (t) { return !(t.join("/") in tiles); });
      return Promise.all(asked.map(function (t) {
        var key = t.join("/");
        tiles[key] = null;
        return Pool.fetchJSON(tileUrl(t[0], t[1], t[2])).then(function (data) {
          if (tileZoom !== z || !(key in tiles)) { return; }  // the map moved on meanwhile
          tiles[key] = data;
          var isCluster = function (f) { return f.properties && f.properties.cluster; };
          addClusters(data.features.filter(isCluster));
          addPins(data.features.filter(function (f) { return !isCluster(f); }));
        }, function (err) { delete tiles[key]; throw err; });
      }));
    }).then(function () {
      say();
      setTimeout(function () { openWanted(0); }, 300);
    }).catch(function () { Pool.say(status, msg("Error")); });
  }

  /* The map shows the list's category: a new one starts the pins afresh. */
  function showCategory(value) {
    if (value === pinCategory) { return; }
    pinCategory = value;
    startAfresh();
    load();
  }

  /* The popup "show on map" asked for, once its pin is there and the map has settled (an animation of
   * the groups after a zoom would remove the pin with its popup again). */
  function openWanted(tries) {
    var m = wantOpen && markers[wantOpen];
    if (!m) { return; }
    if (map.hasLayer(m)) {
      wantOpen = null;
      m.openPopup();
    } else if (map.getZoom() >= STREET_ZOOM) {
      // The groups are still being taken apart: ask again shortly (for two seconds at most).
      tries = tries || 0;
      if (tries < 10) { setTimeout(function () { openWanted(tries + 1); }, 200); }
    } else {
      wantOpen = null;
      cluster.zoomToShowLayer(m, function () { m.openPopup(); });  // in a group: zoom in or spread it
    }
  }

  var timer = null;
  map.on("moveend", function () {
    clearTimeout(timer);
    timer = setTimeout(load, 150);
    setTimeout(function () { openWanted(0); }, 300);
  });
  load();

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-show-on-map]");
    if (!button) { return; }
    var ll = [parseFloat(button.dataset.lat), parseFloat(button.dataset.lon)];
    mapEl.scrollIntoView({ behavior: "smooth", block: "center" });
    // Opened once the map has moved there and the pin's tile is loaded (openWanted).
    wantOpen = button.dataset.commentId;
    map.setView(ll, Math.max(Math.round(map.getZoom()), STREET_ZOOM));
    mapEl.querySelector(".leaflet-container, .folium-map").focus({ preventScroll: true });
  });

  /* ---- the list beside the map ---------------------------------------- */
  /* Sort, category and "only the map view" fetch the list alone (?teil=liste) and swap it in:
   * the map keeps its view, the URL keeps the choice for a reload or a shared link. */
  if (list) { listBesideTheMap(); }

  function listBesideTheMap() {
    var filter = list.querySelector("[data-list-filter]");
    var inView = list.querySelector("[data-list-in-view]");
    var listStatus = list.querySelector("[data-list-status]");
    var base = filter.action.split("#")[0];
    var request = null;
    var restoring = false;  // while the map moves to the view a shared link came with

    function results() { return list.querySelector("[data-list-results]"); }
    function ids(box) { return (box.dataset.pageIds || "").split(",").filter(Boolean); }

    function filterParams() {
      if (inView.checked) { inView.value = bboxString(); }
      var params = new URLSearchParams();
      new FormData(filter).forEach(function (value, key) { if (value) { params.append(key, value); } });
      return params;
    }

    function refresh(params, focusHeading) {
      if (request) { request.abort(); }
      request = new AbortController();
      var query = params.toString();
      var fragment = new URLSearchParams(params);
      fragment.set("teil", "liste");
      list.setAttribute("aria-busy", "true");
      fetch(base + "?" + fragment.toString(), { credentials: "same-origin", signal: request.signal,
                                                headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.text();
        })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.querySelector("[data-list-results]");
          var heading = list.querySelector("[data-list-heading]");
          heading.textContent = doc.querySelector("[data-list-heading]").textContent;
          results().replaceWith(document.importNode(fresh, true));
          history.replaceState(history.state, "", base + (query ? "?" + query : ""));
          markListed(ids(fresh));
          showCategory(params.get("kategorie") || "");
          // Emptied first, so that the same count is announced again.
          Pool.say(listStatus, "");
          setTimeout(function () { Pool.say(listStatus, fresh.dataset.summary); }, 50);
          if (focusHeading) { heading.focus(); }
        })
        .catch(function (err) { if (err.name !== "AbortError") { Pool.say(listStatus, list.dataset.msgFailed); } })
        .then(function () { list.removeAttribute("aria-busy"); });
    }

    document.documentElement.classList.add("list-live");
    var hint = root.querySelector("[data-listed-hint]");
    if (hint) { hint.hidden = false; }
    markListed(ids(results()));

    filter.addEventListener("change", function () { refresh(filterParams(), false); });
    filter.addEventListener("submit", function (e) { e.preventDefault(); refresh(filterParams(), false); });
    list.addEventListener("click", function (e) {
      var link = e.target.closest("a[data-list-page]");
      if (!link || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) { return; }
      e.preventDefault();
      refresh(new URL(link.href).searchParams, true);
    });

    var moved = null;
    map.on("moveend", function () {
      if (restoring || !inView.checked) { return; }
      clearTimeout(moved);
      moved = setTimeout(function () { refresh(filterParams(), false); }, 400);
    });
    /* A link that came with a map view opens the map there; that first move keeps the list (and its page). */
    if (inView.checked && inView.value) {
      var b = inView.value.split(",").map(parseFloat);
      if (b.length === 4 && b.every(isFinite)) {
        restoring = true;
        map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
        setTimeout(function () { restoring = false; }, 1000);
      }
    }
  }

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
    form.dispatchEvent(new CustomEvent("pool:pin", { bubbles: true, detail: { lon: sentLng, lat: sentLat } }));
    var said = msg("Placed") + " (" + ll.lat.toFixed(5) + ", " + ll.lng.toFixed(5) + ")";
    Pool.say(status, said);
    Pool.say(pinStatus, said);
  }
  function clearPin() {
    if (pin) { map.removeLayer(pin); pin = null; }
    lon.value = ""; lat.value = "";
    form.dispatchEvent(new CustomEvent("pool:pin", { bubbles: true, detail: null }));
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
  /* An address typed in the form's address search (templates/addresses/_search.html) places the pin
   * there; the search has moved the map already. */
  form.addEventListener("pool:address", function (e) { setPin(L.latLng(e.detail.lat, e.detail.lon)); });

  /* A refused comment comes back with the person's words and pin (the fields as sent): show the pin
   * again, or say that it lies outside the area and leave the fields empty. */
  var keptLat = parseFloat(lat.value), keptLng = parseFloat(lon.value);
  lon.value = ""; lat.value = "";
  if (isFinite(keptLat) && isFinite(keptLng)) { setPin(L.latLng(keptLat, keptLng)); }
})();
