/* Answering a survey page: questions that depend on an earlier answer on the same page appear and
 * disappear with it; map questions take places, a way or an area by mouse, touch, keyboard (the cross in
 * the middle of the map and the buttons) or an address, and keep them as JSON [[lon, lat], …] in their
 * hidden field. Without this script the conditional questions stay visible with their condition said,
 * and map questions take typed addresses. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.querySelector("[data-survey-form]");
  if (!form) { return; }

  /* ---- conditions ------------------------------------------------------ */
  function chosen(name) {
    var values = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) { values.push(input.value); }
    });
    return values;
  }
  var dependent = form.querySelectorAll("[data-condition-source]");
  var conditionStatus = form.querySelector("[data-condition-status]");
  /* Shows and hides the dependent questions; with `announce`, says which appeared or went, since a
   * screen reader does not notice a question appearing further down. */
  function applyConditions(announce) {
    var said = [];
    dependent.forEach(function (box) {
      var shown = chosen(box.dataset.conditionSource).indexOf(box.dataset.conditionValue) !== -1;
      if (box.hidden === shown && announce) {
        var legend = box.querySelector("legend");
        var text = legend ? legend.firstChild.textContent.trim() : "";
        said.push((shown ? form.dataset.msgShown : form.dataset.msgHidden).replace("{question}", text));
      }
      box.hidden = !shown;
    });
    if (said.length && conditionStatus) { conditionStatus.textContent = said.join(" "); }
  }
  if (dependent.length) {
    form.addEventListener("change", function () { applyConditions(true); });
    applyConditions(false);
  }

  /* ---- map questions ---------------------------------------------------- */
  form.querySelectorAll("[data-survey-map]").forEach(function (box) {
    var map = Pool.mapOf(box);
    if (!map) { return; }
    var shape = box.dataset.shape;
    var most = parseInt(box.dataset.most, 10) || 1;
    var field = box.querySelector("[data-coordinates]");
    var status = box.querySelector("[data-map-status]");
    var msg = function (name) { return box.dataset["msg" + name] || ""; };
    var points = [];
    /* The marks live in a pane of their own: in .map--marking the GIS layers' features let clicks through
     * to the map (a tap on a plan's area marks a place, it opens no popup), but a mark takes its click. */
    map.createPane("surveyMarks").style.zIndex = 650;
    var marks = L.layerGroup().addTo(map);

    map.options.keyboardPanDelta = 40;
    Pool.twoFingerPanning(map, msg("TwoFingers"));
    var cross = document.createElement("div");
    cross.className = "map-crosshair";
    cross.setAttribute("aria-hidden", "true");
    map.getContainer().appendChild(cross);
    map.getContainer().setAttribute("aria-describedby", field.name + "-map-help");

    try {
      var kept = field.value ? JSON.parse(field.value) : [];
      if (Array.isArray(kept)) {
        points = kept.filter(function (p) { return Array.isArray(p) && p.length === 2 && isFinite(p[0]) && isFinite(p[1]); });
      }
    } catch (e) { points = []; }

    function said() {
      if (!points.length) { return msg("None"); }
      return points.length === 1 ? msg("One") : msg("Many").replace("{n}", points.length);
    }

    function draw(announce) {
      marks.clearLayers();
      var latlngs = points.map(function (p) { return L.latLng(p[1], p[0]); });
      if (shape === "line" && latlngs.length > 1) {
        L.polyline(latlngs, { color: "#004b76", weight: 4, pane: "surveyMarks", interactive: false }).addTo(marks);
      }
      if (shape === "area" && latlngs.length > 2) {
        L.polygon(latlngs, { color: "#004b76", weight: 3, fillOpacity: 0.2, pane: "surveyMarks", interactive: false }).addTo(marks);
      }
      latlngs.forEach(function (ll, index) {
        var mark = L.circleMarker(ll, { radius: shape === "points" ? 9 : 6, color: "#ffffff", weight: 2,
          fillColor: "#004b76", fillOpacity: 1, bubblingMouseEvents: false, pane: "surveyMarks",
          interactive: shape === "points" }).addTo(marks);
        if (shape === "points") {
          mark.on("click", function () { points.splice(index, 1); draw(true); });
        }
      });
      field.value = points.length ? JSON.stringify(points) : "";
      if (announce) { Pool.say(status, said()); } else { status.textContent = said(); }
    }

    function add(ll) {
      var point = [Math.round(ll.lng * 1e7) / 1e7, Math.round(ll.lat * 1e7) / 1e7];
      if (shape === "points" && points.length >= most) {
        if (most === 1) { points = []; } else { Pool.say(status, msg("Full")); return; }
      }
      if (points.length >= 500) { return; }
      points.push(point);
      draw(true);
    }

    map.on("click", function (e) { add(e.latlng); });
    map.getContainer().addEventListener("keydown", function (e) {
      if (e.key === "Enter" && e.target === map.getContainer()) { e.preventDefault(); add(map.getCenter()); }
    });
    box.querySelector("[data-add-centre]").addEventListener("click", function () { add(map.getCenter()); });
    box.querySelector("[data-undo]").addEventListener("click", function () { points.pop(); draw(true); });
    box.querySelector("[data-clear]").addEventListener("click", function () { points = []; draw(true); });
    box.addEventListener("pool:address", function (e) { add(L.latLng(e.detail.lat, e.detail.lon)); });

    draw(false);
    if (points.length) {
      map.fitBounds(L.latLngBounds(points.map(function (p) { return [p[1], p[0]]; })).pad(0.5), { maxZoom: 17 });
    }
  });
})();
