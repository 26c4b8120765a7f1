/* What every map and status script needs: the folium map of a box, JSON requests
 * with the session (and the CSRF token when writing), aria-live messages, and the
 * early "is this pin in the project area" hint. Loaded before the other scripts. */
(function () {
  "use strict";
  if (window.Pool) { return; }

  /* Degrees. A pin this close to an edge or corner counts as on it: the server decides
   * with ST_Covers / shapely covers, where the boundary belongs to the area, and the
   * browser must never refuse a point the server would take. */
  var BOUNDARY = 1e-9;

  /* The Leaflet map folium made for the [data-map-name] box in (or at) root; null if none. */
  function mapOf(root) {
    var box = root.matches("[data-map-name]") ? root : root.querySelector("[data-map-name]");
    return (box && window[box.dataset.mapName]) || null;
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  /* fetch() for the JSON API. options: method, headers (added to or replacing the
   * defaults), signal (an AbortSignal), body (an object is sent as JSON). Resolves
   * with the parsed answer; rejects on a non-2xx answer with an Error that carries
   * `status` and the unread `response`. */
  function fetchJSON(url, options) {
    options = options || {};
    var method = (options.method || "GET").toUpperCase();
    var headers = { Accept: "application/json" };
    var body = options.body;
    if (body !== undefined && body !== null && typeof body === "object" &&
        !(body instanceof FormData) && !(body instanceof URLSearchParams) && !(body instanceof Blob)) {
      body = JSON.stringify(body);
      headers["Content-Type"] = "application/json";
    }
    if (method !== "GET" && method !== "HEAD") { headers["X-CSRFToken"] = csrfToken(); }
    Object.keys(options.headers || {}).forEach(function (name) { headers[name] = options.headers[name]; });
    var init = { method: method, headers: headers, credentials: "same-origin" };
    if (body !== undefined) { init.body = body; }
    if (options.signal) { init.signal = options.signal; }
    return fetch(url, init).then(function (response) {
      if (!response.ok) {
        var error = new Error("HTTP " + response.status + " for " + url);
        error.status = response.status;
        error.response = response;
        throw error;
      }
      return response.json();
    });
  }

  /* A status message for an aria-live element; text only, never HTML. */
  function say(element, text) {
    if (element) { element.textContent = text || ""; }
  }

  /* Distance test against a segment, so that points on an edge or a vertex are found
   * even where floating point puts them a hair to one side. */
  function onSegment(x, y, a, b) {
    var dx = b[0] - a[0], dy = b[1] - a[1];
    var length2 = dx * dx + dy * dy;
    var t = length2 ? ((x - a[0]) * dx + (y - a[1]) * dy) / length2 : 0;
    t = Math.max(0, Math.min(1, t));
    var ex = a[0] + t * dx - x, ey = a[1] + t * dy - y;
    return ex * ex + ey * ey <= BOUNDARY * BOUNDARY;
  }

  /* "edge", "in" or "out" of a closed ring (even-odd ray casting off the edges). */
  function where(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if (onSegment(x, y, ring[j], ring[i])) { return "edge"; }
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside ? "in" : "out";
  }

  /* Whether a GeoJSON Polygon or MultiPolygon covers (lng, lat): the boundary, holes'
   * boundaries included, counts as inside. No geometry, or one of another type,
   * refuses nothing: the server has the last word. */
  function inArea(geometry, lng, lat) {
    if (!geometry) { return true; }
    var polygons;
    if (geometry.type === "Polygon") { polygons = [geometry.coordinates]; }
    else if (geometry.type === "MultiPolygon") { polygons = geometry.coordinates; }
    else { return true; }
    return polygons.some(function (rings) {
      if (!rings.length || where(lng, lat, rings[0]) === "out") { return false; }
      return !rings.slice(1).some(function (hole) { return where(lng, lat, hole) === "in"; });
    });
  }

  /* On a touch screen, one finger scrolls the page past the map and two fingers move (and
   * pinch) it: without this a map as wide as a phone traps the page. Leaflet's pinch handler
   * pans with the two fingers, and with dragging off its CSS lets the browser scroll on one
   * finger (touch-action: pan-x pan-y). A one-finger swipe on the map shows `hintText`. */
  function twoFingerPanning(map, hintText) {
    if (!window.matchMedia || !window.matchMedia("(pointer: coarse)").matches || !map.dragging) { return; }
    map.dragging.disable();
    var box = map.getContainer();
    var hint = document.createElement("div");
    hint.className = "map-touch-hint";
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = hintText;
    box.appendChild(hint);
    var timer = null;
    function show(visible) {
      clearTimeout(timer);
      hint.classList.toggle("map-touch-hint--visible", visible);
      if (visible) { timer = setTimeout(function () { show(false); }, 1500); }
    }
    box.addEventListener("touchmove", function (e) { show(e.touches.length === 1); }, { passive: true });
  }

  window.Pool = { mapOf: mapOf, fetchJSON: fetchJSON, say: say, inArea: inArea, twoFingerPanning: twoFingerPanning };
})();
