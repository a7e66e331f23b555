// The area map: an enhancement of the facility list on area pages. Data comes from json_script tags.
(function () {
  "use strict";
  var element = document.querySelector("[data-area-map]");
  if (!element || typeof L === "undefined") return;
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var boundary = read("area-boundary");
  var points = read("area-facilities") || [];
  if (!boundary) return;
  element.setAttribute("role", "region");
  element.setAttribute("aria-label", element.dataset.label || "");
  var map = L.map(element, { scrollWheelZoom: false });
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution || "", maxZoom: 19 }).addTo(map);
  }
  var layer = L.geoJSON(boundary, { style: { color: "#004b87", weight: 2, fillOpacity: 0.08 } }).addTo(map);
  points.forEach(function (p) {
    var label = document.createElement("span");
    label.textContent = p.name;
    L.marker([p.lat, p.lng], { title: p.name, alt: p.name }).addTo(map).bindPopup(label);
  });
  map.fitBounds(layer.getBounds(), { padding: [10, 10] });
})();
