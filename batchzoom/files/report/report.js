"use strict";
(function () {
  var table = document.getElementById("rows-table");
  var form = document.getElementById("filters");
  var shown = document.getElementById("shown");
  if (!table || !form) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);

  function filter() {
    var host = form.elements.host.value;
    var status = form.elements.status.value;
    var day = form.elements.day.value;
    var count = 0;
    rows.forEach(function (row) {
      var days = (row.getAttribute("data-days") || "").split(" ");
      var keep = (!host || row.getAttribute("data-host") === host) &&
        (!status || row.getAttribute("data-status") === status) &&
        (!day || days.indexOf(day) >= 0);
      row.hidden = !keep;
      if (keep) { count += 1; }
    });
    // The words come from the page (data-template, in the page's language), not from here.
    var template = shown.getAttribute("data-template") || "{shown} / {total}";
    shown.textContent = template.split("{shown}").join(String(count))
      .split("{total}").join(String(rows.length));
  }

  function value(row, col, numeric) {
    var cell = row.cells[col];
    var text = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent;
    return numeric ? parseFloat(text) || 0 : text.toLowerCase();
  }

  function sort(button) {
    var th = button.parentNode;
    var col = parseInt(button.getAttribute("data-col"), 10);
    var numeric = button.getAttribute("data-type") === "num";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
      other.setAttribute("aria-sort", "none");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var keyed = rows.map(function (row, index) {
      return { row: row, key: value(row, col, numeric), index: index };
    });
    keyed.sort(function (a, b) {
      var order = a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index;
      return ascending ? order : -order;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (item) { fragment.appendChild(item.row); });
    body.appendChild(fragment);
  }

  table.tHead.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-col]");
    if (button) { sort(button); }
  });
  form.addEventListener("change", filter);
  form.addEventListener("reset", function () { window.setTimeout(filter, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
}());
