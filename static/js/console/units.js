// The unit board: agency, then discipline; each unit with its status colour, time in status and call.

import { h, setText, syncList } from "../dom.js";
import { timerAttrs } from "../timers.js";
import { UNIT_STATUS } from "../statuses.js";
import { listNav, preserveFocus } from "./listnav.js";

export function setupUnits({ store, onActivate }) {
  const board = document.getElementById("unit-board");
  const nav = listNav(board, { grid: true, onActivate: (el) => onActivate(el.dataset.callsign) });

  function render() {
    const groups = new Map();
    for (const unit of store.unitList()) {
      const key = `${unit.agency}|${unit.discipline}`;
      if (!groups.has(key)) groups.set(key, { key, agency: unit.agency, discipline: unit.discipline, units: [] });
      groups.get(key).units.push(unit);
    }
    preserveFocus(board, () => syncList(board, [...groups.values()], (g) => g.key, groupEl));
    const available = [...store.units.values()].filter((u) => u.status === "available").length;
    setText(document.getElementById("units-available-count"), `${available}/${store.units.size} avail`);
  }

  return { render, focus: nav.focus };
}

function groupEl(group, el) {
  const box = el || h("div", { class: "unit-group", role: "group" },
    h("h3", { class: "group-title" }), h("div", { class: "tiles" }));
  box.dataset.agency = group.agency;
  box.dataset.discipline = group.discipline;
  const title = `${group.agency} · ${String(group.discipline || "").replace(/_/g, " ")}`;
  setText(box.firstElementChild, title);
  box.setAttribute("aria-label", title);
  syncList(box.lastElementChild, group.units, (u) => u.callsign, unitTile);
  return box;
}

function unitTile(unit, el) {
  const tile = el || h("div", { role: "option", class: "unit", tabindex: "-1" },
    h("span", { class: "u-sign" }), h("span", { class: "u-status" }),
    h("span", { class: "u-time timer" }), h("span", { class: "u-call" }));
  const [sign, status, time, call] = tile.children;
  const info = UNIT_STATUS[unit.status] || { label: unit.status, code: unit.status };
  tile.dataset.callsign = unit.callsign;
  tile.dataset.status = unit.status;
  tile.setAttribute("aria-selected", "false");
  tile.setAttribute("aria-label", `${unit.callsign} ${info.label}${unit.call_number ? ` on ${unit.call_number}` : ""}`);
  tile.title = [unit.callsign, unit.unit_type?.replace(/_/g, " "), (unit.capabilities || []).join(", "),
    unit.station, info.label, unit.home_beat ? `home beat ${unit.home_beat}` : ""].filter(Boolean).join(" · ");
  setText(sign, unit.callsign);
  setText(status, info.code);
  const since = String(timerAttrs(unit.status_since, null)["data-since"]);
  if (time.dataset.since !== since) time.dataset.since = since;
  setText(call, unit.call_number || "");
  if (unit.call_number) tile.dataset.call = unit.call_number;
  else delete tile.dataset.call;
  return tile;
}
