// Mutual aid on the selected call: what was asked of which partner agency and how it stands, live
// from the stream (waiting with a running time, accepted with the units sent, declined with the
// reason, cancelled), the form that asks (agency, capability, count, note), and asking for the
// recommendation's mutual-aid lines in one go (Alt+A, or MA alone on the command line).

import { h, setChildren, setText } from "../dom.js";
import { formatDuration, tick, timerAttrs } from "../timers.js";
import { get, post } from "./api.js";

const STATE_LABEL = { pending: "WAITING", accepted: "ACCEPTED", declined: "DECLINED", cancelled: "CANCELLED" };
const MOST_UNITS = 20;
const PARTNERS_FRESH_MS = 60_000;

export function setupMutualAid({ store, say, onChange }) {
  const list = h("ol", { id: "mutual-aid-list", class: "aid-list", "aria-label": "Mutual aid asked on this call" });
  const agency = h("select", { id: "mutual-aid-agency", "aria-label": "Partner agency to ask" });
  const capability = h("select", { id: "mutual-aid-capability", "aria-label": "Capability" });
  const count = h("input", { id: "mutual-aid-count", type: "number", min: 1, max: MOST_UNITS, value: 1,
    "aria-label": "How many units" });
  const note = h("input", { id: "mutual-aid-note", type: "text", maxlength: 500, autocomplete: "off",
    placeholder: "Note for the partner", "aria-label": "Note for the partner" });
  const form = h("form", { class: "action-row aid-form", id: "mutual-aid-form" },
    h("label", { for: "mutual-aid-agency" }, "Aid"), agency, capability, count, note,
    h("button", { type: "submit", id: "mutual-aid-go", title: "Ask this partner for units (command MA)" }, "Ask"));
  const message = h("div", { id: "mutual-aid-message", class: "form-message", role: "alert" });
  const box = h("section", { id: "mutual-aid", class: "mutual-aid", "aria-labelledby": "mutual-aid-title" },
    h("h3", { id: "mutual-aid-title", class: "aid-head" }, "Mutual aid"), list, form, message);

  let call = null;
  let requests = new Map(); // the shown call's requests, by id
  let partners = [];
  let partnersAt = 0;
  let loadNo = 0;

  // Errors stay under the form until the next try; what went well is said on the message line.
  function report(kind, text) {
    message.dataset.kind = kind;
    setText(message, kind === "error" ? text : "");
    say(kind, text);
  }

  async function loadPartners() {
    if (Date.now() - partnersAt < PARTNERS_FRESH_MS && partners.length) return partners;
    try {
      partners = await get("mutual-aid/partners/");
      partnersAt = Date.now();
      fillAgencies();
    } catch (err) {
      report("error", `Partner agencies unavailable: ${err.message}`);
    }
    return partners;
  }

  function fillAgencies() {
    const chosen = agency.value;
    setChildren(agency, partners.map((p) => h("option", { value: p.agency, title: p.name }, `${p.agency} · ${p.name}`)));
    if (partners.some((p) => p.agency === chosen)) agency.value = chosen;
    fillCapabilities();
  }

  function fillCapabilities() {
    const chosen = capability.value;
    const partner = partners.find((p) => p.agency === agency.value);
    setChildren(capability, (partner?.capabilities || []).map((c) => h("option", { value: c.capability },
      `${c.capability} · ${c.available}/${c.units} free`)));
    if ([...capability.options].some((o) => o.value === chosen)) capability.value = chosen;
  }

  agency.addEventListener("focus", () => loadPartners());
  agency.addEventListener("change", fillCapabilities);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!agency.value || !capability.value) return report("error", "Pick the partner agency and the capability to ask for.");
    const how = Number(count.value);
    if (!Number.isInteger(how) || how < 1 || how > MOST_UNITS) {
      count.focus();
      return report("error", `Ask for 1 to ${MOST_UNITS} units.`);
    }
    ask({ agency: agency.value, capability: capability.value, count: how, note: note.value.trim() })
      .then((asked) => { if (asked) { note.value = ""; count.value = 1; } });
    return null;
  });

  // Called with every fresh call detail.
  function show(c) {
    const fresh = call?.id !== c.id;
    call = c;
    form.hidden = c.status === "closed";
    box.dataset.callId = c.id;
    if (fresh) {
      message.replaceChildren();
      requests = new Map([...store.mutualAid.values()].filter((r) => r.call.id === c.id).map((r) => [r.id, r]));
      render();
      reload();
      loadPartners();
    }
  }

  // Every request of the call, answered ones of a closed call included, from the API; what the
  // stream brought meanwhile wins over an older answer that was still pending.
  async function reload() {
    if (!call) return;
    const mine = ++loadNo;
    const id = call.id;
    try {
      const page = await get(`mutual-aid/?call=${id}`);
      if (mine !== loadNo || call?.id !== id) return;
      for (const request of page.results) {
        const held = requests.get(request.id);
        if (!held || held.state === "pending" || request.state !== "pending") requests.set(request.id, request);
      }
      render();
    } catch (err) {
      if (mine === loadNo) report("error", `Mutual aid of ${call.number}: ${err.message}`);
    }
  }

  function render() {
    const rows = [...requests.values()].sort((a, b) => Date.parse(a.requested_at) - Date.parse(b.requested_at) || a.id - b.id);
    box.hidden = !rows.length && call?.status === "closed";
    setChildren(list, rows.length ? rows.map(row) : h("li", { class: "muted" }, "None asked."));
    tick(list);
  }

  function row(r) {
    return h("li", { "data-mutual-aid": r.id, "data-state": r.state, "data-agency": r.agency },
      h("span", { class: "aid-agency", title: r.agency_name }, r.agency),
      h("span", { class: "aid-asked" }, `${r.count} × ${r.capability}`),
      h("span", { class: "aid-state", "data-state": r.state }, STATE_LABEL[r.state] || r.state),
      outcome(r),
      r.note ? h("span", { class: "aid-note muted", title: "Note sent with the request" }, r.note) : null);
  }

  function outcome(r) {
    const took = r.answer_seconds !== null ? `answered in ${formatDuration(r.answer_seconds)}` : "";
    if (r.state === "pending") {
      return h("span", { class: "aid-outcome" }, "for ", h("span", { class: "timer aid-waiting", ...timerAttrs(r.requested_at) }),
        h("button", { type: "button", class: "quiet aid-cancel", "data-key": `aid-cancel:${r.id}`,
          title: `Withdraw the request to ${r.agency}`, onclick: () => cancel(r.id) }, "Cancel"));
    }
    if (r.state === "accepted") {
      return h("span", { class: "aid-outcome" }, h("span", { class: "aid-units" }, r.units.join(", ")), ` sent · ${took}`);
    }
    if (r.state === "declined") return h("span", { class: "aid-outcome" }, `${took} · `, h("span", { class: "aid-reason" }, r.decline_reason));
    return h("span", { class: "aid-outcome" }, r.cancel_reason ? h("span", { class: "aid-reason" }, r.cancel_reason) : null);
  }

  async function ask({ agency: code, capability: what, count: how = 1, note: text = "" }) {
    if (!call || call.status === "closed") {
      say("error", "Mutual aid: select an open call first.");
      return null;
    }
    const id = call.id;
    const number = call.number;
    try {
      const asked = await post(`calls/${id}/mutual-aid/`, { agency: code, capability: what, count: how, note: text });
      if (call?.id === id) {
        requests.set(asked.id, requests.get(asked.id) || asked);
        render();
      }
      report("ok", `Asked ${asked.agency} for ${asked.count} × ${asked.capability} on ${number}; waiting for the answer.`);
      onChange?.();
      return asked;
    } catch (err) {
      report("error", `Mutual aid from ${code.toUpperCase()}: ${err.message}`);
      return null;
    }
  }

  // The recommendation's mutual-aid lines, one request per partner and capability, each asking for
  // as many units as the lines offer; what is already asked and waiting is not asked twice.
  async function askLines(units) {
    const groups = new Map();
    for (const u of units.filter((unit) => unit.mutual_aid)) {
      const key = `${u.agency}:${u.capability}`;
      const group = groups.get(key) || { agency: u.agency, capability: u.capability, count: 0, callsigns: [] };
      group.count += 1;
      group.callsigns.push(u.callsign);
      groups.set(key, group);
    }
    if (!groups.size) {
      say("error", "Mutual aid: the recommendation has no mutual-aid lines.");
      return [];
    }
    const done = [];
    for (const group of groups.values()) {
      const waiting = [...requests.values()].find((r) => r.state === "pending" && r.agency === group.agency
        && r.capability === group.capability);
      if (waiting) {
        say("info", `${group.agency} was already asked for ${group.capability}; waiting for its answer.`);
        continue;
      }
      const asked = await ask({ ...group, note: `Recommended: ${group.callsigns.join(", ")}` });
      if (asked) done.push(asked);
    }
    return done;
  }

  async function cancel(id) {
    try {
      const cancelled = await post(`mutual-aid/${id}/cancel/`, {});
      requests.set(cancelled.id, cancelled);
      render();
      report("ok", `Mutual aid request to ${cancelled.agency} (${cancelled.count} × ${cancelled.capability}) cancelled.`);
      onChange?.();
      return cancelled;
    } catch (err) {
      report("error", `Cancel: ${err.message}`);
      return null;
    }
  }

  store.subscribe((change) => {
    if (change.kind === "snapshot") {
      if (call) reload();
      return;
    }
    if (change.kind !== "mutual_aid") return;
    const r = change.request;
    if (r.state === "accepted") say("ok", `${r.agency} accepted mutual aid on ${r.call.number}: ${r.units.join(", ")} dispatched.`);
    else if (r.state === "declined") say("warn", `${r.agency} declined mutual aid on ${r.call.number}: ${r.decline_reason}`);
    if (call?.id !== r.call.id) return;
    requests.set(r.id, r);
    render();
    onChange?.();
  });

  return { element: box, show, ask, askLines, cancel, focus: () => agency.focus() };
}
