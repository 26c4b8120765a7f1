/* The register map: the statutes' areas from flaechen.json (the same filters as the list),
 * coloured by legal status; a click opens the statute. The list beside the map holds the
 * same links for keyboard and screen-reader users, the legend names every colour. */
(function () {
  "use strict";
  var COLOUR = /^#[0-9a-fA-F]{6}$/;
  var root = document.querySelector("[data-register-map]");
  if (!root) { return; }
  var map = Pool.mapOf(root);
  var status = root.querySelector("[data-map-status]");
  if (!map) { return; }
  Pool.fetchJSON(root.dataset.areasUrl)
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (feature) {
          var colour = COLOUR.test(feature.properties.colour) ? feature.properties.colour : "#6b6b6b";
          return { color: colour, weight: 2, fillColor: colour, fillOpacity: 0.25,
                   dashArray: feature.properties.draft ? "6 4" : null };
        },
        onEachFeature: function (feature, shape) {
          var label = document.createElement("span");
          label.textContent = feature.properties.label;
          shape.bindTooltip(label, { sticky: true });
          shape.on("click", function () { window.location.href = feature.properties.url; });
        }
      }).addTo(map);
      var count = layer.getLayers().length;
      var message = count === 1 ? root.dataset.msgLoadedOne : root.dataset.msgLoaded;
      Pool.say(status, (message || "").replace("{n}", String(count)));
      if (!root.hasAttribute("data-has-boundary") && count) { map.fitBounds(layer.getBounds(), { padding: [12, 12] }); }
    })
    .catch(function () { Pool.say(status, root.dataset.msgError); });
})();
