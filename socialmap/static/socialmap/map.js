// Social map enhancement: a Leaflet map of the current results, the "use my location" button and
// "search in this area". Everything here is optional: without JavaScript (or without Leaflet, or when
// tiles cannot load) the list and the form do the whole job. Configuration comes from json_script.
(function () {
  "use strict";

  var RADII = [1, 2, 5, 10, 25, 50, 100];

  function readConfig(element) {
    var source = document.getElementById(element.getAttribute("data-map-config"));
    if (!source) return null;
    try { return JSON.parse(source.textContent); } catch (e) { return null; }
  }

  function format(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function setStatus(element, text) {
    if (element) element.textContent = text;
  }

  function makeMap(container, config) {
    var canvas = container.querySelector("[data-map-canvas]") || container;
    container.hidden = false;
    var map = L.map(canvas, {
      center: config.center, zoom: config.zoom, minZoom: config.minZoom, maxZoom: config.maxZoom,
      keyboard: true, scrollWheelZoom: false
    });
    canvas.setAttribute("role", "region");
    canvas.setAttribute("aria-label", config.labels.map);
    if (config.tilesUrl) {
      // Tiles that cannot load leave a grey map; markers and the list keep working.
      L.tileLayer(config.tilesUrl, { attribution: config.attribution, maxZoom: config.maxZoom }).addTo(map);
    }
    return map;
  }

  function markerIcon(text, cluster) {
    return L.divIcon({
      className: cluster ? "dichtbij-map-cluster" : "dichtbij-map-marker",
      html: cluster ? "<span></span>" : "",
      iconSize: cluster ? [40, 40] : [22, 22]
    });
  }

  // A marker that screen readers announce as a button and that Enter or Space activate (Leaflet itself
  // only handles Enter when a popup is bound).
  function accessibleMarker(latlng, label, cluster, count, activate) {
    var marker = L.marker(latlng, { icon: markerIcon(label, cluster), keyboard: true, title: label, alt: label });
    marker.on("add", function () {
      var el = marker.getElement();
      if (!el) return;
      el.setAttribute("role", "button");
      el.setAttribute("aria-label", label);
      if (cluster) el.querySelector("span").textContent = String(count);
      if (activate) {
        el.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            event.stopPropagation();
            activate(true);
          }
        });
      }
    });
    if (activate) marker.on("click", function () { activate(false); });
    return marker;
  }

  function openLinks(marker, items, byKeyboard) {
    var box = document.createElement("div");
    box.appendChild(linkList(items));
    marker.unbindPopup();
    marker.bindPopup(box, { autoPan: false }).openPopup();
    if (byKeyboard) {
      var first = box.querySelector("a");
      if (first) first.focus();
    }
  }

  function linkList(items) {
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.name;
      li.appendChild(a);
      list.appendChild(li);
    });
    return list;
  }

  function focusListItem(id) {
    var item = document.getElementById("facility-" + id);
    if (!item) return false;
    var link = item.querySelector("a");
    document.querySelectorAll(".dichtbij-result--active").forEach(function (el) { el.classList.remove("dichtbij-result--active"); });
    item.classList.add("dichtbij-result--active");
    item.scrollIntoView({ block: "center" });
    if (link) link.focus();
    return true;
  }

  function initResultsMap(container, config) {
    var map = makeMap(container, config);
    var layer = L.layerGroup().addTo(map);
    var status = container.querySelector("[data-map-status]");
    var searchHere = container.querySelector("[data-search-here]");
    var form = document.getElementById("socialmap-form");
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    var programmatic = true;
    var pending = null;
    var timer = null;

    function url(withViewport) {
      var p = new URLSearchParams(params.toString());
      p.set("zoom", String(map.getZoom()));
      if (withViewport) {
        var b = map.getBounds();
        p.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) { return n.toFixed(5); }).join(","));
      }
      return config.geojsonUrl + "?" + p.toString();
    }

    function draw(data) {
      layer.clearLayers();
      var mapped = 0;
      (data.features || []).forEach(function (feature) {
        var props = feature.properties || {};
        var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
        if (props.cluster) {
          mapped += props.count;
          var marker = accessibleMarker(latlng, format(config.labels.cluster, { count: props.count }), true, props.count, function (byKeyboard) {
            if (props.items) {
              openLinks(marker, props.items, byKeyboard);
            } else {
              var bb = props.bbox;
              programmatic = true;
              map.fitBounds([[bb[1], bb[0]], [bb[3], bb[2]]], { padding: [30, 30], maxZoom: config.maxZoom });
              if (byKeyboard) map.getContainer().focus();
            }
          });
          marker.addTo(layer);
        } else {
          mapped += 1;
          var single = accessibleMarker(latlng, props.name, false, 0, function (byKeyboard) {
            if (!focusListItem(props.id)) openLinks(single, [props], byKeyboard);
          });
          single.addTo(layer);
        }
      });
      setStatus(status, format(config.labels.shown, { count: mapped }));
      return data;
    }

    function load(withViewport) {
      if (pending && pending.abort) pending.abort();
      pending = window.AbortController ? new AbortController() : null;
      return fetch(url(withViewport), { headers: { Accept: "application/geo+json" }, signal: pending ? pending.signal : undefined })
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(draw)
        .catch(function (error) {
          if (error && error.name === "AbortError") return null;
          setStatus(status, config.labels.failed);
          return null;
        });
    }

    // First load: everything, then fit the map to the results.
    load(false).then(function (data) {
      var bounds = L.latLngBounds([]);
      ((data && data.features) || []).forEach(function (f) {
        var bb = f.properties && f.properties.bbox;
        if (bb) { bounds.extend([bb[1], bb[0]]); bounds.extend([bb[3], bb[2]]); }
        else bounds.extend([f.geometry.coordinates[1], f.geometry.coordinates[0]]);
      });
      if (config.near) bounds.extend(config.near);
      programmatic = true;
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
      window.setTimeout(function () { programmatic = false; }, 300);
    });

    map.on("moveend", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { load(true); }, 250);
      if (!programmatic && searchHere) searchHere.hidden = false;
      programmatic = false;
    });

    if (searchHere && form) {
      searchHere.addEventListener("click", function () {
        var center = map.getCenter();
        var km = center.distanceTo(map.getBounds().getNorthEast()) / 1000;
        var radius = RADII.find(function (r) { return r >= km; }) || 100;
        form.querySelector("[name=lat]").value = center.lat.toFixed(5);
        form.querySelector("[name=lng]").value = center.lng.toFixed(5);
        var postcode = form.querySelector("[name=postcode]");
        if (postcode) postcode.value = "";
        var select = form.querySelector("[name=radius]");
        if (select) {
          if (!select.querySelector('option[value="' + radius + '"]')) {
            var option = document.createElement("option");
            option.value = String(radius);
            option.textContent = radius + " km";
            select.appendChild(option);
          }
          select.value = String(radius);
        }
        var sort = document.getElementById("socialmap-sort");
        if (sort && sort.querySelector('option[value="distance"]')) sort.value = "distance";
        form.submit();
      });
    }
  }

  function initDetailMap(container, config) {
    var map = makeMap(container, config);
    var bounds = L.latLngBounds([]);
    (config.points || []).forEach(function (point) {
      L.marker([point.lat, point.lng], { icon: markerIcon(point.name, false), keyboard: false, title: point.name }).addTo(map);
      bounds.extend([point.lat, point.lng]);
    });
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [30, 30], maxZoom: config.zoom || 15 });
  }

  function initGeolocation() {
    var button = document.querySelector("[data-geolocate]");
    var form = document.getElementById("socialmap-form");
    if (!button || !form) return;
    var status = document.querySelector("[data-geolocate-status]");
    var postcode = form.querySelector("[name=postcode]");
    if (postcode) {
      postcode.addEventListener("input", function () {
        form.querySelector("[name=lat]").value = "";
        form.querySelector("[name=lng]").value = "";
      });
    }
    if (!("geolocation" in navigator)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      setStatus(status, button.getAttribute("data-busy") || "…");
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(5);
        form.querySelector("[name=lng]").value = position.coords.longitude.toFixed(5);
        if (postcode) postcode.value = "";
        form.submit();
      }, function () {
        setStatus(status, button.getAttribute("data-failed") || "");
        if (postcode) postcode.focus();
      }, { timeout: 10000, maximumAge: 600000 });
    });
  }

  function init() {
    initGeolocation();
    if (!window.L) return; // Leaflet did not load: the list stays the only view.
    document.querySelectorAll("[data-map-config]").forEach(function (container) {
      var config = readConfig(container);
      if (!config) return;
      try {
        if (container.getAttribute("data-map-mode") === "detail") initDetailMap(container, config);
        else initResultsMap(container, config);
      } catch (e) {
        container.hidden = true;
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
