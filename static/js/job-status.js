/* Keeps a job's status, progress bar and message up to date until it ends. */
(function () {
  "use strict";
  var root = document.querySelector("[data-job]");
  // A job that had already ended when the page was made has nothing to follow; polling it
  // would see "failed" and reload the page every second.
  if (!root || root.dataset.done === "true") { return; }
  var labels = JSON.parse(root.dataset.labels);
  var bar = root.querySelector("[data-job-progress]");
  function poll() {
    Pool.fetchJSON(root.dataset.statusUrl)
      .then(function (state) {
        Pool.say(root.querySelector("[data-job-status]"), labels[state.status] || state.status);
        bar.value = Math.round(state.progress * 100);
        bar.textContent = bar.value + " %";
        Pool.say(root.querySelector("[data-job-message]"), state.message);
        if (state.done) {
          // A failed job shows its retry button after a reload; some pages show the result that way too.
          if (state.status === "failed" || root.dataset.reloadWhenDone === "true") { window.location.reload(); }
        } else {
          setTimeout(poll, 1000);
        }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
