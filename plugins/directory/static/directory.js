// Directory: "near me" fills the search form from the browser's location (or the map's
// centre, for a point chosen on the map); the map loads GeoJSON for the visible box (server-side clusters at low zoom, points when zoomed in).
(function () {
  "use strict";
  var button = document.getElementById("near-me");
  if (button && navigator.geolocation) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("near-lat").value = pos.coords.latitude.toFixed(5);
        document.getElementById("near-lon").value = pos.coords.longitude.toFixed(5);
        document.getElementById("place").value = "";
        document.getElementById("directory-near").submit();
      });
    });
  }
  var box = document.getElementById("directory-map");
  if (!box || typeof L === "undefined") { return; }
  var map = L.map(box);
  L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
  if (box.dataset.lat) {
    var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon);
    map.setView([lat, lon], 11);
    L.circle([lat, lon], { radius: parseFloat(box.dataset.km) * 1000, fill: false }).addTo(map);
  } else if (box.dataset.center) {  // the site's territory
    map.setView(box.dataset.center.split(",").map(parseFloat), parseInt(box.dataset.zoom, 10));
  } else {
    map.setView([46.6, 2.4], 6);  // France
  }
  // "a point on the map": move the map, then search around its centre
  var centre = document.getElementById("near-map-centre");
  if (centre) {
    centre.hidden = false;
    centre.addEventListener("click", function () {
      var c = map.getCenter();
      document.getElementById("near-lat").value = c.lat.toFixed(5);
      document.getElementById("near-lon").value = c.lng.toFixed(5);
      document.getElementById("place").value = "";
      document.getElementById("directory-near").submit();
    });
  }
  // The server groups cards into clusters (its grid); those badges go on a plain layer, never grouped
  // again by the browser, so each reads the number of cards it stands for. Only single cards go to the
  // browser's marker clustering, whose badges add up the cards of their markers.
  function cardsOf(marker) { return marker.options.cards || 1; }
  function badge(count) {
    var size = count < 10 ? "small" : (count < 100 ? "medium" : "large");
    return L.divIcon({ className: "marker-cluster marker-cluster-" + size,
      html: "<div><span>" + count + "</span></div>", iconSize: [40, 40] });
  }
  var layer = L.markerClusterGroup ? L.markerClusterGroup({
    iconCreateFunction: function (cluster) {
      return badge(cluster.getAllChildMarkers().reduce(function (sum, m) { return sum + cardsOf(m); }, 0));
    }
  }) : L.layerGroup();
  layer.addTo(map);
  var clusters = L.layerGroup().addTo(map);
  var pending = null;
  function load() {
    var b = map.getBounds();
    var url = "/directory/map.json?bbox=" + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].join(",") +
      "&zoom=" + map.getZoom() + (box.dataset.theme ? "&theme=" + encodeURIComponent(box.dataset.theme) : "");
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url, { signal: pending.signal }).then(function (r) { return r.json(); }).then(function (data) {
      layer.clearLayers();
      clusters.clearLayers();
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates, p = f.properties, marker;
        if (p.count > 1) {
          marker = L.marker([c[1], c[0]], { icon: badge(p.count), title: String(p.count), cards: p.count });
          marker.on("click", function () { map.setView([c[1], c[0]], map.getZoom() + 2); });
          clusters.addLayer(marker);
        } else {
          marker = L.marker([c[1], c[0]], { title: p.name || "" });
          var a = document.createElement("a");
          a.href = p.url; a.textContent = p.name || p.url;
          if (p.logo) {  // zoomed in: the card's logo above its name (decorative: the name says it)
            var popup = document.createElement("div"), img = document.createElement("img");
            popup.className = "directory-popup";
            img.src = p.logo; img.alt = ""; img.className = "directory-logo-small";
            popup.appendChild(img); popup.appendChild(a);
            marker.bindPopup(popup);
          } else {
            marker.bindPopup(a);
          }
          layer.addLayer(marker);
        }
      });
    }).catch(function () {});
  }
  map.on("moveend", load);
  load();
})();
