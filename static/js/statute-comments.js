/* The comment form on a statute's page (templates/comments/_statute_comments.html): a paragraph's
 * "Comment" button chooses that paragraph in the form, and a pin (placed on the map or at a typed
 * address, project-map.js says so with `pool:pin`) offers the plan objects at that place to comment on.
 * Names reach the page only through textContent. */
(function () {
  "use strict";
  var form = document.querySelector("[data-comment-form]");
  var root = document.querySelector("[data-project-map]");
  if (!form || !root) { return; }
  var paragraph = form.querySelector("select[name=paragraph]");
  var objects = form.querySelector("select[name=plan_object]");
  var objectField = form.querySelector("[data-plan-object-field]");
  var status = root.querySelector("[data-map-status]");
  var msg = function (name) { return root.dataset["msg" + name] || ""; };

  /* ---- "Comment" on a paragraph ---- */
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("[data-paragraph]");
    if (!link || !paragraph) { return; }
    e.preventDefault();
    paragraph.value = link.dataset.paragraph;
    var section = document.getElementById("comment-form");
    section.scrollIntoView({ behavior: "smooth", block: "start" });
    paragraph.focus({ preventScroll: true });
  });

  /* ---- plan objects at the pin ---- */
  if (!objects || !root.dataset.planObjectsUrl) { return; }
  var none = objects.options[0];
  var pending = null;

  function fill(items) {
    var chosen = objects.value;
    while (objects.options.length > 1) { objects.remove(1); }
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.value;
      option.textContent = item.label;
      objects.appendChild(option);
    });
    objects.value = items.some(function (item) { return item.value === chosen; }) ? chosen : none.value;
    objectField.hidden = items.length === 0;
    if (items.length) {
      Pool.say(status, items.length === 1 ? msg("ObjectsOne") : msg("Objects").replace("{n}", items.length));
    }
  }

  form.addEventListener("pool:pin", function (e) {
    if (pending) { pending.abort(); pending = null; }
    if (!e.detail) { fill([]); return; }
    pending = new AbortController();
    var url = root.dataset.planObjectsUrl + "?lon=" + encodeURIComponent(e.detail.lon) +
              "&lat=" + encodeURIComponent(e.detail.lat);
    Pool.fetchJSON(url, { signal: pending.signal })
      .then(function (data) { fill(data.objects); })
      .catch(function (err) { if (err.name !== "AbortError") { fill([]); } });
  });
})();
