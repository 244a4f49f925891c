// The three-rates page: the trend chart (ECharts, data from the json_script block
// "rates-chart-data"; the same numbers are in the table below it) and the place selector,
// which shows the chosen place at once. No inline scripts (Content-Security-Policy).
(function () {
  "use strict";
  function percent(value) {
    return value === null || value === undefined ? "—" : Number(value).toFixed(1) + "%";
  }
  var holder = document.getElementById("rates-chart");
  var source = document.getElementById("rates-chart-data");
  if (holder && source && window.echarts) {
    var data = JSON.parse(source.textContent);
    holder.style.height = (window.innerWidth < 576 ? 260 : 340) + "px";
    var chart = window.echarts.init(holder);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: percent },
      legend: { top: 4, type: "scroll" },
      grid: { left: 8, right: 28, top: 44, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels, boundaryGap: false },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 7 };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form.requestSubmit) { select.form.requestSubmit(); } else { select.form.submit(); }
    });
  });
})();
