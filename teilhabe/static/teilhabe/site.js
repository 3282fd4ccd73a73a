// Enhancement only: everything works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so screen readers announce it at once.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // The list's filters start closed so that phones see the list first; beside the list there is room.
  var filters = document.querySelector("details.filter-details");
  if (filters && window.matchMedia("(min-width: 52.01rem)").matches) { filters.open = true; }
});
