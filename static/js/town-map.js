/* The town page map: project areas from the API; a click opens the project.
 * The list beside the map holds the same links for keyboard and screen readers.
 * A town with a boundary keeps the map on it (drawn by the server); without one the
 * map fits the project areas. */
(function () {
  "use strict";
  var root = document.querySelector("[data-town-map]");
  if (!root) { return; }
  var map = Pool.mapOf(root);
  Pool.fetchJSON(root.dataset.projectsUrl)
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: { color: "#004b76", weight: 2, fillOpacity: 0.15 },
        onEachFeature: function (feature, shape) {
          var label = document.createElement("span");
          label.textContent = feature.properties.title;
          shape.bindTooltip(label, { sticky: true });
          shape.on("click", function () { window.location.href = feature.properties.url; });
        }
      }).addTo(map);
      if (!root.hasAttribute("data-has-boundary") && layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [12, 12] }); }
    });
})();
