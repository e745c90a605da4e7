// The emergency button: held for HOLD_MS (a tap never sends it; a long press always does), it sends
// the unit's emergency with where the device is, when the device says so quickly, else the unit's
// last known location. The alert it raises comes back on the stream and stays on this terminal, as
// on every console and the board, until a supervisor acknowledges it. When the server cannot be
// reached (or does not answer within ANSWER_MS), the press is kept with the other waiting changes,
// ahead of them, and sent when the link returns: its client id makes it raised once however often
// it is sent.

import { post } from "../console/api.js";
import { clientId } from "./queue.js";

export const HOLD_MS = 1500;
const ANSWER_MS = 5000; // a request still unanswered then is as good as lost: keep it to send again
const WHERE_MS = 1500; // how long to wait for the device's position before sending without it

// Where the device is ({lat, lon}), or {} when it cannot say within WHERE_MS.
export function here() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve({});
    const done = (where) => { clearTimeout(timer); resolve(where); };
    const timer = setTimeout(() => resolve({}), WHERE_MS);
    navigator.geolocation.getCurrentPosition(
      (p) => done({ lat: p.coords.latitude, lon: p.coords.longitude }),
      () => done({}),
      { enableHighAccuracy: true, timeout: WHERE_MS, maximumAge: 30_000 });
  });
}

export function setupEmergency(button, { say, keep }) {
  let timer = null;
  let before = "";
  const label = button.querySelector(".hold-label");

  function show(state, text) {
    button.dataset.state = state;
    label.textContent = text;
  }

  function sent(alert) {
    show("sent", "EMERGENCY SENT");
    say(`Emergency sent: ${alert.text}. It stays on every console until a supervisor acknowledges it.`, "error");
  }

  function queued() {
    show("queued", "EMERGENCY QUEUED — NO LINK, USE THE RADIO");
    say("EMERGENCY QUEUED — NO LINK, USE THE RADIO. It is sent the moment the link returns.", "error");
  }

  function refused(err) {
    show("", "Hold for EMERGENCY");
    say(`Emergency NOT sent: ${err.message}. Use the radio.`, "error");
  }

  async function send() {
    show("sending", "Sending EMERGENCY…");
    const pressed = { client_id: clientId(), device_at: new Date().toISOString() };
    const body = { ...(await here()), ...pressed };
    let kept = false;
    const lost = () => {
      if (kept) return;
      kept = true;
      keep(body);
      queued();
    };
    const waited = setTimeout(lost, ANSWER_MS);
    try {
      sent(await post("terminal/emergency/", body));
    } catch (err) {
      if (!err.status) lost();
      else if (!kept) refused(err);
    } finally {
      clearTimeout(waited);
    }
  }

  function start(event) {
    if (event.type === "keydown" && (event.repeat || (event.key !== "Enter" && event.key !== " "))) return;
    event.preventDefault();
    if (timer !== null || button.dataset.state === "sending") return;
    before = button.dataset.state || "";
    button.dataset.state = "holding";
    timer = setTimeout(() => { timer = null; send(); }, HOLD_MS);
  }

  function stop() {
    if (timer === null) return;
    clearTimeout(timer);
    timer = null;
    button.dataset.state = before; // a brush leaves it as it was: sent, or queued
  }

  button.addEventListener("pointerdown", start);
  button.addEventListener("keydown", start);
  for (const type of ["pointerup", "pointerleave", "pointercancel", "keyup", "blur"]) button.addEventListener(type, stop);
  button.addEventListener("contextmenu", (e) => e.preventDefault()); // a long press on a phone
  return { sent, queued, refused };
}
