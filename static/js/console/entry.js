// Call entry: location and call type with type-ahead, priority, caller, narrative; Enter saves.

import { h, setChildren, setText } from "../dom.js";
import { get, post } from "./api.js";
import { Combo } from "./typeahead.js";
import { flagsBlock, permitBlock } from "./flags.js";
import { setupEntryDuplicates, shortNumber } from "./duplicates.js";

const INTERSECTION = / \/ | & | AND /i;
const ERROR_SLOTS = ["location", "call_type", "priority", "source", "caller", "narrative"];

export function setupEntry({ refs, onCreated, say }) {
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
  let place = null;
  let callType = null;
  let saving = false;
  // Once a location and a type are picked, open calls nearby are offered as likely duplicates.
  const duplicates = setupEntryDuplicates({
    form, save, box: document.getElementById("entry-duplicates"),
    query: () => (place && callType && place.lat !== null && place.lon !== null
      ? { lat: place.lat, lon: place.lon, call_type: callType.code } : null),
    onLink: (number, id) => submit({ linkTo: { number, id } }),
  });

  setChildren(priority,
    h("option", { value: "" }, "Default"),
    refs.priorities.map((p) => h("option", { value: p.level, title: p.name }, `P${p.level} ${p.name.split(":")[0]}`)));

  const locationCombo = new Combo(location, document.getElementById("location-options"), {
    minChars: 2, delay: 150,
    search: (q) => get(`addresses/?q=${encodeURIComponent(q)}&limit=8`),
    render: renderPlace,
    onPick: (item) => {
      place = item;
      location.value = item.address;
      showPlace();
    },
  });
  location.addEventListener("input", () => {
    if (place && location.value !== place.address) {
      place = null;
      showPlace();
    }
  });

  const typeCombo = new Combo(type, document.getElementById("type-options"), {
    minChars: 1, autoSelect: true,
    settled: () => Boolean(callType) && type.value.trim().toUpperCase() === callType.code,
    search: (q) => matchCallTypes(refs.callTypes, q),
    render: (t) => [h("span", { class: "opt-main" }, t.code), " ", h("span", { class: "opt-desc" }, t.description),
      h("span", { class: "opt-meta" }, `P${t.default_priority}`)],
    onPick: pickType,
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

  function showPlace() {
    duplicates.check();
    picked.replaceChildren();
    if (!place) return;
    picked.append(h("div", { class: place.verified ? "place ok" : "place unverified" },
      place.verified ? "✓ " : "⚠ ", place.name ? `${place.name}, ` : "", place.address, ` · ${place.kind}`,
      place.beat ? ` · beat ${place.beat}` : " · no beat", place.verified ? "" : " · UNVERIFIED"));
    const flags = flagsBlock(place.premise_flags);
    if (flags) picked.append(flags);
    const permit = permitBlock(place.alarm_permit);
    if (permit) picked.append(permit);
  }

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

  function body() {
    const data = {
      call_type: callType ? callType.code : type.value.trim().toUpperCase(),
      location: locationBody(),
      source: source.value,
      narrative: narrative.value,
      caller: { name: callerName.value.trim(), phone: callerPhone.value.trim() },
    };
    const level = Number(priority.value);
    if (level && (!callType || level !== callType.default_priority)) data.priority = level;
    return data;
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

  async function submit({ linkTo = null } = {}) {
    if (saving) return; // a second Enter must not make a second call
    clearErrors();
    saving = true;
    save.disabled = true;
    locationCombo.cancel();
    typeCombo.cancel();
    try {
      const call = await post("calls/", body());
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
      say("ok", `Call ${call.number} saved: ${call.call_type.code} at ${call.location.address}.`);
      onCreated(call);
    } catch (err) {
      showErrors(err);
    } finally {
      saving = false;
      save.disabled = false;
    }
  }

  function reset() {
    form.reset();
    place = null;
    callType = null;
    type.title = "";
    showPlace();
    duplicates.clear();
    clearErrors();
    setText(document.getElementById("err-call_type"), "");
    location.focus();
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  form.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || e.defaultPrevented) return;
    if (e.target === narrative) {
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        submit();
      }
      return;
    }
    if (e.target.matches("input, select")) {
      e.preventDefault();
      submit();
    }
  });
  document.getElementById("entry-clear").addEventListener("click", reset);
  // Typing in a field that was refused clears its mark; the message stays until the next save.
  form.addEventListener("input", (e) => e.target.removeAttribute?.("aria-invalid"));
  form.addEventListener("change", (e) => e.target.removeAttribute?.("aria-invalid"));

  return {
    focus() {
      location.focus();
      location.select();
    },
  };
}

function renderPlace(p) {
  const flags = Array.isArray(p.premise_flags) && p.premise_flags.length
    ? h("span", { class: "opt-flags" }, `⚑ ${p.premise_flags.length} FLAG${p.premise_flags.length > 1 ? "S" : ""}`) : null;
  return [
    p.kind === "suggestion" ? h("span", { class: "opt-warn" }, "did you mean") : null,
    p.name ? h("span", { class: "opt-main" }, p.name) : null,
    h("span", { class: "opt-main" }, p.address),
    h("span", { class: "opt-meta" }, [p.kind, p.beat ? `beat ${p.beat}` : "no beat"].join(" · ")),
    p.verified ? h("span", { class: "opt-ok" }, "✓ verified") : h("span", { class: "opt-warn" }, "unverified"),
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
