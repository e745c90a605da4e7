// The alert bar: what the server's clocks raised (calls past their goals, units overdue for an
// officer-safety check) and units' emergency buttons, on every console until acknowledged. New
// alerts sound; escalated ones sound louder and keep flashing; an emergency comes first and sounds
// again and again until a supervisor acknowledges it.

import { h, setChildren, syncList } from "../dom.js";
import { toMs } from "../timers.js";
import { beep, emergencySiren } from "../tone.js";
import { post } from "./api.js";

const KIND_LABEL = {
  dispatch_goal: "DISPATCH GOAL",
  response_goal: "RESPONSE GOAL",
  status_check: "STATUS CHECK",
  emergency: "EMERGENCY",
};

// The emergency first, then the escalated, then the oldest (the store's order).
const emergencyFirst = (alerts) => [...alerts.filter((a) => a.kind === "emergency"), ...alerts.filter((a) => a.kind !== "emergency")];

export function setupAlerts({ store, say, onOpenCall }) {
  const bar = document.getElementById("alert-bar");
  const list = document.getElementById("alert-list");
  const count = document.getElementById("alert-count");
  const heard = new Map(); // alert id → escalated when last sounded
  let primed = false;
  const siren = emergencySiren(() => store.openAlerts().some((a) => a.kind === "emergency"));

  function render() {
    const alerts = emergencyFirst(store.openAlerts());
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
      const emergency = alert.kind === "emergency";
      setChildren(row,
        h("span", { class: "alert-kind" },
          alert.escalated && !emergency ? `${KIND_LABEL[alert.kind]} · ESCALATED` : KIND_LABEL[alert.kind]),
        h("span", { class: "alert-text" }, alert.text),
        h("span", { class: "alert-age", "data-since": toMs(alert.raised_at) ?? "" }, "—"),
        alert.call ? h("button", { type: "button", class: "quiet", onclick: () => onOpenCall(alert.call) },
          `Open ${alert.call_number}`) : null,
        alert.kind === "status_check" && alert.unit
          ? h("button", { type: "button", class: "ok", onclick: () => check(alert.unit) }, `${alert.unit} OK (CHK)`)
          : null,
        h("button", { type: "button", onclick: () => acknowledge(alert.id) },
          emergency ? "Acknowledge (supervisor)" : "Acknowledge (ACK)"),
      );
      return row;
    });
    sound(alerts);
    siren(); // an emergency still open sounds on a console opened since, too
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
    // ACK alone answers the most urgent alert but an emergency (a supervisor acknowledges that one
    // deliberately: its button, or ACK and its number); ACK 12 that one.
    async acknowledge(id = null) {
      if (id !== null) return acknowledge(id);
      const open = store.openAlerts();
      const alerts = open.filter((a) => a.kind !== "emergency");
      if (!alerts.length) {
        const emergency = open.find((a) => a.kind === "emergency");
        return emergency
          ? say("info", `ACK: only the emergency is open; a supervisor acknowledges it with its button or ACK ${emergency.id}.`)
          : say("info", "ACK: no open alerts.");
      }
      return acknowledge(alerts[0].id);
    },
    async emergency(callsign) {
      try {
        const alert = await post("alerts/emergency/", { unit: callsign });
        say("error", `EMERGENCY ${alert.unit}: on every console and the board until a supervisor acknowledges it.`);
      } catch (err) {
        say("error", `EMER ${callsign}: ${err.message}`);
      }
    },
  };
}
