/* Ratings pages: draws the weekly helpful-% line, its 95% range and the dashed target from the JSON
   data block. Without this script (or Chart.js) the weekly table stays open and is the whole view. */
(function () {
  "use strict";

  var source = document.getElementById("ratings-trend-data");
  var canvas = document.getElementById("ratings-trend-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") return;

  var data;
  try {
    data = JSON.parse(source.textContent);
  } catch (error) {
    return;
  }
  var hasVotes = data.helpful.some(function (value) { return value !== null; });
  if (!hasVotes) return; // an empty chart says less than the table's "No votes" rows

  var box = canvas.closest("[data-ratings-chart]");
  var styles = getComputedStyle(document.documentElement);
  var brand = styles.getPropertyValue("--brand").trim() || "#1f5fbf";
  var muted = styles.getPropertyValue("--muted").trim() || "#5e6a7d";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var RANGE_LOW = 0, HELPFUL = 2, TARGET = 3; // dataset indexes (1 is the shaded range)

  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.color = muted;
  box.hidden = false;
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: "95% range low", data: data.low, borderWidth: 0, pointRadius: 0, pointHoverRadius: 0, fill: false },
        {
          label: "95% range",
          data: data.high,
          borderWidth: 0,
          pointRadius: 0,
          pointHoverRadius: 0,
          backgroundColor: "rgba(31, 95, 191, 0.12)",
          fill: "-1" // shade down to the low bound: few votes, wide band
        },
        {
          label: "Helpful %",
          data: data.helpful,
          borderColor: brand,
          backgroundColor: brand,
          borderWidth: 2,
          pointRadius: 3.5,
          tension: 0,
          clip: false
        },
        {
          label: "Target " + data.target + "%",
          data: data.labels.map(function () { return data.target; }),
          borderColor: muted,
          borderDash: [6, 4],
          borderWidth: 1.5,
          pointRadius: 0,
          pointHitRadius: 0
        }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : { duration: 300 },
      interaction: { mode: "index", intersect: false },
      scales: {
        y: { min: 0, max: 100, ticks: { callback: function (value) { return value + "%"; } } },
        x: { ticks: { autoSkip: true, maxRotation: 0 } }
      },
      plugins: {
        legend: {
          position: "bottom",
          labels: { filter: function (item) { return item.datasetIndex !== RANGE_LOW; } }
        },
        tooltip: {
          filter: function (item) { return item.datasetIndex === HELPFUL || item.datasetIndex === TARGET; },
          callbacks: {
            label: function (item) {
              if (item.datasetIndex === TARGET) return "Target: " + data.target + "%";
              var i = item.dataIndex, votes = data.votes[i];
              return "Helpful: " + item.formattedValue + "% of " + votes + (votes === 1 ? " vote" : " votes") +
                " (95% range " + data.low[i] + "–" + data.high[i] + "%)";
            }
          }
        }
      }
    }
  });

  // The chart now carries the picture; the table stays one click away (and for screen readers).
  var table = document.querySelector("[data-ratings-table]");
  if (table) table.open = false;
})();
