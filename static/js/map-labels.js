/* Leaflet's own controls speak English; give them the page's language. */
(function () {
  "use strict";
  document.querySelectorAll(".pool-map[data-map-name]").forEach(function (box) {
    var map = Pool.mapOf(box);
    if (!map || box.dataset.labelled) { return; }
    box.dataset.labelled = "true";
    function label(el, text) { if (el && text) { el.title = text; el.setAttribute("aria-label", text); } }
    if (map.zoomControl) {
      label(map.zoomControl._zoomInButton, box.dataset.labelZoomIn);
      label(map.zoomControl._zoomOutButton, box.dataset.labelZoomOut);
    }
    map.on("popupopen", function (e) {
      label(e.popup.getElement().querySelector(".leaflet-popup-close-button"), box.dataset.labelClosePopup);
    });
  });
})();
