// Messages to units in the field, and from them: MSG 1A12 text (one unit; about the selected call
// when the unit is on it), MSGB 2 text (every working unit of beat 2), MSGA CPD text (of an
// agency). A unit's message to the consoles sounds, shows in the command line's answer and opens
// the messages panel, which keeps the last twenty both ways. Text only, never markup.

import { h, setChildren } from "../dom.js";
import { beep } from "../tone.js";
import { post } from "./api.js";

const KEPT = 20;

export function setupMessages({ store, say, detail }) {
  const recent = [];
  let panel = null;

  function show() {
    if (!panel) {
      panel = h("section", { id: "message-panel", class: "message-panel", "aria-labelledby": "message-title" });
      document.body.append(panel);
    }
    const close = h("button", { type: "button", class: "quiet", onclick: () => { panel.hidden = true; } }, "Close");
    setChildren(panel,
      h("h2", { id: "message-title", class: "panel-title" }, "Messages ", close),
      h("ol", { id: "message-list" }, recent.map((m) => h("li", {
        "data-from": m.from_unit ? "unit" : "console", "data-message-id": String(m.id) },
      h("span", { class: "msg-time" }, new Date(m.sent_at).toLocaleTimeString([], { hour12: false })),
      h("strong", { class: "msg-who" }, m.from_unit ? `${m.from_unit} →` : `→ ${m.units.join(" ") || m.to}`),
      m.call_number ? h("span", { class: "msg-call" }, m.call_number) : null,
      h("span", { class: "msg-text" }, m.text)))));
    panel.hidden = false;
  }

  function keep(message) {
    if (recent.some((m) => m.id === message.id)) return;
    recent.unshift(message);
    recent.length = Math.min(recent.length, KEPT);
  }

  store.subscribe((change) => {
    if (change.kind !== "other" || change.event !== "message.sent") return;
    const message = change.data;
    keep(message);
    if (message.from_unit) {
      say("warn", `MSG ${message.from_unit}${message.call_number ? ` (${message.call_number})` : ""}: ${message.text}`);
      beep(1);
      show();
    } else if (panel && !panel.hidden) {
      show();
    }
  });

  // The text as typed (the command line upper-cases only the words it reads as codes).
  const sending = (toKind, example) => async ({ word, text, verb }) => {
    const rest = text.slice(verb.length).trim();
    const to = rest.split(/\s+/)[0] || "";
    const body = rest.slice(to.length).trim();
    if (!to || !body) return say("error", `${word}: give ${example}.`);
    const call = detail.selected();
    const about = toKind === "unit" && call && (call.units || []).some((u) => (u.callsign || u) === to.toUpperCase());
    try {
      const message = await post("messages/", {
        to_kind: toKind, to: to.toUpperCase(), text: body, ...(about ? { call: call.id } : {}) });
      keep(message);
      return say("ok", `Sent to ${message.units.join(" ")}${about ? ` (on ${call.number}'s chronology)` : ""}.`);
    } catch (err) {
      return say("error", `${word}: ${err.message}`);
    }
  };

  return {
    commands: [
      { verbs: ["MSG"], usage: ["MSG 1A12 text…"], help: "Message to a unit (logged on the selected call when the unit is on it)",
        run: sending("unit", "the unit and the text, e.g. MSG 1A12 call the RP at 816-555-0100") },
      { verbs: ["MSGB"], usage: ["MSGB 2 text…"], help: "Message to every working unit of a beat",
        run: sending("beat", "the beat and the text, e.g. MSGB 2 road closed at 5th and Main") },
      { verbs: ["MSGA"], usage: ["MSGA CPD text…"], help: "Message to every working unit of an agency",
        run: sending("agency", "the agency and the text, e.g. MSGA CPD shift briefing at 0700") },
      { verbs: ["MSGS"], usage: ["MSGS"], help: "Show the last messages, to and from units",
        run: () => show() },
    ],
  };
}
