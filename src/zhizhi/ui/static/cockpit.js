/* Draws the cockpit charts from the JSON embedded in the page (no inline script). */
(function () {
  function draw() {
    if (!window.echarts) return;
    var el = document.getElementById("cockpit-data");
    if (!el) return;
    var data = JSON.parse(el.textContent);
    var trend = document.getElementById("chart-trend");
    if (trend) {
      var c1 = echarts.init(trend);
      c1.setOption({
        animation: false, grid: { left: 40, right: 16, top: 24, bottom: 40 }, tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: data.daily.map(function (d) { return d[0].slice(5); }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "line", name: data.labels.count, data: data.daily.map(function (d) { return d[1]; }), smooth: true, areaStyle: {} }]
      });
      window.addEventListener("resize", function () { c1.resize(); });
    }
    var cat = document.getElementById("chart-categories");
    if (cat) {
      var rows = data.categories.slice().reverse();
      var c2 = echarts.init(cat);
      c2.setOption({
        // names are as long as the language makes them (English ones too): the labels get up
        // to 40% of the chart, cut with an ellipsis; the list below the chart has them in full
        animation: false, grid: { left: 8, right: 16, top: 16, bottom: 24, containLabel: true }, tooltip: {},
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map(function (r) { return r[1]; }),
                 axisLabel: { width: Math.max(80, Math.round(cat.clientWidth * 0.4)), overflow: "truncate" } },
        series: [{ type: "bar", barMaxWidth: 28, name: data.labels.count, data: rows.map(function (r) { return r[2]; }), color: "#b0201c" }]
      });
      window.addEventListener("resize", function () { c2.resize(); });
    }
    var map = document.getElementById("chart-map");
    if (!map) { document.body.setAttribute("data-charts", "ready"); return; }
    fetch("/static/geo/changsha_districts.json").then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("changsha", geo);
      var values = geo.features.map(function (f) {
        return { name: f.properties.name, value: data.districts[String(f.properties.adcode)] || 0 };
      });
      var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
      var c3 = echarts.init(map);
      c3.setOption({
        animation: false, tooltip: { trigger: "item" },
        visualMap: { min: 0, max: max, left: 8, bottom: 8, calculable: true, inRange: { color: ["#fde9e7", "#b0201c"] } },
        series: [{ type: "map", map: "changsha", name: data.labels.count, data: values, label: { show: true, fontSize: 10 } }]
      });
      window.addEventListener("resize", function () { c3.resize(); });
    }).finally(function () { document.body.setAttribute("data-charts", "ready"); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
