/* policyforge: the engine's script for the MkDocs Material site (published as assets/policyforge.js).
   It loads nothing and talks to no host. */

/* Material wraps wide tables in scrollable boxes after load; keyboard users must be able to
   focus them to scroll (WCAG 2.1.1), so each gets a tab stop and a name. */
function policyforgeScrollBoxes() {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "Scrollable table");
  });
}

/* The control matrix's filter: rows whose text holds every word typed stay; a policy's group
   without such a row is hidden; a live count tells screen readers what is shown. */
function policyforgeMatrixFilter() {
  document.querySelectorAll(".pf-matrix").forEach(function (matrix) {
    if (matrix.querySelector(".pf-filter")) { return; }
    var rows = Array.prototype.slice.call(matrix.querySelectorAll("tbody tr"));
    var groups = Array.prototype.slice.call(matrix.querySelectorAll(".pf-group"));
    var box = document.createElement("div");
    box.className = "pf-filter";
    box.setAttribute("role", "search");
    var label = document.createElement("label");
    label.setAttribute("for", "pf-filter-input");
    label.textContent = "Filter controls";
    var input = document.createElement("input");
    input.type = "search";
    input.id = "pf-filter-input";
    input.placeholder = "control, owner, criterion, evidence…";
    input.autocomplete = "off";
    var count = document.createElement("output");
    count.setAttribute("aria-live", "polite");
    count.setAttribute("for", "pf-filter-input");
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(count);
    matrix.insertBefore(box, matrix.firstChild);
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var keep = words.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !keep;
        if (keep) { shown += 1; }
      });
      groups.forEach(function (group) {
        var heading = group.querySelector("h2");
        var title = heading ? heading.textContent.toLowerCase() : "";
        var byTitle = words.length > 0 && words.every(function (word) { return title.indexOf(word) !== -1; });
        if (byTitle) {
          group.querySelectorAll("tbody tr").forEach(function (row) {
            if (row.hidden) { row.hidden = false; shown += 1; }
          });
        }
        group.hidden = !group.querySelector("tbody tr:not([hidden])");
      });
      count.textContent = shown + " of " + rows.length + " controls shown";
    }
    input.addEventListener("input", apply);
    apply();
  });
}

/* The version selector (drawn once versions.json arrives) is named "Select version" while it
   shows "2026.2"; its accessible name must contain what it shows (WCAG 2.5.3). */
function policyforgeNameVersion() {
  document.querySelectorAll(".md-version__current").forEach(function (button) {
    var label = "Version " + button.textContent.trim() + ", select another";
    if (button.getAttribute("aria-label") !== label) { button.setAttribute("aria-label", label); }
  });
}

document$.subscribe(function () {
  policyforgeScrollBoxes();
  policyforgeMatrixFilter();
});
new MutationObserver(policyforgeNameVersion).observe(document.body, {childList: true, subtree: true});
