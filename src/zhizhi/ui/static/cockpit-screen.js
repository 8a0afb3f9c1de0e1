/* The cockpit's command-centre mode: scale the 1920×1080 stage to the window, draw dark charts. */
(function () {
  function fit() {
    var stage = document.getElementById("stage");
    var k = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    stage.style.transform = "scale(" + k + ")";
    stage.style.left = Math.max(0, (window.innerWidth - 1920 * k) / 2) + "px";
  }
  function draw() {
    fit();
    window.addEventListener("resize", fit);
    if (!window.echarts) { document.body.setAttribute("data-charts", "ready"); return; }
    var data = JSON.parse(document.getElementById("cockpit-data").textContent);
    var base = { animation: false, backgroundColor: "transparent", textStyle: { fontSize: 16 } };
    var c1 = echarts.init(document.getElementById("chart-trend"), "dark");
    c1.setOption(Object.assign({}, base, {
      grid: { left: 48, right: 16, top: 20, bottom: 36 }, tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.daily.map(function (d) { return d[0].slice(5); }) },
      yAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#1f3b70" } } },
      series: [{ type: "line", name: data.labels.count, smooth: false, color: "#5ee0ff", areaStyle: { opacity: .25 },
        data: data.daily.map(function (d) { return d[1]; }) }]
    }));
    var rows = data.categories.slice().reverse();
    var c2 = echarts.init(document.getElementById("chart-categories"), "dark");
    c2.setOption(Object.assign({}, base, {
      grid: { left: 8, right: 24, top: 10, bottom: 24, containLabel: true }, tooltip: {},
      xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#1f3b70" } } },
      yAxis: { type: "category", data: rows.map(function (r) { return r[1]; }),
               axisLabel: { width: 200, overflow: "truncate" } },  // English names are longer
      series: [{ type: "bar", barMaxWidth: 22, color: "#2f7bff", name: data.labels.count, data: rows.map(function (r) { return r[2]; }) }]
    }));
    fetch("/static/geo/changsha_districts.json").then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("changsha", geo);
      var values = geo.features.map(function (f) {
        return { name: f.properties.name, value: data.districts[String(f.properties.adcode)] || 0 };
      });
      var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
      var c3 = echarts.init(document.getElementById("chart-map"), "dark");
      c3.setOption(Object.assign({}, base, {
        tooltip: { trigger: "item" },
        visualMap: { min: 0, max: max, left: 8, bottom: 8, calculable: true, textStyle: { color: "#8fb0e8" },
          inRange: { color: ["#0d2a5c", "#2f7bff", "#5ee0ff"] } },
        series: [{ type: "map", map: "changsha", name: data.labels.count, data: values,
          label: { show: true, color: "#fff", fontSize: 14 }, itemStyle: { borderColor: "#5ee0ff", areaColor: "#0d2a5c" } }]
      }));
    }).finally(function () { document.body.setAttribute("data-charts", "ready"); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
