/* The address search box: an ARIA 1.2 combobox over the town's address list (the API's
 * /towns/<slug>/addresses). Typing lists the addresses found; arrow keys move through them,
 * Enter or a click chooses one, Escape closes the list (a second Escape empties the box).
 * A chosen address moves the page's map there and dispatches `pool:address` with
 * {lon, lat, label} from the box, bubbling, for the page's own scripts (comment pin,
 * "what applies here"). Addresses are only ever set with textContent. */
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-address-search]");
  if (!boxes.length) { return; }
  document.documentElement.classList.add("js");

  /* Every page with the box loads pool.js with its map (map_assets). */
  function fetchJSON(url, signal) { return Pool.fetchJSON(url, { signal: signal }); }

  function mapFor(root) {
    var selector = root.dataset.mapTarget;
    var target = selector ? document.querySelector(selector) : document.querySelector("[data-map-name]");
    return target && window.Pool ? Pool.mapOf(target) : null;
  }

  Array.prototype.forEach.call(boxes, function (root) {
    var input = root.querySelector("[data-address-input]");
    var list = root.querySelector("[data-address-list]");
    var status = root.querySelector("[data-address-status]");
    var msg = function (name) { return root.dataset["msg" + name] || ""; };
    var items = [];
    var active = -1;
    var request = null;
    var timer = null;
    var lastQuery = "";

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function say(text) {
      // Emptied first, so that the same count is announced again.
      status.textContent = "";
      setTimeout(function () { status.textContent = text; }, 50);
    }

    function open(show) {
      list.hidden = !show;
      input.setAttribute("aria-expanded", show ? "true" : "false");
      if (!show) { setActive(-1); }
    }

    function setActive(index) {
      var options = list.querySelectorAll("[role=option]");
      Array.prototype.forEach.call(options, function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        option.classList.toggle("address-search__option--active", i === index);
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.className = "address-search__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = item.label;
        // Keep the focus in the box: a click chooses without blurring it first.
        option.addEventListener("mousedown", function (e) { e.preventDefault(); });
        option.addEventListener("click", function () { choose(i); });
        list.appendChild(option);
      });
      open(found.length > 0);
      say(found.length === 0 ? msg("None")
        : (found.length === 1 ? msg("FoundOne") : msg("Found").replace("{n}", found.length)));
    }

    function search() {
      var query = input.value.trim();
      if (query === lastQuery) { return; }
      lastQuery = query;
      if (request) { request.abort(); }
      if (query.length < 2) { render([]); status.textContent = ""; return; }
      request = new AbortController();
      fetchJSON(root.dataset.url + "?q=" + encodeURIComponent(query), request.signal)
        .then(function (data) { render(data.addresses || []); })
        .catch(function (err) { if (err.name !== "AbortError") { open(false); say(msg("Error")); } });
    }

    function choose(index) {
      var item = items[index];
      if (!item) { return; }
      input.value = item.label;
      lastQuery = item.label;
      open(false);
      say(msg("Chosen").replace("{label}", item.label));
      var map = mapFor(root);
      if (map) { map.setView([item.lat, item.lon], Math.max(map.getZoom(), 17)); }
      root.dispatchEvent(new CustomEvent("pool:address", {
        bubbles: true, detail: { lon: item.lon, lat: item.lat, label: item.label }
      }));
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });

    input.addEventListener("keydown", function (e) {
      var expanded = !list.hidden;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!items.length) { return; }
        e.preventDefault();
        if (!expanded) { open(true); }
        var step = e.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next >= items.length) { next = 0; }
        if (next < 0) { next = items.length - 1; }
        setActive(next);
      } else if (e.key === "Enter") {
        if (expanded && active >= 0) {
          e.preventDefault();  // chosen here, not sent with the form
          choose(active);
        }
      } else if (e.key === "Escape") {
        if (expanded) { e.preventDefault(); open(false); }
        else if (input.value) { e.preventDefault(); input.value = ""; lastQuery = ""; items = []; }
      } else if (e.key === "Tab") {
        open(false);
      }
    });

    input.addEventListener("blur", function () { setTimeout(function () { open(false); }, 150); });
  });
})();
