/* A refused form shows its errors where the eye is: the first invalid field (or the form's general
   error) is scrolled into view and focused, on page load and after an htmx swap. */
(function () {
  function focusFirstError(root) {
    var field = root.querySelector('[aria-invalid="true"]');
    var target = field || root.querySelector('form .alert[role="alert"]');
    if (!target) return;
    if (!field && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    var details = target.closest("details");
    if (details) details.open = true;
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
    document.body.setAttribute("data-error-focus", target.id || "alert");
  }
  function onLoad() { focusFirstError(document); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onLoad); else onLoad();
  document.addEventListener("htmx:afterSettle", function (e) { focusFirstError(e.target || document); });
})();
