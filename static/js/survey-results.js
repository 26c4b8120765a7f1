/* The maps of a survey's results: each map question's places, ways or areas (from the page's GeoJSON
 * route, with the page's filter) and a heat map of them, switched by the radio buttons above the map.
 * The table under each map lists the same answers. User text is only ever set with textContent. */
(function () {
  "use strict";
  /* Not the blue of the project's area (the map's outline): the answers stand out from it. */
  var COLOUR = "#a4262c";
  /* Points a way or an area adds to the heat map: a way one every HEAT_STEP metres, an area those of a
   * small grid that fall inside it (at least its middle), so that a long way or a large area does not
   * weigh a hundred times a place. */
  var HEAT_STEP = 40;
  var AREA_GRID = 5;
  /* What one point of a way or an area weighs (a place weighs 1): their points lie so close that the
   * heat map blurs several into one spot. */
  var LINE_WEIGHT = 0.35;
  var AREA_WEIGHT = 0.2;

  function lineHeat(coords, out) {
    for (var i = 1; i < coords.length; i++) {
      var a = L.latLng(coords[i - 1][1], coords[i - 1][0]);
      var b = L.latLng(coords[i][1], coords[i][0]);
      var steps = Math.max(1, Math.ceil(a.distanceTo(b) / HEAT_STEP));
      for (var s = i === 1 ? 0 : 1; s <= steps; s++) {
        out.push([a.lat + (b.lat - a.lat) * s / steps, a.lng + (b.lng - a.lng) * s / steps, LINE_WEIGHT]);
      }
    }
  }

  function areaHeat(geometry, out) {
    var ring = geometry.coordinates[0];
    var west = Infinity, south = Infinity, east = -Infinity, north = -Infinity, sx = 0, sy = 0;
    ring.forEach(function (c) {
      west = Math.min(west, c[0]); east = Math.max(east, c[0]);
      south = Math.min(south, c[1]); north = Math.max(north, c[1]);
      sx += c[0]; sy += c[1];
    });
    var found = 0;
    for (var i = 0; i < AREA_GRID; i++) {
      for (var j = 0; j < AREA_GRID; j++) {
        var x = west + (east - west) * (i + 0.5) / AREA_GRID;
        var y = south + (north - south) * (j + 0.5) / AREA_GRID;
        if (Pool.inArea(geometry, x, y)) { out.push([y, x, AREA_WEIGHT]); found++; }
      }
    }
    if (!found) { out.push([sy / ring.length, sx / ring.length, 1]); }
  }

  function heatPoints(features) {
    var out = [];
    features.forEach(function (f) {
      var g = f.geometry;
      if (!g) { return; }
      if (g.type === "Point") { out.push([g.coordinates[1], g.coordinates[0]]); }
      else if (g.type === "MultiPoint") { g.coordinates.forEach(function (c) { out.push([c[1], c[0]]); }); }
      else if (g.type === "LineString") { lineHeat(g.coordinates, out); }
      else if (g.type === "Polygon") { areaHeat(g, out); }
    });
    return out;
  }

  function popupFor(feature, msg) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = msg("Number").replace("{n}", feature.properties.number);
    box.appendChild(title);
    if (feature.properties.label) {
      var measure = document.createElement("p");
      measure.textContent = feature.properties.label;
      box.appendChild(measure);
    }
    if (feature.properties.comment) {
      var comment = document.createElement("p");
      comment.textContent = feature.properties.comment;
      box.appendChild(comment);
    }
    return box;
  }

  function setUp(root) {
    var map = Pool.mapOf(root);
    if (!map) { return; }
    var status = root.querySelector("[data-map-status]");
    var msg = function (name) { return root.dataset["msg" + name] || ""; };
    Pool.twoFingerPanning(map, msg("TwoFingers"));
    Pool.say(status, msg("Loading"));
    Pool.fetchJSON(root.dataset.geojsonUrl).then(function (data) {
      var shapes = L.geoJSON(data, {
        /* GeoJSON's style applies to the places' circle markers too, so it answers for them as well. */
        style: function (feature) {
          return feature.geometry.type === "MultiPoint" || feature.geometry.type === "Point"
            ? { radius: 7, color: "#ffffff", weight: 2, opacity: 1, fillColor: COLOUR, fillOpacity: 0.85 }
            : { color: COLOUR, weight: 3, opacity: 0.75, fillColor: COLOUR, fillOpacity: 0.15 };
        },
        pointToLayer: function (feature, latlng) { return L.circleMarker(latlng); },
        onEachFeature: function (feature, layer) { layer.bindPopup(popupFor(feature, msg)); }
      });
      shapes.addTo(map);
      /* Half zoom steps: a phone's narrow map then fits the answers more closely. */
      map.options.zoomSnap = 0.5;
      var bounds = shapes.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds.pad(0.05), { maxZoom: 17, animate: false }); }
      /* Full colour where points crowd, not where two meet: the scale grows with the number of points.
       * At the first view every point counts fully (maxZoom); zoomed out, they fade as they merge. */
      var points = heatPoints(data.features);
      var weight = points.reduce(function (sum, p) { return sum + (p.length > 2 ? p[2] : 1); }, 0);
      var heat = L.heatLayer(points, { radius: 20, blur: 16, minOpacity: 0.05, maxZoom: map.getZoom(),
                                       max: Math.max(1, Math.sqrt(weight) / 3) });
      var hint = root.querySelector("[data-heat-hint]");
      var chooser = root.querySelector("[data-layer-switch]");
      chooser.hidden = false;
      chooser.addEventListener("change", function (e) {
        var showHeat = e.target.value === "heat";
        map.removeLayer(showHeat ? shapes : heat);
        map.addLayer(showHeat ? heat : shapes);
        if (hint) { hint.hidden = !showHeat; }
      });
      Pool.say(status, data.truncated
        ? msg("Truncated").replace("{shown}", data.numberReturned).replace("{total}", data.numberMatched)
        : msg(data.numberReturned === 1 ? "LoadedOne" : "Loaded").replace("{n}", data.numberReturned));
    }).catch(function () { Pool.say(status, msg("Error")); });
  }

  document.querySelectorAll("[data-results-map]").forEach(setUp);
})();
