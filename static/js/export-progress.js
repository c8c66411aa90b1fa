// A large export's page while a worker writes it: ask the server how far it is every
// couple of seconds, move the bar, and load the page again once the file is ready or
// the export failed (it then shows the download link or the error). Without this
// script the page offers a "Refresh" link instead.
(function () {
  "use strict";
  var section = document.getElementById("export-progress");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.dataset.progressUrl;
  var bar = document.getElementById("export-progress-bar");
  var fill = document.getElementById("export-progress-fill");
  var percent = document.getElementById("export-progress-percent");
  var rows = document.getElementById("export-progress-rows");
  var message = document.getElementById("export-progress-message");
  var refresh = document.getElementById("export-progress-refresh");
  var ACTIVE = { queued: true, running: true };
  var INTERVAL = 2000;
  var failures = 0;

  function show(data) {
    var done = parseInt(data.rows_done, 10) || 0;
    var total = parseInt(data.rows_total, 10) || 0;
    var value = total ? Math.min(100, Math.floor((100 * done) / total)) : 0;
    bar.setAttribute("aria-valuenow", String(done));
    bar.setAttribute("aria-valuetext", done + " of " + total + " rows");
    fill.value = done;
    percent.textContent = value + "%";
    rows.textContent = String(done);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (ACTIVE[data.status]) {
          window.setTimeout(poll, INTERVAL);
        } else {
          message.textContent = "The export is over: loading the result.";
          window.location.reload();
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < 5) {
          window.setTimeout(poll, INTERVAL * failures);
        } else {
          message.textContent =
            "The page could not check the export's progress. Use the Refresh link.";
          if (refresh) {
            refresh.focus();
          }
        }
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
