// The three-rates page: the trend chart (ECharts, data from the json_script block
// "rates-chart-data"; the same numbers are in the table below it) and the place selector,
// which shows the chosen place at once. No inline scripts (Content-Security-Policy).
// A period not finished yet (data.provisional) is drawn apart: its point hollow, the segment
// to it dashed, its axis label followed by data.provisional_text.
(function () {
  "use strict";
  var COLORS = ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de"];
  function percent(value) {
    return value === null || value === undefined ? "—" : Number(value).toFixed(1) + "%";
  }
  function shown(s, value) {  // the composite index is a number of points, not a percentage
    if (s.key !== "composite") { return percent(value); }
    return value === null || value === undefined ? "—" : Number(value).toFixed(1);
  }
  function escaped(text) {
    return window.echarts.format.encodeHTML(String(text));
  }
  // Two series per rate, one legend entry (same name): the finished periods, solid; and the
  // unfinished ones, dashed from the last finished point (drawn without a symbol there).
  function seriesOf(s, index, flags) {
    var color = COLORS[index % COLORS.length];
    var solid = s.data.map(function (v, j) { return flags[j] ? null : v; });
    var dashed = s.data.map(function (v, j) {
      if (flags[j]) { return v === null ? null : { value: v, symbol: "emptyCircle", symbolSize: 10 }; }
      if (flags[j + 1] && v !== null) { return { value: v, symbol: "none" }; }
      return null;
    });
    var out = [{
      name: s.name, type: "line", data: solid, connectNulls: false, color: color,
      symbol: "circle", symbolSize: 7
    }];
    if (flags.some(Boolean)) {
      out.push({
        name: s.name, type: "line", data: dashed, connectNulls: false, color: color,
        lineStyle: { type: "dashed", color: color }
      });
    }
    return out;
  }
  var holder = document.getElementById("rates-chart");
  var source = document.getElementById("rates-chart-data");
  if (holder && source && window.echarts) {
    var data = JSON.parse(source.textContent);
    var flags = data.provisional || data.labels.map(function () { return false; });
    var note = data.provisional_text || "";
    holder.style.height = (window.innerWidth < 576 ? 260 : 340) + "px";
    var chart = window.echarts.init(holder);
    var series = [];
    data.series.forEach(function (s, i) { series = series.concat(seriesOf(s, i, flags)); });
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "axis",
        // one line per rate, from the data (the dashed copy of a point is not listed twice)
        formatter: function (params) {
          var j = params.length ? params[0].dataIndex : 0;
          var head = escaped(data.labels[j] + (flags[j] ? " · " + note : ""));
          return [head].concat(data.series.map(function (s) {
            return escaped(s.name + ": " + shown(s, s.data[j]));
          })).join("<br>");
        }
      },
      legend: { top: 4, type: "scroll", icon: "circle", data: data.series.map(function (s) { return s.name; }) },
      grid: { left: 8, right: 28, top: 44, bottom: 8, containLabel: true },
      xAxis: {
        type: "category", data: data.labels, boundaryGap: false,
        axisLabel: {
          alignMaxLabel: "right",  // the last label (often the unfinished month) stays inside the chart
          formatter: function (value, j) { return flags[j] ? value + "\n" + note : value; }
        }
      },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form.requestSubmit) { select.form.requestSubmit(); } else { select.form.submit(); }
    });
  });
})();
