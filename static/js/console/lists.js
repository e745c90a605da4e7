// The pending queue and the active calls, kept in step with the store; timers tick in place.

import { h, setText, syncList } from "../dom.js";
import { waitingSince } from "../store.js";
import { formatDuration, goalLevel, timerAttrs, toMs } from "../timers.js";
import { CALL_STATUS_LABEL, UNIT_STATUS } from "../statuses.js";
import { listNav, preserveFocus } from "./listnav.js";
import { shareMark, shareText } from "./share.js";

export function setupLists({ store, refs, getSelectedId, onOpen }) {
  const pending = document.getElementById("pending-queue");
  const active = document.getElementById("active-calls");
  const open = (el) => onOpen(Number(el.dataset.callId));
  const pendingNav = listNav(pending, { onActivate: open });
  const activeNav = listNav(active, { onActivate: open });
  let shownSelected = null;

  function render() {
    const selected = getSelectedId();
    const waiting = store.pendingCalls();
    const working = store.activeCalls();
    preserveFocus(pending, () => syncList(pending, waiting, (c) => c.id, (c, el) => pendingRow(c, el, refs, selected)));
    preserveFocus(active, () => syncList(active, working, (c) => c.id, (c, el) => activeRow(c, el, refs, selected)));
    setText(document.getElementById("pending-count"), waiting.length);
    setText(document.getElementById("active-count"), working.length);
    document.getElementById("pending-empty").hidden = waiting.length > 0;
    document.getElementById("active-empty").hidden = working.length > 0;
    // A newly selected call (just entered, or opened by number) is brought into view once.
    if (selected !== shownSelected) {
      const row = document.querySelector(`#pending-queue [data-call-id="${selected}"], #active-calls [data-call-id="${selected}"]`);
      if (row) {
        row.scrollIntoView({ block: "nearest" });
        shownSelected = selected;
      }
    }
  }

  return { render, focusPending: pendingNav.focus, focusActive: activeNav.focus };
}

function shell(call, el, selected, extraClass) {
  const row = el || h("li", { role: "option", class: `row call-cols ${extraClass}` });
  row.dataset.callNumber = call.number;
  row.dataset.callId = call.id;
  row.dataset.priority = call.priority;
  row.dataset.status = call.status;
  row.dataset.flags = Array.isArray(call.premise_flags) ? call.premise_flags.length : 0;
  row.setAttribute("aria-selected", String(call.id === selected));
  row.dataset.share = shareText(call);
  row.setAttribute("aria-label", `${call.number}, priority ${call.priority}, ${call.call_type.description}, ${call.location.address}, ${CALL_STATUS_LABEL[call.status] || call.status}${row.dataset.share ? `, ${row.dataset.share}` : ""}`);
  if (!el) row.tabIndex = -1;
  return row;
}

function cells(row, count, classes) {
  if (row.children.length !== count) row.replaceChildren(...classes.map((c) => h("span", { class: c })));
  return [...row.children];
}

function fillCommon(call, [num, pri, type, loc]) {
  setText(num, call.number);
  setText(pri, `P${call.priority}`);
  pri.dataset.priority = call.priority;
  setText(type, call.call_type.code);
  type.title = call.call_type.description;
  const where = call.location.address + (call.location.verified ? "" : " ⚠");
  const shared = shareText(call);
  if (loc.dataset.where !== where || loc.dataset.share !== shared) {
    Object.assign(loc.dataset, { where, share: shared });
    // The mark first: a long address is cut short at the cell's end, the mark never is.
    loc.replaceChildren(...(shared ? [shareMark(call), " "] : []), where);
  }
  loc.title = call.location.verified ? call.location.address : `${call.location.address} (not verified)`;
}

function setTimer(el, sinceIso, goal) {
  const attrs = timerAttrs(sinceIso, goal);
  if (el.dataset.since !== String(attrs["data-since"])) el.dataset.since = attrs["data-since"];
  if (el.dataset.goal !== String(attrs["data-goal"])) el.dataset.goal = attrs["data-goal"];
}

function pendingRow(call, el, refs, selected) {
  const row = shell(call, el, selected, "pending-cols");
  const c = cells(row, 6, ["c-num", "c-pri pri", "c-type", "c-loc", "c-beat", "c-timer timer num"]);
  fillCommon(call, c);
  setText(c[4], call.location.beat || "—");
  setTimer(c[5], waitingSince(call), refs.goal(call.priority, "dispatch"));
  row.dataset.reopened = call.reopened_at ? "yes" : "no";
  return row;
}

function activeRow(call, el, refs, selected) {
  const row = shell(call, el, selected, "active-cols");
  const c = cells(row, 8, ["c-num", "c-pri pri", "c-type", "c-loc", "c-units", "c-status", "c-timer timer num", "c-resp timer num"]);
  fillCommon(call, c);
  c[4].replaceChildren(...(call.units || []).map((u) =>
    h("span", { class: "unit-chip", "data-status": u.status, title: UNIT_STATUS[u.status]?.label || u.status },
      u.callsign, h("small", {}, UNIT_STATUS[u.status]?.code || u.status))));
  setText(c[5], CALL_STATUS_LABEL[call.status] || call.status);
  c[5].dataset.status = call.status;
  setTimer(c[6], call.received_at, null);
  const goal = refs.goal(call.priority, "response");
  if (call.onscene_at) {
    const seconds = (toMs(call.onscene_at) - toMs(call.received_at)) / 1000;
    delete c[7].dataset.since;
    delete c[7].dataset.goal;
    c[7].dataset.level = goalLevel(seconds, goal) === "over" ? "over" : "met";
    setText(c[7], `OS ${formatDuration(seconds)}`);
    c[7].title = "Time from call received to first unit on scene";
  } else if (call.status === "cleared") {
    delete c[7].dataset.since;
    delete c[7].dataset.goal;
    delete c[7].dataset.level;
    setText(c[7], "—");
    c[7].title = "Units cleared before anyone was on scene";
  } else {
    setTimer(c[7], call.received_at, goal);
    c[7].title = `Response goal ${formatDuration(goal)}`;
  }
  return row;
}
