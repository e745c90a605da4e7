// Renders the unit terminal. Everything that came from a person (notes, narrative, addresses,
// flags) goes in as text, never as HTML.

import { h, setChildren, setText } from "../dom.js";
import { UNIT_STATUS } from "../statuses.js";
import { flagsInOrder, offeredStatuses } from "./terminal.js";

const $ = (id) => document.getElementById(id);

export function statusLabel(status) {
  return UNIT_STATUS[status]?.label || status || "";
}

function clock(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

export function showMessage(text, kind = "info") {
  const el = $("message");
  el.hidden = !text;
  el.dataset.kind = kind;
  setText(el, text);
}

export function renderSignOn(data, chosen, onPick) {
  $("sign-on").hidden = false;
  $("terminal").hidden = true;
  setText($("unit-callsign"), "—");
  setText($("unit-status"), "Not signed on");
  const picks = (data.signable_units || []).map((u) => h("button", {
    type: "button", role: "radio", class: "unit-pick", "aria-checked": String(u.callsign === chosen),
    dataset: { callsign: u.callsign }, onclick: () => onPick(u.callsign),
  }, h("b", {}, u.callsign), " ", h("small", {}, statusLabel(u.status))));
  setChildren($("unit-picks"), picks.length ? picks : h("p", {}, "No units of your agency: ask a supervisor."));
  $("sign-on-button").disabled = !chosen;
  setText($("sign-on-button"), chosen ? `Sign on to ${chosen}` : "Sign on");
}

export function renderTerminal(terminal, onStatus) {
  const data = terminal.data;
  const unit = data.unit;
  $("sign-on").hidden = true;
  $("terminal").hidden = false;
  setText($("unit-callsign"), unit.callsign);
  const status = $("unit-status");
  status.dataset.status = unit.status;
  setText(status, statusLabel(unit.status));
  setText($("officers"), (data.officers || []).join(", "));

  setChildren($("status-buttons"), offeredStatuses(data.allowed_statuses).map((s) => h("button", {
    type: "button", class: `big status-${s}`, dataset: { status: s }, onclick: () => onStatus(s),
  }, statusLabel(s))));

  renderCall(terminal.call, unit);
  renderHistory(data);
}

function renderCall(call, unit) {
  $("no-call").hidden = Boolean(call);
  $("call").hidden = !call;
  $("self-initiate").hidden = Boolean(call) || unit.status !== "available";
  if (!call) return;
  setText($("call-number"), call.number);
  setText($("call-type"), `${call.call_type.code} ${call.call_type.description}`);
  setText($("call-priority"), `P${call.priority}`);
  $("call-priority").dataset.priority = call.priority;
  setText($("call-address"), call.location.address);
  setText($("call-beat"), call.location.beat ? `Beat ${call.location.beat}` : "");
  setChildren($("call-flags"), flagsInOrder(call.premise_flags).map((f) => h("li", {
    class: `flag flag-${f.kind}`, dataset: { kind: f.kind },
  }, h("b", {}, f.kind === "officer_safety" ? "⚠ OFFICER SAFETY" : f.kind_display), " ",
  f.text === null ? "(confidential: ask dispatch)" : f.text)));
  setText($("call-narrative"), call.narrative || "");
  setChildren($("call-units"), (call.units || []).map((u) => h("li", {
    class: u.callsign === unit.callsign ? "own" : "", dataset: { callsign: u.callsign },
  }, h("b", {}, u.callsign), " ", statusLabel(u.status))));
  setChildren($("chronology"), (call.chronology || []).map((e) => h("li", { dataset: { id: e.id } },
    h("time", {}, clock(e.at)), " ", chronologyText(e))));
}

// A line as the chronology says it, with the unit it is about when its text does not name it.
function chronologyText(entry) {
  const text = entry.text || entry.kind;
  return entry.unit && !text.includes(entry.unit) ? `${entry.unit} ${text}` : text;
}

function renderHistory(data) {
  setText($("calls-today"), data.calls_today?.length ? `Calls: ${data.calls_today.join(", ")}` : "No calls yet today.");
  setChildren($("history"), (data.history || []).map((c) => h("li", {},
    h("time", {}, clock(c.at)), " ", statusLabel(c.to_status), c.call_number ? ` · ${c.call_number}` : "")));
}

export function renderAlerts(alerts) {
  const el = $("alerts");
  el.hidden = !alerts.length;
  setChildren(el, alerts.map((a) => h("p", { class: "alert" }, a.text)));
}

const LINK_TEXT = {
  live: "Live",
  connecting: "Connecting…",
  offline: "OFFLINE: not receiving updates.",
};

function age(since, now = new Date()) {
  const seconds = Math.max(0, Math.round((now - since) / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

export function renderLink(state, lastLive, waiting = 0) {
  const el = $("link-status");
  el.dataset.state = state;
  let text = LINK_TEXT[state] || state;
  if (state !== "live" && lastLive) text += ` Data as of ${clock(lastLive.toISOString())} (${age(lastLive)} old).`;
  if (waiting) text += ` ${waiting} change${waiting === 1 ? "" : "s"} waiting to be sent.`;
  setText(el, text);
  document.body.classList.toggle("stale", state !== "live");
}

// The changes kept on this device until the link returns, each with the device's time.
export function renderQueue(items) {
  const el = $("queued");
  el.hidden = !items.length;
  setChildren($("queued-list"), items.map((item) => {
    const what = item.body.text || item.body.address || "";
    return h("li", { dataset: { path: item.path } },
      h("time", {}, clock(item.body.device_at)), " ", item.label, what ? `: ${what}` : "");
  }));
}
