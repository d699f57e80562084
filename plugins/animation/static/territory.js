// Animation, by territory: one circle per area, sized by its cards and darker when more of
// them are silent; the table under the map holds the same numbers for those without a map.
(function () {
  "use strict";
  var box = document.getElementById("animation-map");
  if (!box || typeof L === "undefined") { return; }
  var map = L.map(box);
  L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
  if (box.dataset.center) {
    map.setView(box.dataset.center.split(",").map(parseFloat), parseInt(box.dataset.zoom, 10));
  } else {
    map.setView([46.6, 2.4], 6);
  }
  fetch(box.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    var most = 1;
    data.features.forEach(function (f) { most = Math.max(most, f.properties.cards); });
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var p = feature.properties, share = p.cards ? p.silent / p.cards : 0;
        return L.circleMarker(latlng, {
          radius: 4 + 26 * Math.sqrt(p.cards / most), weight: 1, color: "#1f2937",
          fillColor: "rgb(" + Math.round(255 - 120 * share) + "," + Math.round(200 - 170 * share) + ",60)",
          fillOpacity: 0.75
        }).bindTooltip(p.label + " — " + p.cards + " / " + p.active + " / " + p.silent);
      }
    }).addTo(map);
    if (data.features.length && !box.dataset.center) { map.fitBounds(layer.getBounds(), { maxZoom: 10 }); }
  });
}());
