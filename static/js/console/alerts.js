// The alert bar: what the server's clocks raised (calls past their goals, units overdue for an
// officer-safety check), on every console until someone acknowledges it. New alerts sound;
// escalated ones sound louder and keep flashing.

import { h, setChildren, syncList } from "../dom.js";
import { toMs } from "../timers.js";
import { post } from "./api.js";

const KIND_LABEL = {
  dispatch_goal: "DISPATCH GOAL",
  response_goal: "RESPONSE GOAL",
  status_check: "STATUS CHECK",
};

export function setupAlerts({ store, say, onOpenCall }) {
  const bar = document.getElementById("alert-bar");
  const list = document.getElementById("alert-list");
  const count = document.getElementById("alert-count");
  const heard = new Map(); // alert id → escalated when last sounded
  let primed = false;

  function render() {
    const alerts = store.openAlerts();
    bar.hidden = alerts.length === 0;
    count.textContent = String(alerts.length);
    syncList(list, alerts, (a) => a.id, (alert, el) => {
      // Rebuilt only when the alert itself changed: a focused button must survive the many
      // updates that have nothing to do with it.
      const version = `${alert.escalated}|${alert.text}`;
      if (el && el.dataset.version === version) return el;
      const row = el || h("li", { class: "alert" });
      row.dataset.version = version;
      row.dataset.alertId = alert.id;
      row.dataset.kind = alert.kind;
      row.dataset.escalated = alert.escalated ? "yes" : "no";
      // Built with h(): a button an alert does not have is left out, never drawn as the text "null".
      setChildren(row,
        h("span", { class: "alert-kind" }, alert.escalated ? `${KIND_LABEL[alert.kind]} · ESCALATED` : KIND_LABEL[alert.kind]),
        h("span", { class: "alert-text" }, alert.text),
        h("span", { class: "alert-age", "data-since": toMs(alert.raised_at) ?? "" }, "—"),
        alert.call ? h("button", { type: "button", class: "quiet", onclick: () => onOpenCall(alert.call) },
          `Open ${alert.call_number}`) : null,
        alert.kind === "status_check" && alert.unit
          ? h("button", { type: "button", class: "ok", onclick: () => check(alert.unit) }, `${alert.unit} OK (CHK)`)
          : null,
        h("button", { type: "button", onclick: () => acknowledge(alert.id) }, "Acknowledge (ACK)"),
      );
      return row;
    });
    sound(alerts);
  }

  // A short tone for a new alert, three loud ones for an escalation; the first render after a
  // (re)connect is quiet for what was already there.
  function sound(alerts) {
    let level = 0;
    const current = new Set();
    for (const alert of alerts) {
      current.add(alert.id);
      const before = heard.get(alert.id);
      if (before === undefined) level = Math.max(level, alert.escalated ? 2 : 1);
      else if (alert.escalated && !before) level = 2;
      heard.set(alert.id, alert.escalated);
    }
    for (const id of [...heard.keys()]) if (!current.has(id)) heard.delete(id);
    if (level && primed) beep(level);
    primed = store.ready; // what was open when the page (re)loaded does not sound
  }

  async function acknowledge(id) {
    try {
      await post(`alerts/${id}/acknowledge/`);
      say("ok", `Alert ${id} acknowledged.`);
    } catch (err) {
      say("error", `ACK: ${err.message}`);
    }
  }

  async function check(callsign) {
    try {
      await post(`units/${encodeURIComponent(callsign)}/check/`);
      say("ok", `${callsign} checked: OK.`);
    } catch (err) {
      say("error", `CHK ${callsign}: ${err.message}`);
    }
  }

  return {
    render,
    check,
    // ACK alone answers the most urgent alert; ACK 12 that one.
    async acknowledge(id = null) {
      const alerts = store.openAlerts();
      if (!alerts.length) return say("info", "ACK: no open alerts.");
      return acknowledge(id ?? alerts[0].id);
    },
  };
}

let audio = null;

function beep(level) {
  try {
    audio = audio || new AudioContext();
    const times = level > 1 ? 3 : 1;
    for (let i = 0; i < times; i++) {
      const start = audio.currentTime + i * 0.35;
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = level > 1 ? 1200 : 880;
      gain.gain.value = level > 1 ? 0.5 : 0.15;
      tone.connect(gain).connect(audio.destination);
      tone.start(start);
      tone.stop(start + 0.2);
    }
  } catch {
    // No sound device (or not allowed yet): the bar still shows and flashes.
  }
}
