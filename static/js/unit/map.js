// The call on a map: where it is (red) and where the unit last was (its colour), framed together.
// Leaflet from django-leaflet's static files, as the console's map; tiles are optional: with none
// reachable the two points still stand on a plain background.

let map = null;
let layer = null;
let shown = "";

export function renderCallMap(box, call, unit) {
  const at = call?.location;
  box.hidden = !(at && at.lat != null && at.lon != null);
  if (box.hidden || !window.L) return;
  if (!map) {
    map = L.map(box, { zoomControl: true, attributionControl: Boolean(box.dataset.attribution) });
    if (box.dataset.tileUrl) {
      L.tileLayer(box.dataset.tileUrl, { attribution: box.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    }
    layer = L.layerGroup().addTo(map);
  }
  const mine = unit?.location;
  const key = `${call.id}|${at.lat},${at.lon}|${mine?.lat},${mine?.lon}`;
  if (key === shown) return;
  shown = key;
  layer.clearLayers();
  const points = [[at.lat, at.lon]];
  L.circleMarker([at.lat, at.lon], { radius: 10, color: "#fff", weight: 2, fillColor: "#dc2626", fillOpacity: 1,
    className: "call-point" }).bindTooltip(call.location.address || "").addTo(layer);
  if (mine && mine.lat != null && mine.lon != null) {
    points.push([mine.lat, mine.lon]);
    L.circleMarker([mine.lat, mine.lon], { radius: 7, color: "#fff", weight: 2, fillColor: "#38bdf8", fillOpacity: 1,
      className: "unit-point" }).addTo(layer);
  }
  map.invalidateSize();
  if (points.length > 1) map.fitBounds(points, { padding: [24, 24], maxZoom: 17 });
  else map.setView(points[0], 16);
}
