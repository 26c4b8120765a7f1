/* The planners' hot spots on a comment map: a circle per hot spot (never in the way of a click that
 * places a pin), and "Show on the map" from the list below. */
(function () {
  "use strict";
  var section = document.querySelector("[data-hotspots]");
  var root = document.querySelector("[data-project-map]");
  if (!section || !root) { return; }
  var map = Pool.mapOf(root);
  var spots = JSON.parse(section.dataset.hotspots);
  if (!map || !spots.length) { return; }
  map.createPane("hotspots");
  map.getPane("hotspots").style.zIndex = 390;  /* above the layers, below the pins */
  var circles = spots.map(function (spot) {
    return L.circle([spot.latitude, spot.longitude], {
      radius: Math.max(spot.radius, 15), pane: "hotspots", interactive: false,
      color: "#b3261e", weight: 2, dashArray: "6 4", fillColor: "#b3261e", fillOpacity: 0.12
    }).addTo(map);
  });
  section.querySelectorAll("[data-hotspot]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var circle = circles[Number(button.dataset.hotspot)];
      map.fitBounds(circle.getBounds(), { maxZoom: 18, padding: [24, 24] });
      root.scrollIntoView({ block: "nearest" });
    });
  });
})();
