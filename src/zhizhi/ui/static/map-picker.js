// Map picker and photo chooser of the portal's submit form and the intake form (no inline script).
// The map draws the bundled district boundaries (WGS-84, no tiles, no outside request); a click,
// a drag of the point or "use my location" fills the hidden latitude/longitude fields and asks
// the reverse-geocoding API for the nearest standard address and grid, which is offered in the
// address field. Photos are checked for size and previewed before anything is sent.
(function () {
  "use strict";
  var box = document.getElementById("map-picker");
  var latInput = document.getElementById("f-latitude");
  var lngInput = document.getElementById("f-longitude");
  var status = document.getElementById("map-status");
  var address = document.getElementById("f-address");
  var autoAddress = "";
  var lookups = 0; // only the answer for the latest point may fill the address

  function say(text) { if (status) status.textContent = text; }
  function msg(name) { return (box && box.getAttribute("data-msg-" + name)) || ""; }

  function lookup(lat, lng) {
    var url = box.getAttribute("data-reverse") + "?lat=" + lat.toFixed(6) + "&lng=" + lng.toFixed(6);
    var mine = ++lookups;
    say(msg("looking"));
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (data) {
        if (mine !== lookups) return; // a later point was picked meanwhile: its answer decides
        var parts = [];
        if (data.address) parts.push(data.address);
        if (data.grid_name) parts.push(msg("grid") + data.grid_name);
        say(parts.length ? msg("found") + parts.join(" · ") : msg("none"));
        if (data.address && address && (!address.value.trim() || address.value === autoAddress)) {
          address.value = data.address;
          autoAddress = data.address;
        }
      })
      .catch(function () { if (mine === lookups) say(msg("none")); });
  }

  if (box && window.L && latInput && lngInput) {
    var map = L.map(box, { attributionControl: false, zoomControl: true, minZoom: 7, maxZoom: 18 });
    map.setView([28.19, 112.94], 11);
    var marker = null;
    var setPoint = function (lat, lng, pan) {
      latInput.value = lat.toFixed(6);
      lngInput.value = lng.toFixed(6);
      if (!marker) {
        marker = L.circleMarker([lat, lng], { radius: 9, color: "#b3261e", weight: 3, fillOpacity: 0.6 });
        marker.addTo(map);
      } else {
        marker.setLatLng([lat, lng]);
      }
      if (pan) map.setView([lat, lng], Math.max(map.getZoom(), 14));
      box.setAttribute("data-picked", "1");
      lookup(lat, lng);
    };
    fetch(box.getAttribute("data-geo"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        var layer = L.geoJSON(geo, {
          style: { color: "#2f5d8a", weight: 1.5, fillColor: "#dfe9f3", fillOpacity: 0.5 },
          onEachFeature: function (f, l) { if (f.properties && f.properties.name) l.bindTooltip(f.properties.name); }
        }).addTo(map);
        if (!latInput.value) map.fitBounds(layer.getBounds(), { padding: [4, 4] });
      })
      .catch(function () { /* the boundaries are decoration; clicks still work */ });
    map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng, false); });
    // the grids of the visible area once zoomed in (the API answers at most a few hundred)
    var grids = L.geoJSON(null, {
      style: { color: "#7a5c00", weight: 1, dashArray: "4 3", fillOpacity: 0.05 },
      onEachFeature: function (f, l) { if (f.properties && f.properties.name) l.bindTooltip(f.properties.name); }
    }).addTo(map);
    var gridsUrl = box.getAttribute("data-grids");
    var loadGrids = function () {
      if (!gridsUrl || map.getZoom() < 13) { grids.clearLayers(); return; }
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); });
      fetch(gridsUrl + "?bbox=" + bbox.join(","), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (geo) { grids.clearLayers(); if (geo) grids.addData(geo); })
        .catch(function () { /* decoration only */ });
    };
    map.on("moveend", loadGrids);
    if (latInput.value && lngInput.value) {
      var lat0 = parseFloat(latInput.value), lng0 = parseFloat(lngInput.value);
      if (isFinite(lat0) && isFinite(lng0)) setPoint(lat0, lng0, true);
    }
    var locate = document.getElementById("map-locate");
    if (locate) {
      if (!navigator.geolocation) { locate.hidden = true; }
      locate.addEventListener("click", function () {
        say(msg("locating"));
        navigator.geolocation.getCurrentPosition(
          function (pos) { setPoint(pos.coords.latitude, pos.coords.longitude, true); },
          function () { say(msg("denied")); },
          { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
        );
      });
    }
    var clear = document.getElementById("map-clear");
    if (clear) {
      clear.addEventListener("click", function () {
        latInput.value = ""; lngInput.value = "";
        if (marker) { map.removeLayer(marker); marker = null; }
        box.removeAttribute("data-picked");
        say("");
      });
    }
  }

  // photos: size check and previews (the server checks everything again)
  var photos = document.getElementById("f-photos");
  var preview = document.getElementById("photo-preview");
  var photoError = document.getElementById("photo-client-error");
  if (photos && preview) {
    var maxBytes = parseInt(photos.getAttribute("data-max-bytes") || "0", 10);
    photos.addEventListener("change", function () {
      while (preview.firstChild) preview.removeChild(preview.firstChild);
      var tooBig = [];
      Array.prototype.forEach.call(photos.files || [], function (file) {
        if (maxBytes && file.size > maxBytes) { tooBig.push(file.name); return; }
        var item = document.createElement("li");
        if (/^image\/(jpeg|png|webp)$/.test(file.type) && window.URL) {
          var img = document.createElement("img");
          img.src = URL.createObjectURL(file);
          img.alt = file.name;
          item.appendChild(img);
        }
        var name = document.createElement("span");
        name.textContent = file.name;
        item.appendChild(name);
        preview.appendChild(item);
      });
      if (photoError) {
        photoError.textContent = tooBig.length ? photos.getAttribute("data-msg-too-big") + " " + tooBig.join("、") : "";
        photoError.hidden = !tooBig.length;
      }
      if (tooBig.length) photos.value = "";
    });
  }
})();
