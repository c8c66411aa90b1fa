// The page of work a worker is doing (a match run, a large export, a copy of one's
// data): ask the server how far it is every couple of seconds, move the bar, and load
// the page again once the work is over (it then shows the result or the error).
// Without this script the page offers a "Refresh" link instead.
//
// The page marks the work's section with data-progress="<prefix>" and
// data-progress-url (a JSON answer: "status" (or "pending", true or false), and either
// "progress" in per cent or "rows_done" and "rows_total"; "message" and "url"
// optional), and holds the elements <prefix>-message and -refresh, and for a bar
// <prefix>-bar, -fill, -percent (and -rows for rows). data-progress-what names the
// work in the messages ("run", "export"); data-progress-done, if given, is the message
// once it is over.
(function () {
  "use strict";
  var section = document.querySelector("[data-progress][data-progress-url]");
  if (!section || !window.fetch) {
    return;
  }
  var prefix = section.dataset.progress;
  var what = section.dataset.progressWhat || "work";
  var url = section.dataset.progressUrl;
  function part(name) {
    return document.getElementById(prefix + "-" + name);
  }
  var bar = part("bar");
  var fill = part("fill");
  var percent = part("percent");
  var rows = part("rows");
  var message = part("message");
  var refresh = part("refresh");
  var ACTIVE = { queued: true, running: true };
  var INTERVAL = 2000;
  var failures = 0;

  function show(data) {
    if (!bar) {
      return;
    }
    var value;
    if (data.rows_total !== undefined) {
      var done = parseInt(data.rows_done, 10) || 0;
      var total = parseInt(data.rows_total, 10) || 0;
      value = total ? Math.min(100, Math.floor((100 * done) / total)) : 0;
      bar.setAttribute("aria-valuenow", String(done));
      bar.setAttribute("aria-valuetext", done + " of " + total + " rows");
      fill.value = done;
      if (rows) {
        rows.textContent = String(done);
      }
    } else {
      value = Math.max(0, Math.min(100, parseInt(data.progress, 10) || 0));
      bar.setAttribute("aria-valuenow", String(value));
      bar.setAttribute("aria-valuetext", value + "%");
      fill.value = value;
    }
    percent.textContent = value + "%";
    if (data.message && message.textContent !== data.message) {
      message.textContent = data.message;
    }
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
        var active = data.pending !== undefined ? data.pending : ACTIVE[data.status];
        if (active) {
          window.setTimeout(poll, INTERVAL);
        } else {
          message.textContent =
            section.dataset.progressDone || "The " + what + " is over: loading the result.";
          window.location.assign(data.url || window.location.href);
        }
      })
      .catch(function () {
        // A few failures in a row (the server restarting, the network gone) stop the
        // polling; the Refresh link still works.
        failures += 1;
        if (failures < 5) {
          window.setTimeout(poll, INTERVAL * failures);
        } else {
          message.textContent =
            "The page could not check the " + what + "'s progress. Use the Refresh link.";
          if (refresh) {
            refresh.focus();
          }
        }
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
