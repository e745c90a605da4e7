// The 9-1-1 line: the newest line's ANI/ALI (callback number, class of service, where the caller
// is and how well that is known), live from the stream (ali.received, ali.rebid); F6 or ALI fills
// call entry from it, and saving completes the pending call the line made.

import { h, setChildren } from "../dom.js";
import { formatDuration, now, toMs } from "../timers.js";
import { get } from "./api.js";

const RECENT_SHOWN = 4;

// "8165550100" → "816-555-0100"; other lengths as sent.
export function phoneText(ani) {
  const digits = String(ani || "");
  const m = /^(?:\+?1)?(\d{3})(\d{3})(\d{4})$/.exec(digits);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : digits;
}

function point(record) {
  if (record.lat === null || record.lon === null) return null;
  let text = `${record.lat.toFixed(6)}, ${record.lon.toFixed(6)}`;
  if (record.uncertainty_m !== null) text += ` ±${Math.round(record.uncertainty_m)} m`;
  if (record.confidence !== null) text += ` · ${record.confidence}% confidence`;
  return text;
}

// How far the location can be trusted, in the words a call taker acts on.
export function locationKind(record) {
  const phase = record.wireless_phase;
  if (phase === 2) return { level: record.uncertainty_m !== null && record.uncertainty_m > 100 ? "coarse" : "good",
    text: "PHASE II · HANDSET LOCATION" };
  if (phase === 1) return { level: "coarse", text: "PHASE I · TOWER AND SECTOR ONLY, NO HANDSET FIX: ASK WHERE" };
  if (phase === 0) return { level: "none", text: "WIRELESS · NO LOCATION: ASK WHERE" };
  if (record.class_of_service === "TEXT") return { level: record.lat !== null ? "coarse" : "none", text: "TEXT TO 9-1-1" };
  if (record.class_of_service === "VNOM") return { level: "coarse", text: "NOMADIC VOIP · REGISTERED ADDRESS: CONFIRM IT" };
  return { level: record.address ? "good" : "none", text: record.address ? "CIVIC ADDRESS" : "NO ADDRESS: ASK WHERE" };
}

// One line of words for the entry banner and messages.
export function lineText(record) {
  return `${phoneText(record.ani)} ${record.class_of_service}${record.rebids ? `, rebid ${record.rebids}` : ""}`;
}

export function setupAli({ store, entry, say }) {
  const current = document.getElementById("ali-current");
  const recent = document.getElementById("ali-recent");
  const lines = new Map(); // line id → the line's newest record
  let picked = null; // a line the dispatcher chose from the earlier ones; else the newest is shown

  function keep(record) {
    if (!record || record.abandoned) return; // hang-ups go to the callback queue, not to this panel
    const held = lines.get(record.line);
    if (!held || toMs(record.received_at) >= toMs(held.received_at)) lines.set(record.line, record);
  }

  // Newest ring first: a rebid refreshes its line without making it the newest.
  function ordered() {
    return [...lines.values()].sort((a, b) => (toMs(b.rang_at) - toMs(a.rang_at)) || b.line - a.line);
  }

  function shown() {
    return (picked !== null && lines.get(picked)) || ordered()[0] || null;
  }

  store.subscribe((change) => {
    if (change.kind === "snapshot") {
      lines.clear();
      for (const record of change.data?.ali || []) keep(record);
      render();
    } else if (change.kind === "other" && (change.event === "ali.received" || change.event === "ali.rebid")) {
      keep(change.data);
      if (change.event === "ali.received" && !change.data.abandoned) picked = null; // a new line rings
      render();
    } else if (change.kind === "call" && [...lines.values()].some((r) => r.call?.id === change.call.id)) {
      render(); // the line's call was typed, sent or closed
    }
  });

  function render() {
    const record = shown();
    if (!record) {
      setChildren(current, h("p", { class: "empty" }, "No 9-1-1 line in the last hour."));
      recent.replaceChildren();
      return;
    }
    const kind = locationKind(record);
    const call = record.call ? store.calls.get(record.call.id) : null;
    const where = call?.location.address || record.address || point(record) || "NO LOCATION GIVEN";
    const pointText = point(record);
    setChildren(current, h("article", {
      class: "ali-line", id: "ali-line", "data-line": record.line, "data-quality": kind.level,
      "data-phase": record.wireless_phase ?? "",
    },
    h("div", { class: "ali-top" },
      h("span", { class: "ali-ani", title: "Callback number (ANI)" }, phoneText(record.ani)),
      h("span", { class: "ali-cos", title: record.class_of_service_name }, record.class_of_service),
      record.position ? h("span", { class: "ali-pos", title: "Position" }, record.position) : null,
      h("span", { class: "ali-age timer", "data-since": toMs(record.rang_at) ?? "", title: "Since the line rang" },
        formatDuration((now() - toMs(record.rang_at)) / 1000))),
    h("div", { class: "ali-where" }, where),
    h("div", { class: "ali-quality" }, kind.text,
      pointText && where !== pointText ? h("span", { class: "ali-point" }, ` · ${pointText}`) : null,
      record.rebids ? h("span", { class: "ali-rebid" }, ` · REBID ${record.rebids}`) : null),
    record.address && kind.level !== "good" && where !== record.address
      ? h("div", { class: "ali-sent muted" }, `ALI address: ${record.address}`) : null,
    h("div", { class: "ali-call" }, callWords(record, call),
      record.call && call ? h("button", { type: "button", id: "ali-take", onclick: () => take(),
        title: "Call entry filled from this line: saving completes its call" },
      "Take ", h("span", { class: "muted-on-accent" }, "F6")) : null)));
    const others = ordered().filter((r) => r.line !== record.line).slice(0, RECENT_SHOWN);
    setChildren(recent, others.map((r) => h("li", {},
      h("button", { type: "button", class: "quiet", "data-line": r.line, onclick: () => { picked = r.line; render(); } },
        `${phoneText(r.ani)} ${r.class_of_service}`,
        h("span", { class: "muted" }, ` ${Math.round((now() - toMs(r.rang_at)) / 60000)} min ago`,
          r.call ? ` · ${r.call.number}` : "")))));
  }

  function callWords(record, call) {
    if (!record.call) return "no call";
    if (!call) return `${record.call.number} · closed or no longer open`;
    return [h("strong", {}, record.call.number), ` ${call.call_type.code} · ${call.status}`];
  }

  // F6, ALI, or the button: call entry filled from the line shown.
  async function take() {
    const record = shown();
    if (!record) return say("info", "F6: no 9-1-1 line in the last hour.");
    let call = store.calls.get(record.call?.id);
    if (!call) return say("error", `F6: the call of ${phoneText(record.ani)} is closed; nothing to complete.`);
    try {
      call = await get(`calls/${call.id}/`); // as it stands now, with its flags
    } catch {
      // The stream's copy is current enough to start typing; saving checks again.
    }
    entry.fill({ call, line: lineText(record) });
    say("info", `Call entry from the 9-1-1 line ${lineText(record)} (${call.number}): type the nature.`);
    return null;
  }

  // An emergency found by calling back an abandoned call: entry completes the call it opened.
  async function takeCall(callId, line) {
    try {
      entry.fill({ call: await get(`calls/${callId}/`), line });
    } catch (err) {
      say("error", `The call was opened, but cannot be read to fill call entry: ${err.message}`);
    }
  }

  render();
  return {
    take,
    takeCall,
    commands: [{
      verbs: ["ALI"], usage: ["ALI"], help: "Call entry filled from the 9-1-1 line shown (ANI/ALI), as F6",
      run: () => take(),
    }],
  };
}
