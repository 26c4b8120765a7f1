/* Drawing an area (a project's, or a town's boundary): the drawn polygons are written as GeoJSON
 * into the text field named by data-field, which stays the accessible alternative (paste or
 * upload). Leaflet.draw's texts come translated in data-draw-labels; the drawn size is announced. */
(function () {
  "use strict";
  var root = document.querySelector("[data-area-editor]");
  if (!root) { return; }
  var map = Pool.mapOf(root);
  var field = document.getElementById(root.dataset.field || "area_geojson");
  var status = root.querySelector("[data-area-status]");
  var lang = document.documentElement.lang || "de";

  /* Copy the translated strings over Leaflet.draw's English ones, key by key. */
  function merge(target, source) {
    Object.keys(source).forEach(function (key) {
      var value = source[key];
      if (value && typeof value === "object") {
        if (!target[key] || typeof target[key] !== "object") { target[key] = {}; }
        merge(target[key], value);
      } else {
        target[key] = value;
      }
    });
  }
  try { merge(L.drawLocal, JSON.parse(root.dataset.drawLabels || "{}")); } catch (e) { /* stays English */ }

  var drawn = new L.FeatureGroup().addTo(map);
  map.addControl(new L.Control.Draw({
    draw: { polygon: { allowIntersection: false, showArea: false }, rectangle: {},
            polyline: false, circle: false, marker: false, circlemarker: false },
    edit: { featureGroup: drawn }
  }));

  /* Square metres of one Leaflet polygon: outer rings minus holes, on the sphere. */
  function squareMetres(layer) {
    var rings = layer.getLatLngs();
    if (rings.length && !Array.isArray(rings[0])) { rings = [rings]; }
    var polygons = Array.isArray(rings[0][0]) ? rings : [rings];
    return polygons.reduce(function (sum, polygon) {
      return polygon.reduce(function (part, ring, i) {
        var size = L.GeometryUtil.geodesicArea(ring);
        return i === 0 ? part + size : part - size;
      }, sum);
    }, 0);
  }

  function readable(m2) {
    var hectares = m2 / 10000;
    var number = function (value, digits) {
      return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(value);
    };
    if (hectares < 100) { return number(hectares, 1) + " ha"; }
    return number(hectares / 100, hectares < 10000 ? 1 : 0) + " km²";
  }

  function write() {
    var features = drawn.toGeoJSON().features;
    field.value = features.length ? JSON.stringify({ type: "FeatureCollection", features: features }) : "";
    var total = 0;
    drawn.eachLayer(function (layer) { total += squareMetres(layer); });
    var size = features.length ? (root.dataset.msgSize || "").replace("{size}", readable(total)) : "";
    Pool.say(status, features.length ? root.dataset.msgDrawn + " " + size : "");
  }

  /* A form sent back with an error keeps its GeoJSON: show it again, editable, beside the town. */
  function restore() {
    var text = field.value.trim();
    if (!text) { return; }
    var shapes;
    try { shapes = L.geoJSON(JSON.parse(text)); } catch (e) { return; }
    shapes.eachLayer(function (layer) {
      if (!(layer instanceof L.Polygon)) { return; }
      var parts = layer.getLatLngs();
      // A MultiPolygon arrives as one layer; Leaflet.draw edits polygons one by one.
      (Array.isArray(parts[0][0]) ? parts : [parts]).forEach(function (rings) {
        drawn.addLayer(L.polygon(rings));
      });
    });
    if (drawn.getLayers().length) {
      map.fitBounds(drawn.getBounds().extend(map.getBounds()), { padding: [12, 12] });
      write();
    }
  }

  map.on(L.Draw.Event.CREATED, function (e) { drawn.addLayer(e.layer); write(); });
  map.on(L.Draw.Event.EDITED, write);
  map.on(L.Draw.Event.DELETED, write);
  restore();
})();
