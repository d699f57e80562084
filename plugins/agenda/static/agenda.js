// Agenda maps: the events map (GeoJSON), an event's access map, the point picker of the form.
(function () {
  "use strict";
  function tiles(el, map) {
    map.attributionControl.setPrefix(false);  // the prefix link is told apart by colour only (axe)
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
  }
  function start() {
    if (typeof L === "undefined") { return; }
    var all = document.getElementById("agenda-map");
    if (all) {
      var map = L.map(all).setView([+all.dataset.lat, +all.dataset.lon], +all.dataset.zoom);
      tiles(all, map);
      fetch(all.dataset.json + window.location.search).then(function (r) { return r.json(); }).then(function (data) {
        L.geoJSON(data, { onEachFeature: function (f, layer) {
          var a = document.createElement("a");
          a.href = f.properties.url; a.textContent = f.properties.title;
          layer.bindPopup(a);
        } }).addTo(map);
      });
    }
    var one = document.getElementById("event-map");
    if (one) {
      var m = L.map(one).setView([+one.dataset.lat, +one.dataset.lon], +one.dataset.zoom);
      tiles(one, m);
      L.marker([+one.dataset.lat, +one.dataset.lon]).addTo(m);
    }
    var pick = document.getElementById("pick-map");
    if (pick) {
      var p = L.map(pick).setView([+pick.dataset.lat, +pick.dataset.lon], +pick.dataset.zoom);
      tiles(pick, p);
      var lat = document.getElementById("f-lat"), lon = document.getElementById("f-lon"), marker = null;
      if (lat.value && lon.value) { marker = L.marker([+lat.value, +lon.value]).addTo(p); }
      p.on("click", function (e) {
        lat.value = e.latlng.lat.toFixed(6); lon.value = e.latlng.lng.toFixed(6);
        if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(p); }
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
