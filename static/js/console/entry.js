// Call entry, in the order a caller tells it: location, call type, caller, callback, narrative.
// Ctrl+Enter saves and sends the recommended units, Alt+Enter saves only; the call is received
// when call taking starts (F2, or the first key typed into an empty form), entered when saved.
// Filled from a 9-1-1 line (fill(), F6), it completes the pending call the line's ANI/ALI made:
// saving changes that call (PATCH) instead of entering a second one.

import { h, setChildren, setText } from "../dom.js";
import { clockText, now } from "../timers.js";
import { api, get, post } from "./api.js";
import { Combo } from "./typeahead.js";
import { flagsBlock, permitBlock } from "./flags.js";
import { setupEntryDuplicates, shortNumber } from "./duplicates.js";

const INTERSECTION = / \/ | & | AND /i;
const ERROR_SLOTS = ["location", "call_type", "priority", "source", "caller", "narrative"];

export function setupEntry({ refs, onCreated, onSent, say }) {
  const form = document.getElementById("entry-form");
  const location = document.getElementById("entry-location");
  const type = document.getElementById("entry-type");
  const priority = document.getElementById("entry-priority");
  const source = document.getElementById("entry-source");
  const callerName = document.getElementById("entry-caller-name");
  const callerPhone = document.getElementById("entry-caller-phone");
  const narrative = document.getElementById("entry-narrative");
  const picked = document.getElementById("location-picked");
  const message = document.getElementById("entry-message");
  const save = document.getElementById("entry-save");
  const send = document.getElementById("entry-send");
  const received = document.getElementById("entry-received");
  const confirmBox = document.getElementById("entry-confirm");
  let place = null;
  let callType = null;
  let saving = false;
  let receivedAt = null; // server time (ms) call taking began: F2, or the first key into an empty form
  let checked = null; // {text, place, candidates}: what the street file says of the typed location
  let checking = null; // that look-up in flight: {text, promise}
  let keptAsTyped = ""; // text the dispatcher chose to keep although the street file does not know it
  let answer = null; // resolves the "did you mean" question while it is asked
  let offered = []; // the places that question offers, best first
  let completing = null; // {id, number, address}: the call a 9-1-1 line made, which saving completes
  const banner = document.getElementById("entry-completing");

  // Once a location and a type are known, open calls nearby are offered as likely duplicates.
  const duplicates = setupEntryDuplicates({
    form, save: send, box: document.getElementById("entry-duplicates"),
    query: () => (place && callType && place.lat !== null && place.lon !== null
      ? { lat: place.lat, lon: place.lon, call_type: callType.code } : null),
    onLink: (number, id) => submit({ linkTo: { number, id } }),
    exclude: () => completing?.id ?? null,
  });

  setChildren(priority,
    h("option", { value: "" }, "Default"),
    refs.priorities.map((p) => h("option", { value: p.level, title: p.name }, `P${p.level} ${p.name.split(":")[0]}`)));

  const locationCombo = new Combo(location, document.getElementById("location-options"), {
    minChars: 2, delay: 150,
    search: (q) => get(`addresses/?q=${encodeURIComponent(q)}&limit=8`),
    render: renderPlace,
    // Enter with nothing highlighted takes the first match only when it is a place the street file
    // knows; a "did you mean" is never taken without the dispatcher choosing it.
    firstPick: (item) => Boolean(item?.verified) && item.kind !== "suggestion",
    onPick: (item) => {
      location.value = item.address;
      if (item.kind === "suggestion") {
        // A suggestion is the place it names: look that up, so entry shows what will be saved.
        place = null;
        showPlace({ checkingText: item.address });
        checkTyped(item.address).then(showChecked);
      } else {
        place = item;
        showPlace();
      }
    },
  });
  location.addEventListener("input", () => {
    if (place && location.value !== place.address) {
      place = null;
      showPlace();
    }
  });
  // Typed and left (Tab, a click elsewhere): look the words up as saving would, so the flags, the
  // beat and the duplicates are known before saving, not only for a place picked from the list.
  location.addEventListener("blur", () => {
    const text = location.value.trim();
    if (text && !(place && place.address === text)) checkTyped(text).then(showChecked);
  });

  const typeCombo = new Combo(type, document.getElementById("type-options"), {
    minChars: 1, autoSelect: true,
    settled: () => Boolean(callType) && type.value.trim().toUpperCase() === callType.code,
    search: (q) => matchCallTypes(refs.callTypes, q),
    render: (t) => [h("span", { class: "opt-main" }, t.code), " ", h("span", { class: "opt-desc" }, t.description),
      h("span", { class: "opt-meta" }, `P${t.default_priority}`)],
    onPick: pickType,
    next: () => callerName.focus(),
  });
  type.addEventListener("input", () => {
    const exact = refs.callTypes.find((t) => t.code === type.value.trim().toUpperCase());
    if (exact) pickType(exact, { keepText: true });
    else if (callType) { callType = null; type.title = ""; }
  });

  function pickType(t, { keepText = false } = {}) {
    callType = t;
    if (!keepText) type.value = t.code;
    type.title = t.description;
    priority.value = String(t.default_priority);
    setText(document.getElementById("err-call_type"), "");
    showTypeNote();
  }

  priority.addEventListener("change", showTypeNote);

  function showTypeNote() {
    const note = callType ? `${callType.description} · default P${callType.default_priority}` : "";
    const overridden = callType && priority.value && Number(priority.value) !== callType.default_priority;
    const el = document.getElementById("err-call_type");
    el.classList.toggle("hint", true);
    setText(el, overridden ? `${note} · PRIORITY OVERRIDDEN to P${priority.value}` : note);
    duplicates.check();
  }

  // What saving `text` would give: the place (verified, with its flags), or the "did you mean"s.
  function checkTyped(text) {
    if (checked?.text === text) return Promise.resolve(checked);
    if (checking?.text === text) return checking.promise;
    const q = encodeURIComponent(text);
    const promise = (async () => {
      try {
        const [exact] = await get(`addresses/?q=${q}&exact=true`);
        const candidates = exact ? [] : await get(`addresses/?q=${q}&limit=5`);
        return { text, place: exact || null, candidates: candidates || [] };
      } catch (err) {
        return { text, place: null, candidates: [], failed: err.message };
      }
    })();
    checking = { text, promise };
    return promise.then((result) => {
      if (checking?.promise === promise) checking = null;
      if (!result.failed) checked = result;
      return result;
    });
  }

  function showChecked(result) {
    // Only while the field still says what was looked up (the dispatcher may have typed on), and
    // not while the question about it is asked.
    if (answer || (location.value.trim() !== result.text && location.value !== result.place?.address)) return;
    if (result.place) {
      place = result.place;
      if (document.activeElement !== location) location.value = place.address;
      showPlace();
    } else {
      place = null;
      showPlace({ unknown: result });
    }
  }

  function showPlace({ checkingText = null, unknown = null } = {}) {
    duplicates.check();
    picked.replaceChildren();
    if (checkingText) {
      picked.append(h("div", { class: "place checking" }, `⋯ ${checkingText}`));
      return;
    }
    if (unknown) {
      const first = unknown.candidates[0];
      picked.append(h("div", { class: "place unverified", id: "location-unknown" },
        `⚠ ${unknown.text.toUpperCase()} is not in the street file`,
        first ? ` · did you mean ${first.address}?` : " · it will be saved as typed, UNVERIFIED"));
      return;
    }
    if (!place) return;
    picked.append(h("div", { class: place.verified ? "place ok" : "place unverified" },
      place.verified ? "✓ " : "⚠ ", place.name ? `${place.name}, ` : "", place.address, ` · ${place.kind}`,
      place.beat ? ` · beat ${place.beat}` : " · no beat", place.verified ? "" : " · UNVERIFIED"));
    const flags = flagsBlock(place.premise_flags);
    if (flags) picked.append(flags);
    const permit = permitBlock(place.alarm_permit);
    if (permit) picked.append(permit);
  }

  // Before saving: a location the street file does not know asks "did you mean…" (Enter takes
  // the suggestion, K keeps the words as typed, Esc goes back to the field). False: not saving.
  async function locationSettled() {
    const text = location.value.trim();
    if (!text || keptAsTyped === text) return true;
    if (place && place.address === text && (place.verified || place.kind === "coordinates")) return true;
    const result = await checkTyped(text);
    if (location.value.trim() !== text) return false; // edited meanwhile: the next save asks again
    if (result.failed) return true; // the look-up is down: the server still matches what it can
    if (result.place) {
      showChecked(result);
      return true;
    }
    picked.replaceChildren(); // the question says it, with what to do
    const choice = await ask(text, result.candidates);
    if (choice === "edit") {
      location.focus();
      return false;
    }
    if (choice === "keep") {
      keptAsTyped = text;
      return true;
    }
    location.value = choice.address;
    const settled = await checkTyped(choice.address);
    place = settled.place || null;
    showPlace();
    return true;
  }

  function ask(text, candidates) {
    const first = candidates[0];
    setText(document.getElementById("entry-confirm-text"), first
      ? `${text.toUpperCase()} is not in the street file. Did you mean ${first.address}?`
      : `${text.toUpperCase()} is not in the street file: no beat, and units are not ranked by distance.`);
    const choose = (value) => () => answer?.(value);
    setChildren(document.getElementById("entry-confirm-actions"),
      candidates.slice(0, 3).map((c, i) => h("button", {
        type: "button", class: i ? "quiet" : "", "data-use": c.address, onclick: choose(c),
      }, `Use ${c.address}`, i ? null : h("span", { class: "muted-on-accent" }, " Enter"))),
      h("button", { type: "button", class: first ? "quiet" : "", id: "entry-confirm-keep", onclick: choose("keep") },
        "Keep as typed", h("span", { class: first ? "muted" : "muted-on-accent" }, first ? " K" : " Enter / K")),
      h("button", { type: "button", class: "quiet", onclick: choose("edit") }, "Edit", h("span", { class: "muted" }, " Esc")));
    offered = candidates;
    confirmBox.hidden = false;
    confirmBox.focus();
    return new Promise((resolve) => {
      answer = (value) => {
        answer = null;
        confirmBox.hidden = true;
        resolve(value);
      };
    });
  }

  confirmBox.addEventListener("keydown", (e) => {
    if (!answer || e.ctrlKey || e.metaKey || /^F\d+$/.test(e.key) || e.key === "Tab") return;
    e.stopPropagation(); // a letter here answers the question; it must not start a command
    const key = e.key.toLowerCase();
    if (e.target.matches("button") && (e.key === "Enter" || e.key === " ")) return; // the focused button
    e.preventDefault();
    const first = offered[0];
    if ((e.key === "Enter" || key === "y") && first) answer(first);
    else if (key === "k" || key === "n" || (e.key === "Enter" && !first)) answer("keep");
    else if (e.key === "Escape") answer("edit");
  });

  function locationBody() {
    const text = location.value.trim();
    if (place && text === place.address) {
      if (place.kind === "intersection") return { intersection: place.address };
      if (place.kind === "coordinates" && place.lat !== null) return { lat: place.lat, lon: place.lon };
      return { address: place.address };
    }
    if (!text) return {};
    return INTERSECTION.test(text) ? { intersection: text } : { address: text };
  }

  // Completing a 9-1-1 line's call: what the call taker added or changed, and its type's priority
  // (the line's call carries the placeholder type's); its location only when it was changed.
  function completion() {
    const data = {
      source: source.value,
      narrative: narrative.value,
      caller: { name: callerName.value.trim(), phone: callerPhone.value.trim() },
    };
    if (callType || type.value.trim()) data.call_type = callType ? callType.code : type.value.trim().toUpperCase();
    const level = Number(priority.value) || callType?.default_priority;
    if (level) data.priority = level;
    const text = location.value.trim();
    if (text && text !== completing.address) data.location = locationBody();
    return data;
  }

  function body() {
    const data = {
      call_type: callType ? callType.code : type.value.trim().toUpperCase(),
      location: locationBody(),
      source: source.value,
      narrative: narrative.value,
      caller: { name: callerName.value.trim(), phone: callerPhone.value.trim() },
    };
    // Never later than the server's now: the stamp is taken on the server's clock, seconds ago.
    if (receivedAt !== null) data.received_at = new Date(Math.min(receivedAt, now())).toISOString();
    const level = Number(priority.value);
    if (level && (!callType || level !== callType.default_priority)) data.priority = level;
    return data;
  }

  // A type typed but not picked (Ctrl+Enter straight from the field): its exact code, else the
  // highlighted match; anything less certain is left for the server to refuse with its reason.
  function settleType() {
    if (callType) return;
    if (typeCombo.isOpen() && typeCombo.active >= 0 && !typeCombo.stale()) {
      typeCombo.pick(typeCombo.active);
      return;
    }
    const matches = matchCallTypes(refs.callTypes, type.value);
    if (matches.length && (matches.length === 1 || matches[0].code === type.value.trim().toUpperCase())) {
      pickType(matches[0]);
    }
  }

  function clearErrors() {
    for (const slot of ERROR_SLOTS) {
      const el = document.getElementById(`err-${slot}`);
      if (slot === "call_type" && callType) continue;
      el.classList.remove("hint");
      setText(el, "");
    }
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    setText(message, "");
  }

  function showErrors(err) {
    const fields = err.fields || {};
    const leftovers = [];
    let first = null;
    for (const [name, value] of Object.entries(fields)) {
      const slot = ERROR_SLOTS.includes(name) ? name : null;
      if (!slot) {
        if (name !== "detail") leftovers.push(`${name}: ${flatten(value)}`);
        continue;
      }
      const el = document.getElementById(`err-${slot}`);
      el.classList.remove("hint");
      setText(el, flatten(value));
      const input = { location, call_type: type, priority, source, caller: callerName, narrative }[slot];
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    }
    const text = fields.detail ? String(fields.detail) : leftovers.join(" · ");
    setText(message, text || (first ? "" : err.message));
    say("error", `Call not saved: ${err.message}`);
    (first || location).focus();
  }

  // Save, then (sendUnits) dispatch the recommendation to that call, by its id: never to whatever
  // call is selected by then.
  async function submit({ sendUnits = false, linkTo = null } = {}) {
    if (saving) return; // a second key must not make a second call
    clearErrors();
    saving = true;
    save.disabled = true;
    send.disabled = true;
    locationCombo.cancel();
    settleType();
    typeCombo.cancel();
    try {
      if (!(await locationSettled())) return;
      let call;
      try {
        call = completing ? await api("PATCH", `calls/${completing.id}/`, completion()) : await post("calls/", body());
      } catch (err) {
        showErrors(err);
        return;
      }
      reset();
      if (linkTo) {
        try {
          await post(`calls/${call.id}/link/`, { master: linkTo.number });
          say("ok", `Call ${call.number} saved and linked as a duplicate of ${shortNumber(linkTo.number)} (${linkTo.number}).`);
          onCreated({ id: linkTo.id });
        } catch (err) {
          say("error", `Call ${call.number} saved, but not linked to ${linkTo.number}: ${err.message}`);
          onCreated(call);
        }
        return;
      }
      const opened = onCreated(call);
      if (sendUnits) {
        const sent = await sendRecommended(call);
        // The dispatch answers with the call as it now stands: shown at once, not on the next event.
        if (sent && (await opened)) onSent(sent);
      } else {
        say("ok", `Call ${call.number} saved: ${call.call_type.code} at ${call.location.address}.`);
      }
    } finally {
      saving = false;
      save.disabled = false;
      send.disabled = false;
    }
  }

  async function sendRecommended(call) {
    const saved = `Call ${call.number} saved`;
    // Once more if another dispatcher took a unit between the recommendation and the dispatch.
    for (let attempt = 0; attempt < 2; attempt++) {
      let units;
      try {
        const recommendation = await get(`calls/${call.id}/recommendations/`);
        units = recommendation.units.map((u) => u.callsign);
        if (!units.length) {
          const why = recommendation.unfilled.map((u) => u.text).join("; ") || "no units recommended";
          say("error", `${saved}; nothing sent: ${why}.`);
          return null;
        }
        const answer = await post(`calls/${call.id}/dispatch/`, { units });
        say("ok", `${saved} and ${units.join(", ")} sent: ${call.call_type.code} at ${call.location.address}.`);
        return answer;
      } catch (err) {
        if (err.status !== 409 || attempt) {
          say("error", `${saved}, but no unit sent: ${err.message}`);
          return null;
        }
      }
    }
    return null;
  }

  // Call taking starts: the stamp the call will carry as received (shown until it is saved).
  function stamp() {
    receivedAt = now();
    setText(document.getElementById("entry-received-at"), clockText(new Date(receivedAt)));
    document.getElementById("entry-received-timer").dataset.since = receivedAt;
    received.hidden = false;
  }

  function empty() {
    return !completing && !location.value && !type.value && !callerName.value && !callerPhone.value && !narrative.value;
  }

  function reset() {
    form.reset();
    place = null;
    callType = null;
    checked = null;
    keptAsTyped = "";
    receivedAt = null;
    received.hidden = true;
    delete document.getElementById("entry-received-timer").dataset.since;
    type.title = "";
    answer?.("edit");
    completing = null;
    banner.hidden = true;
    banner.replaceChildren();
    showPlace();
    duplicates.clear();
    clearErrors();
    setText(document.getElementById("err-call_type"), "");
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  send.addEventListener("click", () => submit({ sendUnits: true }));
  form.addEventListener("keydown", (e) => {
    if (e.altKey && !e.ctrlKey && (e.code === "KeyP" || e.code === "KeyS")) {
      e.preventDefault();
      (e.code === "KeyP" ? priority : source).focus();
      return;
    }
    if (e.key !== "Enter" || e.defaultPrevented || e.target.closest("#entry-confirm")) return;
    if (e.ctrlKey || e.metaKey || e.altKey) {
      e.preventDefault();
      submit({ sendUnits: e.ctrlKey || e.metaKey });
      return;
    }
    // Enter in Location picks from its list or does nothing: it never saves a half-typed call.
    if (e.target === location) {
      e.preventDefault();
      return;
    }
    if (e.target !== narrative && e.target.matches("input, select")) {
      e.preventDefault();
      submit();
    }
  });
  // The first key typed into an empty form starts call taking, when F2 did not.
  form.addEventListener("keydown", (e) => {
    if (receivedAt === null && e.key.length === 1 && !e.ctrlKey && !e.altKey && !e.metaKey && empty()) stamp();
  }, true);
  document.getElementById("entry-clear").addEventListener("click", () => {
    reset();
    location.focus();
  });
  // Typing in a field that was refused clears its mark; the message stays until the next save.
  form.addEventListener("input", (e) => e.target.removeAttribute?.("aria-invalid"));
  form.addEventListener("change", (e) => e.target.removeAttribute?.("aria-invalid"));

  return {
    // Call entry filled from a 9-1-1 line: the pending call its ANI/ALI made (`call`, as the stream
    // gives it), its location when it has one, the callback number and the source; `line` is what
    // the banner says of the line. The type comes next, or the location when the line gave none.
    fill({ call, line }) {
      reset();
      completing = { id: call.id, number: call.number, address: call.location.address };
      const loc = call.location;
      if (loc.verified || loc.lat !== null) {
        location.value = loc.address;
        place = { kind: loc.verified ? "address" : "coordinates", address: loc.address, lat: loc.lat, lon: loc.lon,
          beat: loc.beat, verified: loc.verified, premise_flags: call.premise_flags, alarm_permit: null };
        showPlace();
      }
      callerPhone.value = call.caller.phone || "";
      source.value = call.source;
      receivedAt = Date.parse(call.received_at);
      setText(document.getElementById("entry-received-at"), clockText(new Date(receivedAt)));
      document.getElementById("entry-received-timer").dataset.since = receivedAt;
      received.hidden = false;
      setChildren(banner, h("strong", {}, `Completing ${call.number}`), ` from the 9-1-1 line: ${line}`);
      banner.title = `Saving changes ${call.number} (the line's call) rather than entering another; Clear lets it go.`;
      banner.hidden = false;
      (place ? type : location).focus();
    },
    completing: () => completing?.id ?? null,
    // F2 (or NEW): call taking starts now, unless a call is half typed already.
    focus() {
      answer?.("edit"); // F2 during the "did you mean" question: back to the location, not saved
      if (empty()) stamp();
      location.focus();
      location.select();
    },
  };
}

function renderPlace(p) {
  const flags = Array.isArray(p.premise_flags) && p.premise_flags.length
    ? h("span", { class: "opt-flags" }, `⚑ ${p.premise_flags.length} FLAG${p.premise_flags.length > 1 ? "S" : ""}`) : null;
  const suggestion = p.kind === "suggestion";
  return [
    suggestion ? h("span", { class: "opt-warn" }, "did you mean") : null,
    p.name ? h("span", { class: "opt-main" }, p.name) : null,
    h("span", { class: "opt-main" }, p.address),
    h("span", { class: "opt-meta" }, [suggestion ? null : p.kind, p.beat ? `beat ${p.beat}` : "no beat"].filter(Boolean).join(" · ")),
    // A suggestion is a real place of the street file, checked when picked; only typed words are unverified.
    p.verified ? h("span", { class: "opt-ok" }, "✓ verified") : suggestion ? null : h("span", { class: "opt-warn" }, "unverified"),
    flags,
    p.alarm_permit ? h("span", { class: "opt-meta" }, `alarm permit ${p.alarm_permit.standing || ""}`) : null,
    flagsBlock(p.premise_flags, { compact: true }),
  ];
}

// Code prefix first, then descriptions whose words start with every typed word, then substrings.
export function matchCallTypes(types, text) {
  const q = text.trim().toUpperCase();
  if (!q) return [];
  const words = q.split(/\s+/);
  const scored = [];
  for (const t of types) {
    const code = t.code.toUpperCase();
    const desc = t.description.toUpperCase();
    const descWords = desc.split(/[^A-Z0-9]+/).filter(Boolean);
    let score = null;
    if (code === q) score = 0;
    else if (code.startsWith(q)) score = 1;
    else if (words.every((w) => descWords.some((d) => d.startsWith(w)) || code.startsWith(w))) score = 2;
    else if (desc.includes(q) || code.includes(q)) score = 3;
    if (score !== null) scored.push([score, t]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].code.localeCompare(b[1].code));
  return scored.slice(0, 10).map(([, t]) => t);
}

function flatten(value) {
  if (Array.isArray(value)) return value.map(flatten).join(" ");
  if (value && typeof value === "object") {
    return Object.entries(value).map(([k, v]) => (k === "non_field_errors" ? flatten(v) : `${k}: ${flatten(v)}`)).join(" ");
  }
  return String(value ?? "");
}
