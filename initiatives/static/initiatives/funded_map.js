/* Enhancement: the funded initiatives on a Leaflet map. The list on the page is the primary view. */
(function () {
  "use strict";
  function init() {
    var element = document.getElementById("initiatives-map");
    var source = document.getElementById("initiatives-map-data");
    if (!element || !source || typeof L === "undefined") return;
    var points = JSON.parse(source.textContent);
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: "Kadaster" }).addTo(map);
    var bounds = [];
    points.forEach(function (point) {
      var marker = L.marker([point.lat, point.lng], { title: point.title, alt: point.title }).addTo(map);
      var popup = document.createElement("div");
      var strong = document.createElement("strong");
      strong.textContent = point.title;
      popup.appendChild(strong);
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(point.area + " · EUR " + point.amount));
      marker.bindPopup(popup);
      bounds.push([point.lat, point.lng]);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
