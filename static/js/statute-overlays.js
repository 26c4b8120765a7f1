/* Georeferenced plan images of a statute (templates/statutes/_documents.html) drawn on its map as image
 * overlays below the plan's layers, each switched on and off with its checkbox (the keyboard path; the
 * same images are in the document list). */
(function () {
  "use strict";
  var box = document.querySelector("[data-statute-overlays]");
  var mapBox = document.querySelector("[data-layer-map] [data-map-name], [data-map-name]");
  var map = box && mapBox ? Pool.mapOf(mapBox) : null;
  if (!map) { if (box) { box.hidden = true; } return; }
  map.createPane("statute-overlays").style.zIndex = "250";  // above the basemap, below the GIS layers (300+)
  var overlays = {};
  JSON.parse(box.dataset.statuteOverlays || "[]").forEach(function (item) {
    overlays[item.id] = L.imageOverlay(item.url, item.bounds, { pane: "statute-overlays", opacity: 0.75, alt: item.title })
      .addTo(map);
  });
  box.querySelectorAll("[data-overlay-toggle]").forEach(function (toggle) {
    var overlay = overlays[toggle.dataset.overlayToggle];
    if (!overlay) { toggle.disabled = true; return; }
    toggle.addEventListener("change", function () {
      if (toggle.checked) { overlay.addTo(map); } else { map.removeLayer(overlay); }
    });
  });
})();
