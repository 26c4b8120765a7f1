/* A message shown at the comment or form it concerns (templates/_feedback.html): move the focus there,
 * so that a screen reader reads it and the next Tab continues from the comment the person acted on. */
(function () {
  "use strict";
  var message = document.querySelector("[data-feedback]");
  if (!message) { return; }
  message.focus({ preventScroll: true });
  message.scrollIntoView({ block: "center" });
  /* The browser's own scroll to the URL's #comment-N (at "load") takes the focus away again; give it
   * back, unless the person has moved on meanwhile. The comment is in view then, with the message at its top. */
  window.addEventListener("load", function () {
    setTimeout(function () {
      if (document.activeElement === document.body) { message.focus({ preventScroll: true }); }
    }, 0);
  });
})();
