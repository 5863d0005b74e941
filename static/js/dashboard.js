/* Program dashboard charts (Chart.js, vendored), drawn from the JSON the page embeds with
   json_script: no inline script (CSP). Every chart's numbers are also in the table under it. */
(function () {
  "use strict";

  function css(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var text = css("--bs-body-color", "#1c2430");
    var grid = css("--bs-border-color", "#dfe4ea");
    var primary = css("--bs-primary", "#0f6e63"); // the brand teal, brighter in dark mode
    var colours = { held: primary, cancelled: "#8a94a6", no_show: "#f26b3a" };
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    Chart.defaults.color = text;
    Chart.defaults.borderColor = grid;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    if (reduce) Chart.defaults.animation = false;
    var common = { responsive: true, maintainAspectRatio: false };

    var sessions = document.getElementById("chart-sessions");
    if (sessions) {
      new Chart(sessions, {
        type: "bar",
        data: {
          labels: data.sessions.labels,
          datasets: data.sessions.series.map(function (s) {
            return { label: s.label, data: s.data, backgroundColor: colours[s.key] };
          }),
        },
        options: Object.assign({}, common, {
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        }),
      });
    }
    var scores = document.getElementById("chart-scores");
    if (scores) {
      new Chart(scores, {
        type: "bar",
        data: { labels: data.scores.labels, datasets: [{ label: scores.dataset.label, data: data.scores.data, backgroundColor: primary }] },
        options: Object.assign({}, common, {
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        }),
      });
    }
    var ratings = document.getElementById("chart-ratings");
    if (ratings) {
      new Chart(ratings, {
        type: "line",
        data: {
          labels: data.ratings.labels,
          datasets: [{ label: ratings.dataset.label, data: data.ratings.data, borderColor: primary, backgroundColor: primary, spanGaps: true, tension: 0.2 }],
        },
        options: Object.assign({}, common, {
          plugins: { legend: { display: false } },
          scales: { y: { min: 1, max: 5, ticks: { stepSize: 1 } } },
        }),
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
