// The dashboard's charts: each <canvas data-chart="ID"> is drawn by Chart.js (served
// from static/vendor/chartjs) from the JSON block with that id, written by Django's
// json_script, so no script runs inline and the CSP stays strict. Every chart has a
// table with the same numbers beside it for screen readers; the canvas is an image
// with a label. People who ask for reduced motion get no animation.
(function () {
  "use strict";
  if (!window.Chart) {
    return;
  }
  var COLOURS = ["#1d5f6d", "#c0722a", "#2d6a45", "#6b4c9a"];
  var reduced =
    window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.series.map(function (series, index) {
      var colour = COLOURS[index % COLOURS.length];
      return {
        label: series.label,
        data: series.data,
        backgroundColor: colour,
        borderColor: colour,
        spanGaps: false,
        pointRadius: 4
      };
    });
    var y = { beginAtZero: true, ticks: { precision: 0 } };
    if (spec.percent) {
      y.max = 100;
    }
    if (spec.min !== undefined) {
      y.min = spec.min;
      y.beginAtZero = false;
    }
    if (spec.max !== undefined) {
      y.max = spec.max;
    }
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: reduced ? false : undefined,
        responsive: true,
        aspectRatio: spec.aspect || 2,
        plugins: { legend: { display: datasets.length > 1 } },
        scales: { y: y }
      }
    });
    canvas.dataset.drawn = "true";
  }

  var canvases = document.querySelectorAll("canvas[data-chart]");
  for (var i = 0; i < canvases.length; i += 1) {
    draw(canvases[i]);
  }
})();
