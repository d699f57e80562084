// Needs and offers: the map of the ads listed (the same ones as the list, read from the page).
(function () {
  "use strict";
  var box = document.getElementById("offers-map");
  var data = document.getElementById("offers-points");
  if (!box || !data || typeof L === "undefined") { return; }
  var points = JSON.parse(data.textContent || "[]");
  var map = L.map(box);
  L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
  var layer = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
  points.forEach(function (p) {
    var a = document.createElement("a");
    a.href = p.url; a.textContent = p.title;
    var popup = document.createElement("div"), kind = document.createElement("div");
    kind.textContent = p.direction; kind.className = "small";
    popup.appendChild(kind); popup.appendChild(a);
    layer.addLayer(L.marker([p.lat, p.lon], { title: p.title }).bindPopup(popup));
  });
  layer.addTo(map);
  if (box.dataset.lat) {
    var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon);
    map.setView([lat, lon], 10);
    L.circle([lat, lon], { radius: parseFloat(box.dataset.km) * 1000, fill: false }).addTo(map);
  } else if (points.length) {
    map.fitBounds(points.map(function (p) { return [p.lat, p.lon]; }), { maxZoom: 12, padding: [20, 20] });
  } else if (box.dataset.center) {
    map.setView(box.dataset.center.split(",").map(parseFloat), parseInt(box.dataset.zoom, 10));
  } else {
    map.setView([46.6, 2.4], 6);
  }
})();
