/* Drawing a project area: the drawn polygons are written as GeoJSON into the
 * text field, which stays the accessible alternative (paste or upload). */
(function () {
  "use strict";
  var root = document.querySelector("[data-area-editor]");
  if (!root) { return; }
  var map = Pool.mapOf(root);
  var field = document.getElementById("area_geojson");
  var status = root.querySelector("[data-area-status]");
  var drawn = new L.FeatureGroup().addTo(map);
  map.addControl(new L.Control.Draw({
    draw: { polygon: { allowIntersection: false, showArea: false }, rectangle: {}, polyline: false,
            circle: false, marker: false, circlemarker: false },
    edit: { featureGroup: drawn }
  }));
  function write() {
    var features = drawn.toGeoJSON().features;
    field.value = features.length ? JSON.stringify({ type: "FeatureCollection", features: features }) : "";
    Pool.say(status, features.length ? root.dataset.msgDrawn : "");
  }
  map.on(L.Draw.Event.CREATED, function (e) { drawn.addLayer(e.layer); write(); });
  map.on(L.Draw.Event.EDITED, write);
  map.on(L.Draw.Event.DELETED, write);
})();
