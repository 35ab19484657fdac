/* Dashboard charts: draws every [data-dashboard-chart] from the JSON block beside it (line or bar series,
   stacked bars, percent axes, a dashed target line, gaps where a value is missing). Without this script
   (or Chart.js) the table of the same numbers stays open and is the whole chart. */
(function () {
  "use strict";

  if (typeof window.Chart === "undefined") return;

  var styles = getComputedStyle(document.documentElement);
  var muted = styles.getPropertyValue("--muted").trim() || "#5e6a7d";
  var palette = [
    styles.getPropertyValue("--brand").trim() || "#1f5fbf",
    "#c2410c", "#0f766e", "#7c3aed", "#a16207", "#be185d"
  ];
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "en", { maximumFractionDigits: 1 });

  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.color = muted;

  function shown(value, unit) {
    if (value === null || value === undefined) return "no data";
    return numbers.format(value) + (unit === "percent" ? "%" : "");
  }

  function datasets(data) {
    var sets = data.series.map(function (series, index) {
      var color = palette[index % palette.length];
      var bar = series.kind === "bar";
      return {
        type: bar ? "bar" : "line",
        label: series.label,
        data: series.values,
        borderColor: color,
        backgroundColor: color,
        borderWidth: bar ? 0 : 2,
        pointRadius: bar ? 0 : (data.labels.length > 45 ? 0 : 2.5),
        tension: 0,
        spanGaps: false, // a missing value is a gap, not a made-up line
        clip: bar ? undefined : false, // a point on 100% stays whole
        stack: data.stacked ? "stack" : undefined,
        order: bar ? 2 : 1
      };
    });
    if (data.target !== null && data.target !== undefined) {
      sets.push({
        type: "line",
        label: "Target " + shown(data.target, data.unit),
        data: data.labels.map(function () { return data.target; }),
        borderColor: muted,
        borderDash: [6, 4],
        borderWidth: 1.5,
        pointRadius: 0,
        pointHitRadius: 0,
        order: 0
      });
    }
    return sets;
  }

  function draw(box) {
    var section = box.closest("[data-chart]");
    var source = section && section.querySelector("[data-chart-data]");
    var canvas = box.querySelector("canvas");
    if (!source || !canvas) return;
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    var percent = data.unit === "percent";
    var yAxis = {
      beginAtZero: true,
      stacked: data.stacked,
      ticks: { callback: function (value) { return shown(value, data.unit); } }
    };
    if (percent) {
      yAxis.min = 0;
      yAxis.max = 100;
    } else {
      yAxis.ticks.precision = 0;
    }
    box.hidden = false;
    new window.Chart(canvas, {
      type: data.kind === "bar" ? "bar" : "line",
      data: { labels: data.labels, datasets: datasets(data) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: data.stacked, ticks: { autoSkip: true, maxRotation: 0 } },
          y: yAxis
        },
        plugins: {
          legend: { display: data.series.length > 1 || data.target !== null, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + shown(item.raw, data.unit);
              }
            }
          }
        }
      }
    });
    // The chart now carries the picture; the numbers stay one click away (and for screen readers).
    var table = section.querySelector("[data-chart-table]");
    if (table) table.open = false;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-dashboard-chart]"), draw);
})();
