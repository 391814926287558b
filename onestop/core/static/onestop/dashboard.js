// Draws the dashboards' charts with ECharts from the figures the page carries as JSON.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var charts = [];
  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element || typeof echarts === "undefined") { return; }
    if (option.legend) { option.legend.top = 0; }
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(Object.assign({ animation: false, tooltip: { trigger: "axis" }, grid: { left: 64, right: 24, top: 40, bottom: 40 } }, option));
    charts.push(chart);
  }
  function line(name, values, yAxisIndex) {
    return { name: name, type: "line", smooth: true, showSymbol: false, data: values, yAxisIndex: yAxisIndex || 0 };
  }
  if (data.views) {
    draw("chart-traffic", {
      legend: { data: [data.labels.views, data.labels.visitors] },
      xAxis: { type: "category", data: data.days },
      yAxis: [{ type: "value" }, { type: "value" }],
      series: [line(data.labels.views, data.views), line(data.labels.visitors, data.visitors, 1)]
    });
    draw("chart-cases", {
      legend: { data: [data.labels.received, data.labels.decided] },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: data.labels.received, type: "bar", data: data.received },
               { name: data.labels.decided, type: "bar", data: data.decided }]
    });
    draw("chart-states", {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], data: data.states.map(function (s) { return { name: s[0], value: s[1] }; }) }]
    });
    draw("chart-board", {
      legend: { data: [data.labels.on_time, data.labels.satisfaction] },
      grid: { left: 200, right: 24, top: 40, bottom: 24 },
      xAxis: { type: "value", max: 1, axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } },
      yAxis: { type: "category", inverse: true, data: data.board.map(function (r) { return r[0]; }) },
      series: [{ name: data.labels.on_time, type: "bar", data: data.board.map(function (r) { return r[1]; }) },
               { name: data.labels.satisfaction, type: "bar", data: data.board.map(function (r) { return r[2]; }) }]
    });
  }
  if (data.series) {
    draw("chart-tenants", {
      legend: { data: data.series.map(function (s) { return s.name; }) },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value" },
      series: data.series.map(function (s) { return line(s.name, s.views); })
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.documentElement.dataset.chartsDrawn = String(charts.length);
}());
