// The selected call's recommendation: GET /calls/{id}/recommendations/, refetched (debounced)
// whenever a unit changes. REC sends the recommended units; REC E puts them in the dispatch line;
// a mutual-aid line's Ask (or Alt+A, MA, for all of them) asks its partner instead (mutualaid.js).

import { h, setChildren } from "../dom.js";
import { get } from "./api.js";

const REFRESH_MS = 400;
const MAX_WAIT_MS = 2000;

export function setupRecommend({ store, say, dispatch, fillLine, askAid }) {
  const list = h("ol", { class: "rec-list", id: "recommend-list" });
  const head = h("div", { class: "rec-head", id: "recommend-plan" });
  const send = h("button", { type: "button", id: "recommend-send", title: "Dispatch every recommended unit (command REC)",
    onclick: () => sendRecommended() }, "Send recommended (REC)");
  const edit = h("button", { type: "button", id: "recommend-edit", title: "Put them in the dispatch line to edit first (command REC E)",
    onclick: () => editRecommended() }, "Edit (REC E)");
  const ask = h("button", { type: "button", id: "recommend-ask-aid", hidden: true,
    title: "Ask the partners of the mutual-aid lines for those units, instead of sending them (Alt+A, command MA)",
    onclick: () => askRecommended() }, "Ask mutual aid (Alt+A)");
  const missing = h("p", { class: "rec-unfilled", id: "recommend-unfilled" });
  const box = h("section", { id: "recommendations", class: "recommend", "aria-label": "Recommended units", "aria-live": "polite" },
    head, list, missing, h("div", { class: "rec-actions" }, send, edit, ask));
  let call = null;
  let data = null;
  let timer = null;
  let requestNo = 0;

  async function load() {
    if (!call) return null;
    const mine = ++requestNo;
    const id = call.id;
    try {
      const fresh = await get(`calls/${id}/recommendations/`);
      if (mine !== requestNo || call?.id !== id) return null;
      data = fresh;
      render();
      return fresh;
    } catch (err) {
      if (mine === requestNo) setChildren(head, h("span", { class: "muted" }, `Recommendation unavailable: ${err.message}`));
      return null;
    }
  }

  // Debounced, but never postponed past MAX_WAIT_MS: a steady stream of unit events (location
  // fixes every few seconds across a fleet) must not keep the list from ever refreshing.
  let pendingSince = null;
  function schedule(delay = REFRESH_MS) {
    const now = Date.now();
    if (timer !== null && now - pendingSince >= MAX_WAIT_MS) return;
    if (timer === null) pendingSince = now;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      load();
    }, delay);
  }

  // Called with every fresh call detail; a closed call shows none.
  function show(c) {
    const changed = call?.id !== c.id;
    call = c;
    box.hidden = c.status === "closed";
    if (box.hidden) return;
    if (changed) {
      data = null;
      box.dataset.callId = c.id;
      setChildren(head, h("span", { class: "muted" }, "Finding units…"));
      list.replaceChildren();
      missing.replaceChildren();
      schedule(0);
    } else {
      schedule();
    }
  }

  function render() {
    const plan = data.plan;
    const wanted = plan.lines.map((l) => `${l.count} × ${l.capability}`).join(", ");
    box.dataset.ready = "true";
    setChildren(head,
      h("strong", {}, "Recommended"),
      h("span", { class: "muted", title: plan.notes || "" }, ` ${plan.description}${wanted ? `: ${wanted}` : ""}`),
      data.assigned.length ? h("span", { class: "muted" }, ` · on the call: ${data.assigned.join(", ")}`) : null,
      data.located ? null : h("span", { class: "tag warn" }, "NO COORDINATES: NOT RANKED BY DISTANCE"));
    setChildren(list, data.units.map((u) => h("li", {
      "data-recommend": u.callsign, "data-mutual-aid": u.mutual_aid ? "true" : "false", "data-position": u.position,
      class: u.mutual_aid ? "mutual-aid" : "",
    },
    h("button", { type: "button", class: "chip", title: `Add ${u.callsign} to the dispatch line`, onclick: () => fillLine([u.callsign]) },
      u.callsign),
    h("span", { class: "rec-cap" }, u.capability),
    u.mutual_aid ? h("span", { class: "tag warn" }, `MUTUAL AID ${u.agency}`) : h("small", {}, ` ${u.agency}`),
    u.eta_seconds !== null ? h("span", { class: "rec-eta" }, eta(u.eta_seconds)) : null,
    h("span", { class: "rec-reason" }, u.reason),
    u.mutual_aid ? h("button", { type: "button", class: "quiet rec-ask", "data-ask-aid": u.agency,
      title: `Ask ${u.agency} for ${u.capability} (mutual aid) instead of sending ${u.callsign}`,
      onclick: () => askAid(data.units.filter((o) => o.mutual_aid && o.agency === u.agency && o.capability === u.capability)),
    }, `Ask ${u.agency}`) : null)));
    setChildren(missing, data.unfilled.map((u) => h("span", { class: "tag warn", "data-unfilled": u.capability }, u.text)));
    const none = !data.units.length;
    send.disabled = none;
    edit.disabled = none;
    ask.hidden = !data.units.some((u) => u.mutual_aid);
    if (none && !data.unfilled.length) list.append(h("li", { class: "muted" }, "The plan is filled."));
  }

  // REC's own look: a background refresh must not cancel it, and only the call's changing may.
  async function current(what) {
    const id = call.id;
    try {
      const fresh = await get(`calls/${id}/recommendations/`);
      if (call?.id !== id) {
        say("error", `${what}: another call was opened before the recommendation arrived; nothing done.`);
        return null;
      }
      data = fresh;
      render();
      return fresh;
    } catch (err) {
      say("error", `${what}: ${err.message}`);
      return null;
    }
  }

  async function sendRecommended() {
    if (!call || call.status === "closed") return say("error", "REC: select an open call first.");
    const fresh = await current("REC");
    if (!fresh) return null;
    if (!fresh.units.length) {
      return say("error", fresh.unfilled.length ? `REC: no units to send (${fresh.unfilled.map((u) => u.text).join("; ")}).`
        : "REC: the plan is already filled.");
    }
    return dispatch(fresh.units.map((u) => u.callsign));
  }

  async function editRecommended() {
    if (!call || call.status === "closed") return say("error", "REC E: select an open call first.");
    const fresh = await current("REC E");
    if (fresh?.units.length) fillLine(fresh.units.map((u) => u.callsign));
    else if (fresh) say("error", "REC E: no recommended units.");
  }

  async function askRecommended() {
    if (!call || call.status === "closed") return say("error", "MA: select an open call first.");
    const fresh = await current("MA");
    if (!fresh) return null;
    if (!fresh.units.some((u) => u.mutual_aid)) {
      return say("error", "MA: the recommendation has no mutual-aid lines; give the agency and capability, e.g. MA NFPD ENGINE.");
    }
    return askAid(fresh.units);
  }

  store.subscribe((change) => {
    if (call && call.status !== "closed" && (change.kind === "unit" || change.kind === "snapshot")) schedule();
  });

  return { element: box, show, send: sendRecommended, edit: editRecommended, askAid: askRecommended, current: () => data };
}

function eta(seconds) {
  return seconds < 60 ? "<1 min" : `~${Math.round(seconds / 60)} min`;
}
