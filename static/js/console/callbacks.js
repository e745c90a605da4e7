// The callback queue: abandoned 9-1-1 calls and hang-ups, oldest first, each with how long it has
// waited (amber past 2 minutes, red past 5), live from the stream (callback.*). One dispatcher at a
// time holds an entry (Claim, or CB); it ends with an outcome, and an emergency opens a call that
// call entry then completes.

import { h, setChildren, setText, syncList } from "../dom.js";
import { now, toMs } from "../timers.js";
import { post } from "./api.js";
import { lineText, locationKind, phoneText } from "./ali.js";
import { listNav, preserveFocus } from "./listnav.js";

export const WARN_SECONDS = 120;
export const OVER_SECONDS = 300;
const OUTCOMES = [
  { code: "NA", outcome: "no_answer", label: "No answer" },
  { code: "PD", outcome: "pocket_dial", label: "Pocket dial" },
  { code: "EM", outcome: "emergency", label: "Emergency" },
  { code: "OK", outcome: "resolved", label: "Resolved" },
];

export function waitLevel(seconds) {
  if (seconds > OVER_SECONDS) return "over";
  if (seconds > WARN_SECONDS) return "warn";
  return "ok";
}

export function setupCallbacks({ store, say, me, onEmergency }) {
  const list = document.getElementById("callback-queue");
  const entries = new Map();
  const nav = listNav(list, { onActivate: (row) => activate(Number(row.dataset.callbackId)) });

  store.subscribe((change) => {
    if (change.kind === "snapshot") {
      entries.clear();
      for (const entry of change.data?.callbacks || []) entries.set(entry.id, entry);
      render();
    } else if (change.kind === "other" && change.event?.startsWith("callback.")) {
      put(change.data);
      render();
    }
  });

  function put(entry) {
    if (!entry || entry.id === undefined) return;
    if (entry.done_at) entries.delete(entry.id);
    else entries.set(entry.id, entry);
  }

  const waiting = () => [...entries.values()].sort((a, b) => (toMs(a.queued_at) - toMs(b.queued_at)) || a.id - b.id);
  const mine = () => waiting().filter((e) => e.claimed_by === me);

  function render() {
    const shown = waiting();
    preserveFocus(list, () => syncList(list, shown, (e) => e.id, row));
    setText(document.getElementById("callbacks-count"), shown.length);
    document.getElementById("callbacks-empty").hidden = shown.length > 0;
    levels();
  }

  // Rebuilt only when the entry itself changed, so a note being typed survives other updates.
  function row(entry, el) {
    const version = `${entry.claimed_by}|${entry.attempts}|${entry.ali?.id}`;
    if (el && el.dataset.version === version) return el;
    const li = el || h("li", { role: "option", class: "row cb-row", tabindex: "-1" });
    li.dataset.version = version;
    li.dataset.callbackId = entry.id;
    li.dataset.ani = entry.ani;
    li.dataset.holder = entry.claimed_by === me ? "me" : entry.claimed_by ? "other" : "none";
    const ali = entry.ali;
    const where = ali ? ali.address || (ali.lat !== null ? `${ali.lat.toFixed(5)}, ${ali.lon.toFixed(5)}` : "no location") : "";
    const unc = ali?.uncertainty_m !== null && ali?.uncertainty_m !== undefined ? ` ±${Math.round(ali.uncertainty_m)} m` : "";
    li.setAttribute("aria-label", `Callback ${entry.id}: ${phoneText(entry.ani)}, ${entry.attempts} attempt(s)`
      + `${entry.claimed_by ? `, held by ${entry.claimed_by}` : ""}`);
    setChildren(li,
      h("span", { class: "cb-id" }, `#${entry.id}`),
      h("span", { class: "cb-ani" }, phoneText(entry.ani),
        entry.attempts > 1 ? h("span", { class: "cb-attempts", title: "Abandoned calls from this number" }, ` ×${entry.attempts}`) : null),
      h("span", { class: "cb-where", title: ali ? locationKind(ali).text : "" },
        ali ? `${ali.class_of_service} · ${where}${unc}` : ""),
      h("span", { class: "cb-who" }, entry.claimed_by === me ? "YOU" : entry.claimed_by ? `${entry.claimed_by} calling` : ""),
      h("span", { class: "cb-wait timer num", "data-since": toMs(entry.queued_at) ?? "", title: "Waiting since the line rang" }),
      actions(entry));
    return li;
  }

  function actions(entry) {
    if (entry.claimed_by && entry.claimed_by !== me) return h("span", { class: "cb-actions" });
    if (!entry.claimed_by) {
      return h("span", { class: "cb-actions" },
        h("button", { type: "button", class: "cb-claim", onclick: () => claim(entry.id) }, "Claim"));
    }
    const note = h("input", { type: "text", class: "cb-note", maxlength: "2000", placeholder: "note",
      "aria-label": `Note on the callback to ${phoneText(entry.ani)}` });
    return h("span", { class: "cb-actions" }, note,
      OUTCOMES.map((o) => h("button", {
        type: "button", class: o.outcome === "emergency" ? "danger" : "quiet", "data-outcome": o.outcome,
        title: `CB ${o.code}`, onclick: () => outcome(entry.id, o.outcome, note.value),
      }, o.label)),
      h("button", { type: "button", class: "quiet cb-release", onclick: () => release(entry.id) }, "Release"));
  }

  // Waits cross 2 and 5 minutes with no event: the colours follow the clock.
  function levels() {
    const t = now();
    for (const el of list.querySelectorAll(".cb-wait")) {
      const level = waitLevel((t - Number(el.dataset.since)) / 1000);
      if (el.dataset.level !== level) el.dataset.level = level;
    }
  }
  setInterval(levels, 1000);

  function focusRow(id, selector) {
    requestAnimationFrame(() => list.querySelector(`[data-callback-id="${id}"] ${selector}`)?.focus());
  }

  // Claimed from the list, the note takes the keyboard; from the command line, the line keeps it.
  async function claim(id, { toNote = true } = {}) {
    try {
      const entry = await post(`callbacks/${id}/claim/`);
      put(entry);
      render();
      say("ok", `You hold the callback to ${phoneText(entry.ani)} (#${id}): call it back, then give the outcome.`);
      if (toNote) focusRow(id, ".cb-note");
    } catch (err) {
      say("error", `Callback #${id}: ${err.message}`);
    }
  }

  async function release(id) {
    try {
      put(await post(`callbacks/${id}/release/`));
      render();
      say("info", `Callback #${id} is back in the queue for anyone.`);
    } catch (err) {
      say("error", `Callback #${id}: ${err.message}`);
    }
  }

  async function outcome(id, code, note = "") {
    let entry;
    try {
      entry = await post(`callbacks/${id}/outcome/`, { outcome: code, note: note.trim() });
    } catch (err) {
      return say("error", `Callback #${id}: ${err.message}`);
    }
    put(entry);
    render();
    if (entry.call) {
      say("warn", `Emergency: ${entry.call.number} opened for ${phoneText(entry.ani)}; call entry completes it.`);
      onEmergency(entry.call.id, `callback of ${entry.ali ? lineText(entry.ali) : phoneText(entry.ani)}`);
    } else {
      say("ok", `Callback to ${phoneText(entry.ani)}: ${entry.outcome_name.toLowerCase()}.`);
    }
    return null;
  }

  function activate(id) {
    const entry = entries.get(id);
    if (!entry) return;
    if (!entry.claimed_by) claim(id);
    else if (entry.claimed_by === me) focusRow(id, ".cb-note");
    else say("info", `${entry.claimed_by} is calling ${phoneText(entry.ani)} back.`);
  }

  // CB, CB 12: claim the oldest nobody holds, or #12. CB NA|PD|EM|OK note…: the outcome of the one
  // you hold. CB REL: let it go.
  const held = (word) => {
    const [first] = mine();
    if (!first) say("error", `${word}: you hold no callback; CB claims the oldest waiting.`);
    return first;
  };
  const commands = [
    {
      verbs: ["CB"], usage: ["CB", "CB 12"], help: "Claim the oldest waiting callback (abandoned 9-1-1 call), or callback 12",
      match: (word, rest) => word === "CB" && (!rest.length || (rest.length === 1 && /^#?\d+$/.test(rest[0]))),
      run({ rest }) {
        if (rest.length) return claim(Number(rest[0].replace("#", "")), { toNote: false });
        const free = waiting().find((e) => !e.claimed_by);
        if (!free) return say("info", "CB: no callback is waiting for someone to take it.");
        return claim(free.id, { toNote: false });
      },
    },
    {
      verbs: ["CB"], usage: ["CB NA note…", "CB PD", "CB EM", "CB OK"],
      help: "Outcome of the callback you hold: no answer, pocket dial, emergency (opens a call), resolved",
      match: (word, rest) => word === "CB" && OUTCOMES.some((o) => o.code === rest[0]?.toUpperCase()),
      run({ rest, word }) {
        const entry = held(word);
        if (!entry) return null;
        const chosen = OUTCOMES.find((o) => o.code === rest[0].toUpperCase());
        return outcome(entry.id, chosen.outcome, rest.slice(1).join(" "));
      },
    },
    {
      verbs: ["CB"], usage: ["CB REL"], help: "Release the callback you hold back to the queue",
      match: (word, rest) => word === "CB" && rest.length === 1 && rest[0].toUpperCase() === "REL",
      run({ word }) {
        const entry = held(word);
        return entry ? release(entry.id) : null;
      },
    },
  ];

  render();
  return { render, focus: nav.focus, commands };
}
