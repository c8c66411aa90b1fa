// The "Your data" page while a copy is being prepared: ask the server every couple of
// seconds whether any copy is still waiting or being written, and load the page again
// once none is (it then shows the download link or the failure). Without this script
// the page offers a "Refresh" link instead.
(function () {
  "use strict";
  var section = document.getElementById("data-export-pending");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.dataset.statusUrl;
  var message = document.getElementById("data-export-message");
  var refresh = document.getElementById("data-export-refresh");
  var INTERVAL = 2000;
  var failures = 0;

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
        if (data.pending) {
          window.setTimeout(poll, INTERVAL);
        } else {
          message.textContent = "Your copy is written: loading the page again.";
          window.location.reload();
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < 5) {
          window.setTimeout(poll, INTERVAL * failures);
        } else {
          message.textContent = "The page could not check on your copy. Use the Refresh link.";
          if (refresh) {
            refresh.focus();
          }
        }
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
