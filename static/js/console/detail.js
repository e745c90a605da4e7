// The selected call: everything GET /calls/{id}/ says, refetched whenever the stream touches it,
// plus its actions: unit status, dispatch, note, close, reopen.

import { h, setChildren, setText } from "../dom.js";
import { formatDuration, timerAttrs, toMs } from "../timers.js";
import { CALL_STATUS_LABEL, NEXT_STATUSES, UNIT_STATUS } from "../statuses.js";
import { get, post } from "./api.js";
import { flagsBlock, permitBlock } from "./flags.js";
import { setupMutualAid } from "./mutualaid.js";
import { setupRecommend } from "./recommend.js";
import { setupDetailDuplicates } from "./duplicates.js";
import { setupShare, shareMark } from "./share.js";

const KIND_LABEL = {
  created: "CREATED", changed: "CHANGED", note: "NOTE", dispatched: "DISPATCH", unit_status: "STATUS",
  closed: "CLOSED", reopened: "REOPENED", linked: "LINKED", duplicate_added: "DUPLICATE",
  premise_flags: "FLAGS", supplement: "SUPPLEMENT", mutual_aid: "MUTUAL AID", shared: "SHARED",
  relayed: "RELAYED", unshared: "UNSHARED",
};
const SHARE_KINDS = new Set(["shared", "relayed", "unshared"]);

export function setupDetail({ store, refs, say, onSelect }) {
  const panel = document.getElementById("call-detail");
  const empty = document.getElementById("detail-empty");
  const body = document.getElementById("detail-body");
  let call = null;
  let wantedId = null;
  let openNo = 0; // the newest open() wins over every earlier open and every refresh
  let refreshNo = 0;
  let opening = null; // the open() in flight, if any
  let chosenBy = "user"; // how the call shown was selected: "user" (picked, typed) or "save" (entry's)
  let refreshTimer = null;

  const head = h("div", { class: "detail-head", id: "detail-head" });
  const info = h("div", { class: "detail-info", id: "detail-info" });
  const unitsBox = h("div", { class: "detail-units", id: "detail-units" });
  const message = h("div", { id: "detail-message", class: "form-message", role: "alert" });
  const chronology = h("ol", { id: "chronology", class: "chronology", "aria-label": "Chronology, newest first" });
  const duplicates = setupDetailDuplicates({ onLink: (master) => link(master) });

  const dispatchInput = h("input", { id: "dispatch-units", type: "text", spellcheck: "false", autocomplete: "off",
    placeholder: "1A12 1A11", "aria-label": "Units to dispatch" });
  const dispatchGo = h("button", { type: "submit", id: "dispatch-go" }, "Dispatch");
  const suggestions = h("div", { class: "suggest", id: "dispatch-suggest", "aria-label": "Available units for this call type" });
  const dispatchForm = h("form", { class: "action-row", id: "dispatch-form" },
    h("label", { for: "dispatch-units" }, "Send"), dispatchInput, dispatchGo);
  const noteInput = h("input", { id: "note-text", type: "text", autocomplete: "off", placeholder: "Note text",
    "aria-label": "Note" });
  const noteForm = h("form", { class: "action-row", id: "note-form" },
    h("label", { for: "note-text" }, "Note"), noteInput, h("button", { type: "submit", id: "note-add" }, "Add note"));
  const disposition = h("select", { id: "close-disposition", "aria-label": "Disposition" },
    h("option", { value: "" }, "— disposition —"),
    refs.dispositions.map((d) => h("option", { value: d.code }, `${d.code} ${d.description}`)));
  const closeForm = h("form", { class: "action-row", id: "close-form" },
    h("label", { for: "close-disposition" }, "Close"), disposition, h("button", { type: "submit", id: "close-go", class: "danger" }, "Close call"));
  const reopenForm = h("form", { class: "action-row", id: "reopen-form" },
    h("button", { type: "submit", id: "reopen-go" }, "Reopen call"));
  const sharing = setupShare({ run: (label, action) => run(label, action) });
  const actions = h("div", { class: "detail-actions" }, dispatchForm, suggestions, noteForm, sharing.element, closeForm,
    reopenForm, message);

  const mutualAid = setupMutualAid({ store, say, onChange: () => refresh() });
  const recommendation = setupRecommend({ store, say, dispatch: (units) => dispatch(units),
    fillLine: (units) => units.forEach((callsign) => offerUnit(callsign)), askAid: (units) => mutualAid.askLines(units) });

  setChildren(body,
    head,
    h("div", { class: "detail-cols" },
      h("div", { class: "detail-main" }, info, duplicates.box, unitsBox, mutualAid.element, recommendation.element, actions),
      h("section", { class: "detail-chrono", "aria-labelledby": "chrono-title" },
        h("h3", { id: "chrono-title" }, "Chronology"), chronology)));

  function report(kind, text) {
    message.dataset.kind = kind;
    setText(message, text);
    say(kind, text);
  }

  async function run(label, action, { keep } = {}) {
    // Actions answer with the fresh call detail (notes with the entry): show it without waiting.
    if (!call) return report("error", "Select a call first.");
    try {
      const result = await action(call);
      report("ok", typeof label === "function" ? label(result) : label);
      keep?.();
      if (result && result.id === call?.id && result.chronology) show(result, { fresh: false });
      else refresh(0);
      return result;
    } catch (err) {
      report("error", err.message);
      return null;
    }
  }

  dispatchForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const units = dispatchInput.value.toUpperCase().split(/[\s,]+/).filter(Boolean);
    if (!units.length) return report("error", "Type the units to send, e.g. 1A12 1A11.");
    dispatch(units).then((ok) => { if (ok) dispatchInput.value = ""; });
  });
  noteForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = noteInput.value.trim();
    if (!text) return report("error", "Type the note first.");
    note(text).then((ok) => { if (ok) noteInput.value = ""; });
  });
  closeForm.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!disposition.value) {
      disposition.focus();
      return report("error", "Pick a disposition to close the call.");
    }
    close(disposition.value).then((ok) => { if (ok) disposition.value = ""; });
  });
  reopenForm.addEventListener("submit", (e) => {
    e.preventDefault();
    reopen();
  });
  suggestions.addEventListener("click", (e) => {
    const chip = e.target.closest("button[data-suggest]");
    if (chip) offerUnit(chip.dataset.suggest);
  });

  const dispatch = (units) => run(() => `Dispatched ${units.join(", ")} to ${call.number}.`,
    (c) => post(`calls/${c.id}/dispatch/`, { units }));
  const note = (text) => run(() => `Note added to ${call.number}.`, (c) => post(`calls/${c.id}/notes/`, { text }));
  const close = (code, description = "") => run(
    () => `Closed ${call.number} with disposition ${code.toUpperCase()}${description ? ` ${description}` : ""}.`,
    (c) => post(`calls/${c.id}/close/`, { disposition: code }));
  const reopen = () => run(() => `Reopened ${call.number}: it is pending again.`, (c) => post(`calls/${c.id}/reopen/`, {}));
  const link = (master) => run((c) => `Linked ${c.number} as a duplicate of ${c.master} (RO undoes it).`,
    (c) => post(`calls/${c.id}/link/`, { master }));

  async function unitStatus(callsign, status) {
    const label = UNIT_STATUS[status]?.label || status;
    try {
      const unit = await post(`units/${encodeURIComponent(callsign)}/status/`, { status });
      const text = `${unit.callsign}: ${label}${unit.call_number ? ` (${unit.call_number})` : ""}.`;
      if (call) report("ok", text);
      else say("ok", text);
      return unit;
    } catch (err) {
      if (call) report("error", `${callsign.toUpperCase()} ${label}: ${err.message}`);
      else say("error", `${callsign.toUpperCase()} ${label}: ${err.message}`);
      return null;
    }
  }

  // Opens a call by id or number. The list highlight follows at once; the body when it loads.
  // `by`: "save" when call entry opens the call it saved, which the dispatcher did not pick.
  // Answers the call, or null when it did not open (then the call shown stays).
  let lastOpen = Promise.resolve(null);
  function open(key, options = {}) {
    lastOpen = load(key, options);
    return lastOpen;
  }

  async function load(key, { focus = false, by = "user" } = {}) {
    const mine = ++openNo;
    opening = mine;
    wantedId = typeof key === "number" ? key : null;
    if (wantedId !== null) onSelect(wantedId);
    try {
      const data = await get(`calls/${encodeURIComponent(key)}/`);
      if (mine !== openNo) return data;
      chosenBy = by;
      show(data, { fresh: call?.id !== data.id });
      if (focus) panel.focus();
      return data;
    } catch (err) {
      if (mine === openNo) {
        say("error", err.status === 404 ? `No call ${key}.` : `Call ${key}: ${err.message}`);
        wantedId = call?.id ?? null; // the selection goes back to the call still shown
        onSelect(wantedId);
      }
      return null;
    } finally {
      if (opening === mine) opening = null;
    }
  }

  function refresh(delay = 120) {
    if (!call) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(async () => {
      // A call being opened replaces this one: refreshing it now could put it back on screen.
      if (opening !== null || !call) return;
      const mine = ++refreshNo;
      const id = call.id;
      try {
        const data = await get(`calls/${id}/`);
        if (mine === refreshNo && opening === null && call?.id === id) show(data, { fresh: false });
      } catch (err) {
        if (mine === refreshNo) report("error", `Could not refresh ${call.number}: ${err.message}`);
      }
    }, delay);
  }

  function show(data, { fresh }) {
    const focusKey = document.activeElement?.dataset?.key && body.contains(document.activeElement)
      ? document.activeElement.dataset.key : null;
    call = data;
    wantedId = data.id;
    onSelect(data.id);
    if (fresh) {
      message.replaceChildren();
      dispatchInput.value = "";
      noteInput.value = "";
      disposition.value = "";
    }
    empty.hidden = true;
    body.hidden = false;
    panel.dataset.callNumber = data.number;
    panel.dataset.status = data.status;
    renderHead(data);
    renderInfo(data);
    renderUnits(data);
    renderSuggestions(data);
    recommendation.show(data);
    mutualAid.show(data);
    sharing.show(data);
    renderChronology(data);
    duplicates.show(data);
    const closed = data.status === "closed";
    dispatchForm.hidden = closed;
    suggestions.hidden = closed;
    closeForm.hidden = closed;
    reopenForm.hidden = !closed;
    if (focusKey) body.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  function renderHead(c) {
    const goalDispatch = refs.goal(c.priority, "dispatch");
    const goalResponse = refs.goal(c.priority, "response");
    let timer;
    if (c.status === "closed") {
      timer = h("span", { class: "d-timer" }, `closed ${clock(c.closed_at)}`);
    } else if (c.status === "pending") {
      timer = h("span", { class: "d-timer" }, "waiting ", h("span", { class: "timer", ...timerAttrs(c.received_at, goalDispatch) }));
    } else if (!c.onscene_at) {
      timer = h("span", { class: "d-timer" }, "no one on scene ", h("span", { class: "timer", ...timerAttrs(c.received_at, goalResponse) }));
    } else {
      timer = h("span", { class: "d-timer" }, `on scene after ${formatDuration((toMs(c.onscene_at) - toMs(c.received_at)) / 1000)}`);
    }
    setChildren(head,
      h("span", { class: "d-number", id: "detail-number" }, c.number),
      h("span", { class: "pri", "data-priority": c.priority }, `P${c.priority}`),
      h("span", { class: "d-status", "data-status": c.status }, CALL_STATUS_LABEL[c.status] || c.status),
      h("span", { class: "d-type" }, c.call_type.code, h("span", { class: "muted" }, ` ${c.call_type.description}`)),
      timer,
      c.disposition ? h("span", { class: "d-dispo" }, `Disp ${c.disposition.code} ${c.disposition.description}`) : null,
      c.master ? h("span", { class: "d-dispo" }, `Duplicate of ${c.master}`) : null,
      shareMark(c));
  }

  function renderInfo(c) {
    const loc = c.location;
    // Hazards before anything else: they come first in the list and read first on screen.
    const flags = flagsBlock(c.premise_flags);
    if (flags) flags.id = "detail-flags";
    const permit = permitBlock(c.alarm_permit);
    if (permit) permit.id = "detail-permit";
    setChildren(info,
      h("div", { class: "d-loc" },
        h("span", { class: "d-address" }, loc.address),
        loc.beat ? h("span", { class: "tag" }, `Beat ${loc.beat}`) : h("span", { class: "tag warn" }, "No beat"),
        loc.verified ? null : h("span", { class: "tag warn" }, "UNVERIFIED LOCATION")),
      flags,
      permit,
      h("dl", { class: "d-facts" },
        h("dt", {}, "Caller"), h("dd", {}, c.caller?.name || "—"),
        h("dt", {}, "Callback"), h("dd", {}, c.caller?.phone || "—"),
        h("dt", {}, "Source"), h("dd", {}, c.source),
        h("dt", {}, "Received"), h("dd", { id: "detail-received" }, clock(c.received_at)),
        h("dt", {}, "Entered"), h("dd", { id: "detail-entered", title: "Saved in CAD" },
          clock(c.entered_at), c.entered_at && c.received_at
            ? h("span", { class: "muted" }, ` (+${formatDuration((toMs(c.entered_at) - toMs(c.received_at)) / 1000)})`) : null),
        c.duplicates?.length ? [h("dt", {}, "Duplicates"), h("dd", {}, c.duplicates.join(", "))] : null),
      h("p", { class: "d-narrative" }, c.narrative || h("span", { class: "muted" }, "No narrative.")));
  }

  function renderUnits(c) {
    const rows = [...(c.assignments || [])].sort((a, b) => (a.cleared_at ? 1 : 0) - (b.cleared_at ? 1 : 0));
    if (!rows.length) {
      setChildren(unitsBox, h("p", { class: "muted" }, "No units sent yet."));
      return;
    }
    setChildren(unitsBox, h("table", { class: "d-units" },
      h("thead", {}, h("tr", {}, ["Unit", "Status", "Disp", "ER", "OS", "Clear", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, rows.map((a) => h("tr", { "data-unit": a.unit, "data-status": a.cleared_at ? "cleared" : a.status, class: a.cleared_at ? "cleared" : "" },
        h("td", { class: "u" }, a.unit, h("small", {}, ` ${a.agency}`)),
        h("td", {}, h("span", { class: "unit-chip", "data-status": a.cleared_at ? "cleared" : a.status },
          a.cleared_at ? "Cleared" : UNIT_STATUS[a.status]?.label || a.status)),
        h("td", {}, clock(a.dispatched_at)), h("td", {}, clock(a.enroute_at)), h("td", {}, clock(a.onscene_at)),
        h("td", {}, clock(a.cleared_at)),
        h("td", { class: "status-buttons" }, a.cleared_at ? null : statusButtons(a.unit, a.status)))))));
  }

  function statusButtons(callsign, current) {
    const live = store.units.get(callsign)?.status || current;
    return (NEXT_STATUSES[live] || []).map((status) => h("button", {
      type: "button", class: "st", "data-status": status, "data-key": `st:${callsign}:${status}`,
      title: `${callsign}: ${UNIT_STATUS[status].label} (command ${UNIT_STATUS[status].code} ${callsign})`,
      onclick: () => unitStatus(callsign, status),
    }, UNIT_STATUS[status].code));
  }

  function renderSuggestions(c) {
    const focused = suggestions.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    const type = refs.callTypes.find((t) => t.code === c.call_type.code);
    const wanted = new Set(type?.disciplines || []);
    const free = [...store.units.values()]
      .filter((u) => u.status === "available" && (!wanted.size || wanted.has(u.discipline)))
      .sort((a, b) => (a.home_beat === c.location.beat ? 0 : 1) - (b.home_beat === c.location.beat ? 0 : 1)
        || a.callsign.localeCompare(b.callsign, undefined, { numeric: true }))
      .slice(0, 10);
    setChildren(suggestions,
      h("span", { class: "muted" }, free.length ? "Available:" : "No available units for this call type."),
      free.map((u) => h("button", { type: "button", class: "chip", "data-suggest": u.callsign, "data-key": `sug:${u.callsign}`,
        title: `${u.callsign} · ${u.discipline} · home beat ${u.home_beat || "—"}` },
      u.callsign, u.home_beat === c.location.beat ? h("small", {}, " beat") : null)));
    if (focused) (suggestions.querySelector(`[data-key="${CSS.escape(focused)}"]`) || dispatchInput).focus();
  }

  // The detail carries the latest page of the chronology. Once the dispatcher reads earlier pages,
  // every entry seen on this call is kept, so none falls between the pages as new ones arrive.
  let history = { callId: null, kept: new Map(), next: null, opened: false };

  function renderChronology(c) {
    const page = c.chronology || [];
    if (history.callId !== c.id) history = { callId: c.id, kept: new Map(), next: c.chronology_earlier, opened: false };
    if (history.opened) for (const e of page) history.kept.set(e.id, e);
    else history.next = c.chronology_earlier;
    const entries = (history.opened ? [...history.kept.values()].sort(inOrder) : page).slice().reverse();
    const items = entries.map((e) => h("li", { "data-kind": e.kind, "data-entry": e.id },
      h("time", { datetime: e.at }, clock(e.at)),
      h("span", { class: "k" }, KIND_LABEL[e.kind] || e.kind.toUpperCase()),
      h("span", { class: "t" }, correction(e), e.text),
      h("span", { class: "by" }, e.by || "", e.agency && !SHARE_KINDS.has(e.kind) ? h("span", { class: "by-agency" }, ` [${e.agency}]`) : null)));
    if (history.next) {
      items.push(h("li", { class: "chrono-more" },
        h("button", { type: "button", id: "chronology-earlier", onclick: () => loadEarlier(c.id) }, "Earlier entries")));
    }
    setChildren(chronology, items);
  }

  async function loadEarlier(callId) {
    const wanted = history;
    try {
      const page = await get(wanted.next.replace(/^\/api\/v1\//, ""));
      if (history !== wanted || call?.id !== callId) return;
      for (const e of [...page.results, ...(call.chronology || [])]) history.kept.set(e.id, e);
      history.opened = true;
      history.next = page.earlier;
      renderChronology(call);
      chronology.querySelector("#chronology-earlier")?.focus();
    } catch (err) {
      report("error", `Earlier entries: ${err.message}`);
    }
  }

  // A unit picked on the board (or a suggestion chip) is added to the dispatch line, ready to send.
  function offerUnit(callsign) {
    if (!call || call.status === "closed") {
      say("error", `Select an open call first to dispatch ${callsign}.`);
      return;
    }
    const list = dispatchInput.value.toUpperCase().split(/[\s,]+/).filter(Boolean);
    if (!list.includes(callsign)) list.push(callsign);
    dispatchInput.value = list.join(" ");
    dispatchGo.focus();
    report("info", `Press Enter to dispatch ${list.join(", ")} to ${call.number}; F8 back to the units to add more.`);
  }

  store.subscribe((change) => {
    if (!call) return;
    const id = call.id;
    const touches =
      (change.kind === "call" && change.call.id === id) ||
      (change.kind === "note" && change.callId === id) ||
      (change.kind === "unit" && (change.unit.call === id || change.previous?.call === id)) ||
      change.kind === "snapshot";
    if (touches) refresh();
    else if (change.kind === "unit" && call.status !== "closed") renderSuggestions(call);
  });

  return {
    open, refresh, offerUnit, dispatch, note, close, reopen, unitStatus, link, share: sharing.share, unshare: sharing.unshare,
    recommend: recommendation.send, recommendEdit: recommendation.edit,
    askAid: (request) => mutualAid.ask(request), askAidRecommended: recommendation.askAid,
    // A fresher copy of the call shown (an action's answer made elsewhere), shown if it still is.
    accept: (data) => {
      if (opening === null && call?.id === data.id) show(data, { fresh: false });
    },
    selected: () => call,
    selectedBy: () => chosenBy,
    selectedId: () => call?.id ?? wantedId,
    opening: () => opening !== null, // a call asked for is loading: the one shown is on its way out
    whenOpen: () => lastOpen.then((data) => (data && call?.id === data.id ? data : null)),
    openNumber: () => openNo,
    focus: () => panel.focus(),
  };
}

// A supplement that corrects a line says which: "corrects 14:02:11 DISPATCH".
function correction(e) {
  if (!e.corrects) return null;
  const kind = KIND_LABEL[e.corrects.kind] || e.corrects.kind.toUpperCase();
  return h("span", { class: "corrects" }, `corrects ${clock(e.corrects.at)} ${kind}: `);
}

function clock(iso) {
  const t = toMs(iso);
  if (t === null) return "";
  return new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

function inOrder(a, b) {
  return (Date.parse(a.at) - Date.parse(b.at)) || (a.id - b.id);
}
