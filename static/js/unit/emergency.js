// The emergency button: held for HOLD_MS (a tap never sends it; a long press always does), it sends
// the unit's emergency with where the device is, when the device says so quickly, else the unit's
// last known location. The alert it raises comes back on the stream and stays on this terminal, as
// on every console and the board, until a supervisor acknowledges it.

import { post } from "../console/api.js";

export const HOLD_MS = 1500;
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

export function setupEmergency(button, { say }) {
  let timer = null;
  const label = button.querySelector(".hold-label");

  async function send() {
    button.dataset.state = "sending";
    label.textContent = "Sending EMERGENCY…";
    try {
      const alert = await post("terminal/emergency/", await here());
      button.dataset.state = "sent";
      label.textContent = "EMERGENCY SENT";
      say(`Emergency sent: ${alert.text}. It stays on every console until a supervisor acknowledges it.`, "error");
    } catch (err) {
      button.dataset.state = "";
      label.textContent = "Hold for EMERGENCY";
      say(`Emergency NOT sent: ${err.message}. Use the radio.`, "error");
    }
  }

  function start(event) {
    if (event.type === "keydown" && (event.repeat || (event.key !== "Enter" && event.key !== " "))) return;
    event.preventDefault();
    if (timer !== null || button.dataset.state === "sending") return;
    button.dataset.state = "holding";
    timer = setTimeout(() => { timer = null; send(); }, HOLD_MS);
  }

  function stop() {
    if (timer === null) return;
    clearTimeout(timer);
    timer = null;
    button.dataset.state = "";
  }

  button.addEventListener("pointerdown", start);
  button.addEventListener("keydown", start);
  for (const type of ["pointerup", "pointerleave", "pointercancel", "keyup", "blur"]) button.addEventListener(type, stop);
  button.addEventListener("contextmenu", (e) => e.preventDefault()); // a long press on a phone
}
