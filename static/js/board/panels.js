// The board's live panels, computed from the store: holding by priority, units by discipline,
// active calls, and the calls over goal.

import { h, setText, syncList } from "../dom.js";
import { CALL_STATUS_LABEL, UNIT_STATUS } from "../statuses.js";
import { waitingSince } from "../store.js";
import { formatDuration, now, timerAttrs, toMs } from "../timers.js";
import { shareMark, shareText } from "../console/share.js";


export function renderHolding(store, priorities) {
  const pending = store.pendingCalls();
  setText(document.getElementById("holding-total"), pending.length);
  document.getElementById("holding").dataset.count = pending.length;
  const cards = priorities.map((p) => {
    const calls = pending.filter((c) => c.priority === p.level);
    const oldest = calls.reduce((a, c) => (!a || toMs(waitingSince(c)) < toMs(waitingSince(a)) ? c : a), null);
    return { p, count: calls.length, oldest };
  });
  syncList(document.getElementById("holding-priorities"), cards, (x) => x.p.level, ({ p, count, oldest }, el) => {
    const card = el || h("div", { class: "prio-card" },
      h("div", { class: "pc-name" }), h("div", { class: "count" }), h("div", { class: "longest timer" }));
    const [name, countEl, longest] = card.children;
    card.dataset.priority = p.level;
    card.dataset.count = count;
    setText(name, `P${p.level} ${p.name.split(":")[0]}`);
    setText(countEl, count);
    const attrs = timerAttrs(oldest ? waitingSince(oldest) : null, p.dispatch_goal_seconds);
    if (oldest) {
      longest.dataset.since = attrs["data-since"];
      longest.dataset.goal = attrs["data-goal"];
    } else {
      delete longest.dataset.since;
      delete longest.dataset.level;
      setText(longest, "—");
    }
    longest.title = `Longest wait; dispatch goal ${formatDuration(p.dispatch_goal_seconds)}`;
    return card;
  });
}

export function renderUnits(store) {
  const byDiscipline = new Map();
  for (const u of store.units.values()) {
    const d = byDiscipline.get(u.discipline) || { discipline: u.discipline, available: 0, total: 0 };
    d.total += 1;
    if (u.status === "available") d.available += 1;
    byDiscipline.set(u.discipline, d);
  }
  const rows = [...byDiscipline.values()].sort((a, b) => b.total - a.total || String(a.discipline).localeCompare(b.discipline));
  syncList(document.getElementById("discipline-cards"), rows, (d) => d.discipline, (d, el) => {
    const card = el || h("div", { class: "disc-card" }, h("div", { class: "dc-name" }), h("div", { class: "count" }));
    card.dataset.discipline = d.discipline;
    card.dataset.available = d.available;
    card.dataset.total = d.total;
    card.dataset.level = d.available === 0 ? "none" : d.available / d.total < 0.25 ? "low" : "ok";
    setText(card.children[0], String(d.discipline).replace(/_/g, " ").toUpperCase());
    setText(card.children[1], `${d.available}/${d.total}`);
    return card;
  });
}

export function renderActive(store, goal) {
  const calls = store.activeCalls();
  setText(document.getElementById("active-total"), calls.length);
  document.getElementById("active-empty").hidden = calls.length > 0;
  syncList(document.getElementById("active-list"), calls, (c) => c.id, (c, el) => {
    const row = el || h("tr", {}, ...Array.from({ length: 7 }, (_, i) => h("td", { class: i === 6 ? "num timer" : "" })));
    const td = [...row.children];
    row.dataset.callNumber = c.number;
    row.dataset.status = c.status;
    setText(td[0], c.number);
    setText(td[1], `P${c.priority}`);
    td[1].className = "pri";
    td[1].dataset.priority = c.priority;
    setText(td[2], c.call_type.code);
    const shared = shareText(c);
    if (td[3].dataset.where !== c.location.address || td[3].dataset.share !== shared) {
      Object.assign(td[3].dataset, { where: c.location.address, share: shared });
      td[3].replaceChildren(...(shared ? [shareMark(c), " "] : []), c.location.address);
    }
    setText(td[4], CALL_STATUS_LABEL[c.status] || c.status);
    td[4].dataset.status = c.status;
    td[5].replaceChildren(...(c.units || []).map((u) =>
      h("span", { class: "uchip", "data-status": u.status }, `${u.callsign} ${UNIT_STATUS[u.status]?.code || ""}`.trim())));
    const attrs = timerAttrs(c.received_at, c.onscene_at ? null : goal(c.priority, "response"));
    td[6].dataset.since = attrs["data-since"];
    td[6].dataset.goal = attrs["data-goal"];
    if (!attrs["data-goal"]) delete td[6].dataset.level;
    return row;
  });
}

// Calls past a goal right now: pending past the dispatch goal, or sent with nobody on scene past
// the response goal. Newest breach first.
export function computeAlerts(store, goal, at = now()) {
  const alerts = [];
  for (const c of store.calls.values()) {
    const received = toMs(waitingSince(c));
    if (received === null) continue;
    let kind = null;
    let limit = null;
    // A call relayed to a partner is the partner's to send and reach (the server raises no alert).
    if (c.shared_with?.some((s) => s.relay)) continue;
    if (c.status === "pending") {
      kind = "dispatch";
      limit = goal(c.priority, "dispatch");
    } else if ((c.status === "dispatched" || c.status === "enroute") && !c.onscene_at) {
      kind = "response";
      limit = goal(c.priority, "response");
    }
    if (!kind || !limit) continue;
    const breachAt = received + limit * 1000;
    if (at >= breachAt) alerts.push({ call: c, kind, limit, breachAt });
  }
  // The server's goal alerts stay until a dispatcher acknowledges them, even once the call moved on.
  const shown = new Set(alerts.map((a) => `${a.call.id}:${a.kind}`));
  for (const alert of store.openAlerts()) {
    const kind = { dispatch_goal: "dispatch", response_goal: "response" }[alert.kind];
    if (!kind || alert.call === null || shown.has(`${alert.call}:${kind}`)) continue;
    // A call no longer open (closed, or linked as a duplicate) is known only from the alert.
    const call = store.calls.get(alert.call) || {
      id: alert.call, number: alert.call_number, priority: Number(/ P(\d) /.exec(alert.text)?.[1]) || "",
      status: "closed", call_type: { code: "" }, location: { address: alert.text }, received_at: alert.raised_at,
    };
    alerts.push({ call, kind, limit: goal(call.priority, kind), breachAt: toMs(alert.raised_at), alert });
  }
  return alerts.sort((a, b) => b.breachAt - a.breachAt || a.call.priority - b.call.priority);
}

// What the breach is now: still waiting, or late and not yet acknowledged by a dispatcher.
function breachLabel(a) {
  if (a.call.status === "closed") return "CLOSED, NOT ACKNOWLEDGED";
  if (a.kind === "dispatch") return a.call.status === "pending" ? "NOT SENT" : "SENT LATE";
  return a.call.onscene_at || a.call.status === "onscene" ? "REACHED LATE" : "NO ONE ON SCENE";
}

export function renderAlerts(store, goal) {
  const alerts = computeAlerts(store, goal);
  setText(document.getElementById("alerts-total"), alerts.length);
  document.getElementById("alerts-empty").hidden = alerts.length > 0;
  syncList(document.getElementById("alerts"), alerts, (a) => `${a.call.id}:${a.kind}`, (a, el) => {
    const li = el || h("li", {},
      h("span", { class: "al-what" }), h("span", { class: "al-num" }), h("span", { class: "al-loc" }),
      h("span", { class: "al-time timer", "data-level": "over" }));
    const [what, num, loc, time] = li.children;
    li.dataset.callNumber = a.call.number;
    li.dataset.alert = a.kind;
    li.dataset.priority = a.call.priority;
    setText(what, `P${a.call.priority} ${breachLabel(a)}`);
    setText(num, `${a.call.number} ${a.call.call_type.code}`.trim());
    setText(loc, a.call.location.address);
    const since = String(toMs(a.call.received_at));
    if (time.dataset.since !== since) time.dataset.since = since;
    time.title = `${a.kind === "dispatch" ? "Dispatch" : "Response"} goal ${formatDuration(a.limit)}`;
    return li;
  });
}

// Officer safety across the top of the board: units' emergencies first (until a supervisor
// acknowledges them, here or on a console), then status checks nobody has answered; the escalated
// ones flash.
export function renderSafetyAlerts(store, acknowledge) {
  const open = store.openAlerts();
  const checks = [...open.filter((a) => a.kind === "emergency"), ...open.filter((a) => a.kind === "status_check")];
  document.getElementById("safety-alerts").hidden = checks.length === 0;
  syncList(document.getElementById("safety-list"), checks, (a) => a.id, (alert, el) => {
    const row = el || h("li");
    row.dataset.alertId = alert.id;
    row.dataset.kind = alert.kind;
    row.dataset.escalated = alert.escalated ? "yes" : "no";
    const emergency = alert.kind === "emergency";
    row.replaceChildren(
      emergency ? h("span", { class: "s-kind" }, "EMERGENCY") : null,
      h("span", { class: "s-unit" }, alert.unit || ""),
      h("span", { class: "s-text" }, alert.text),
      h("span", { class: "s-age", "data-since": toMs(alert.raised_at) ?? "" }, "—"),
      emergency ? h("button", { type: "button", class: "s-ack", onclick: (e) => acknowledge(alert.id, e.currentTarget) }, "Acknowledge") : null,
    );
    return row;
  });
}
