/* Location picker in the Wagtail admin: a Leaflet map that reads and writes the latitude/longitude
   inputs, and an address lookup through our admin endpoint (PDOK Locatieserver). Without this script
   the inputs are plain number fields. */
(function () {
  "use strict";

  function round(value) { return Math.round(value * 1e6) / 1e6; }

  function init(root) {
    if (root.dataset.ready || typeof L === "undefined") { return; }
    root.dataset.ready = "1";
    var latInput = document.getElementById(root.dataset.latInput);
    var lngInput = document.getElementById(root.dataset.lngInput);
    if (!latInput || !lngInput) { return; }
    var mapEl = root.querySelector(".socialmap-location-picker__map");
    var map = L.map(mapEl).setView([parseFloat(root.dataset.centerLat), parseFloat(root.dataset.centerLng)], parseInt(root.dataset.zoom, 10) || 12);
    L.tileLayer(root.dataset.tilesUrl, { attribution: root.dataset.attribution, maxZoom: 19 }).addTo(map);
    var marker = null;

    function current() {
      var lat = parseFloat((latInput.value || "").replace(",", "."));
      var lng = parseFloat((lngInput.value || "").replace(",", "."));
      return isNaN(lat) || isNaN(lng) ? null : [lat, lng];
    }
    function setInputs(latlng) {
      latInput.value = round(latlng.lat);
      lngInput.value = round(latlng.lng);
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
      lngInput.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function place(latlng, pan) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () { setInputs(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
      if (pan) { map.setView(latlng, Math.max(map.getZoom(), 16)); }
    }
    var start = current();
    if (start) { place(start, true); }
    map.on("click", function (event) { place(event.latlng, false); setInputs(event.latlng); });
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("input", function () { var p = current(); if (p) { place(p, true); } });
    });

    var lookup = root.querySelector(".socialmap-location-picker__lookup");
    var query = root.querySelector(".socialmap-location-picker__query");
    var button = root.querySelector(".socialmap-location-picker__search");
    var status = root.querySelector(".socialmap-location-picker__status");
    var results = root.querySelector(".socialmap-location-picker__results");
    lookup.hidden = false;
    function addressText() {
      return (root.dataset.addressInputs || "").split(" ").map(function (id) {
        var el = document.getElementById(id); return el ? el.value.trim() : "";
      }).filter(Boolean).join(" ");
    }
    function search(event) {
      if (event) { event.preventDefault(); }
      var q = (query.value || "").trim() || addressText();
      query.value = q;
      results.innerHTML = "";
      status.textContent = root.dataset.labelSearching;
      fetch(root.dataset.lookupUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          status.textContent = data.error || "";
          (data.results || []).forEach(function (item) {
            var li = document.createElement("li");
            var choose = document.createElement("button");
            choose.type = "button";
            choose.className = "button button-small button-secondary";
            choose.textContent = item.label;
            choose.setAttribute("aria-label", root.dataset.labelUse + ": " + item.label);
            choose.addEventListener("click", function () {
              var latlng = L.latLng(item.latitude, item.longitude);
              place(latlng, true); setInputs(latlng);
              status.textContent = item.label;
              results.innerHTML = "";
            });
            li.appendChild(choose);
            results.appendChild(li);
          });
        })
        .catch(function () { status.textContent = root.dataset.labelFailed; });
    }
    button.addEventListener("click", search);
    query.addEventListener("keydown", function (event) { if (event.key === "Enter") { search(event); } });
  }

  function initAll() { document.querySelectorAll("[data-location-picker]").forEach(init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", initAll); } else { initAll(); }
})();
