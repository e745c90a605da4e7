// The map (F7 or Alt+M): open calls by priority, units by status, beat outlines. Leaflet comes from the
// django-leaflet package's static files. Tiles are optional: with none reachable (or none set) the
// markers and beats still stand on a plain background.

import { get } from "./api.js";

const UNIT_COLOUR = {
  available: "#22c55e", dispatched: "#facc15", enroute: "#fb923c", onscene: "#c084fc",
  transporting: "#60a5fa", at_hospital: "#60a5fa", out_of_service: "#64748b", off_duty: "#334155",
};
const OPEN_KEY = "cad.console.map";

export function setupMap({ store, getSelectedId, onOpen, say }) {
  const grid = document.querySelector(".console-grid");
  const panel = document.getElementById("map-panel");
  const box = document.getElementById("map");
  const callMarkers = new Map();
  const unitMarkers = new Map();
  let map = null;
  let layers = null;
  let framed = false;

  function create() {
    if (!window.L) {
      say("error", "The map library did not load; the rest of the console works as usual.");
      return false;
    }
    map = L.map(box, { keyboard: true, zoomSnap: 0.5 });
    if (box.dataset.tileUrl) {
      L.tileLayer(box.dataset.tileUrl, { attribution: box.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    }
    layers = { beats: L.layerGroup().addTo(map), units: L.layerGroup().addTo(map), calls: L.layerGroup().addTo(map) };
    loadBeats();
    render();
    return true;
  }

  async function loadBeats() {
    try {
      const beats = await get("beats/");
      const drawn = L.geoJSON(beats, {
        filter: (feature) => Boolean(feature.geometry),
        style: { color: "#94a3b8", weight: 2, dashArray: "6 4", fillColor: "#1e293b", fillOpacity: 0.15,
          className: "beat-outline" },
        onEachFeature: (feature, layer) => layer.bindTooltip(textTip(feature.properties.code),
          { permanent: true, direction: "center", className: "beat-label" }),
      }).addTo(layers.beats);
      if (drawn.getBounds().isValid()) {
        map.fitBounds(drawn.getBounds(), { padding: [8, 8] });
        framed = true;
      }
    } catch (err) {
      say("error", `Map: cannot load the beats (${err.message}).`);
    }
  }

  function callIcon(call) {
    return L.divIcon({ className: "call-marker", html: `P${call.priority}`, iconSize: [26, 18], iconAnchor: [13, 9] });
  }

  function placeCall(call, selected) {
    let marker = callMarkers.get(call.id);
    const where = [call.location.lat, call.location.lon];
    const title = `${call.number} P${call.priority} ${call.call_type.code} at ${call.location.address}`;
    if (!marker) {
      marker = L.marker(where, { icon: callIcon(call), keyboard: true, title, alt: title, riseOnHover: true, zIndexOffset: 1000 });
      marker.on("click", () => onOpen(marker.callId));
      // Leaflet makes the marker reachable by Tab; Enter (or Space) on it opens the call.
      marker.on("keypress", (e) => {
        if (e.originalEvent.key === "Enter" || e.originalEvent.key === " ") onOpen(marker.callId);
      });
      marker.addTo(layers.calls);
      callMarkers.set(call.id, marker);
    } else {
      marker.setLatLng(where);
      if (marker.priority !== call.priority) marker.setIcon(callIcon(call));
    }
    marker.callId = call.id;
    marker.priority = call.priority;
    const el = marker.getElement();
    if (el) {
      el.dataset.callId = call.id;
      el.dataset.callNumber = call.number;
      el.dataset.priority = call.priority;
      el.dataset.status = call.status;
      el.dataset.selected = String(selected);
      el.title = title;
      el.setAttribute("aria-label", `Call ${title}; Enter opens it`);
      el.setAttribute("role", "button");
    }
  }

  function placeUnit(unit) {
    let marker = unitMarkers.get(unit.callsign);
    const where = [unit.location.lat, unit.location.lon];
    const colour = UNIT_COLOUR[unit.status] || "#64748b";
    if (!marker) {
      marker = L.circleMarker(where, { radius: 6, color: "#000", weight: 1.5, fillColor: colour, fillOpacity: 1,
        className: "unit-marker" });
      marker.bindTooltip(textTip(unit.callsign), { direction: "top", className: "map-tip" });
      marker.addTo(layers.units);
      unitMarkers.set(unit.callsign, marker);
    } else {
      marker.setLatLng(where);
      marker.setStyle({ fillColor: colour });
    }
    const el = marker.getElement();
    if (el) {
      el.dataset.callsign = unit.callsign;
      el.dataset.status = unit.status;
    }
  }

  function render() {
    if (!map || panel.hidden) return;
    const selected = getSelectedId();
    const calls = [...store.calls.values()].filter((c) => c.location?.lat != null && c.location?.lon != null);
    const units = [...store.units.values()].filter((u) => u.location?.lat != null && u.location?.lon != null);
    sync(callMarkers, calls.map((c) => c.id), layers.calls);
    sync(unitMarkers, units.map((u) => u.callsign), layers.units);
    for (const call of calls) placeCall(call, call.id === selected);
    for (const unit of units) placeUnit(unit);
    if (!framed && (calls.length || units.length)) {
      const bounds = L.latLngBounds([...calls.map((c) => [c.location.lat, c.location.lon]),
        ...units.map((u) => [u.location.lat, u.location.lon])]);
      map.fitBounds(bounds.pad(0.1), { maxZoom: 16 });
      framed = true;
    }
  }

  function sync(markers, keep, layer) {
    const wanted = new Set(keep);
    for (const [key, marker] of markers) {
      if (!wanted.has(key)) {
        layer.removeLayer(marker);
        markers.delete(key);
      }
    }
  }

  function show(open) {
    panel.hidden = !open;
    grid.classList.toggle("map-open", open);
    try { localStorage.setItem(OPEN_KEY, open ? "1" : "0"); } catch { /* private mode: not remembered */ }
    if (!open) return;
    if (!map && !create()) return;
    map.invalidateSize();
    render();
  }

  function toggle() {
    show(panel.hidden);
    if (!panel.hidden) box.focus();
  }

  let remembered = false;
  try { remembered = localStorage.getItem(OPEN_KEY) === "1"; } catch { /* not remembered */ }
  if (remembered) show(true);

  return { render, toggle, isOpen: () => !panel.hidden };
}

// Leaflet treats a string tooltip as HTML: data goes in as text, always.
function textTip(text) {
  const span = document.createElement("span");
  span.textContent = String(text ?? "");
  return span;
}
