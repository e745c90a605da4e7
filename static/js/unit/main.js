// The unit terminal: sign on to a unit, then follow its assignment live and act for it.

import { get, post } from "../console/api.js";
import { LiveStream } from "../stream.js";
import { here, setupEmergency } from "./emergency.js";
import { setupInquiry } from "./inquiry.js";
import { renderCallMap } from "./map.js";
import { setupMessages } from "./messages.js";
import { OfflineQueue } from "./queue.js";
import { Terminal } from "./terminal.js";
import {
  renderAlerts, renderLink, renderQueue, renderSignOn, renderTerminal, showMessage, statusLabel,
} from "./view.js";

const $ = (id) => document.getElementById(id);
const terminal = new Terminal();
let stream = null;
let chosen = null;
let lastLive = null;
let alerts = [];
let reading = null;
let linkState = "connecting";
let unreachable = false; // the last request could not reach the server
// Kept per person: another officer signing in on this device never sends someone else's changes.
const queue = new OfflineQueue(window.localStorage,
  `cad.unit.queue.${document.querySelector("[data-user]").dataset.user}`);
const RETRY_MS = 2_000;
const EMERGENCY = "terminal/emergency/";
const MESSAGES = "terminal/messages/";
const messages = setupMessages({ list: $("message-list"), form: $("message-form"), input: $("message-text"),
  send: (text) => change("Message", MESSAGES, { text }) });
const emergency = setupEmergency($("emergency"), {
  say: (text, kind) => showMessage(text, kind),
  keep: (body) => {
    queue.add("EMERGENCY", EMERGENCY, body, { first: true });
    renderQueue(queue.items);
    showLink();
  },
});
setupInquiry({ form: $("inquiry-form"), answer: $("inquiry-answer"), say: (text, kind) => showMessage(text, kind) });
if (queue.items.some((item) => item.path === EMERGENCY)) emergency.queued(); // kept before a reload

function render() {
  showLink();
  if (!terminal.signedOn) {
    renderSignOn(terminal.data, chosen, (callsign) => { chosen = callsign; render(); });
    return;
  }
  renderTerminal(terminal, setStatus);
  renderCallMap($("call-map"), terminal.call, terminal.unit);
  renderAlerts(alerts);
  renderQueue(queue.items);
}

function showLink() {
  // Not signed on, there is no stream to follow: nothing to say about it.
  $("link-status").hidden = Boolean(terminal.data) && !terminal.signedOn && !unreachable;
  const state = unreachable ? "offline" : linkState;
  if (state === "live") lastLive = null;
  else if (!lastLive) lastLive = terminal.loadedAt || new Date();
  renderLink(state, lastLive, queue.length);
}

function reachable(ok) {
  if (unreachable === !ok) return;
  unreachable = !ok;
  showLink();
}

// Read the terminal again (after a snapshot, or an event that moved this unit); one at a time.
async function reload() {
  if (reading) return reading;
  reading = (async () => {
    try {
      terminal.load(await get("terminal/"));
      terminal.loadedAt = new Date();
      reachable(true);
      render();
      follow();
    } catch (err) {
      if (!err.status) reachable(false);
      showMessage(err.message, "error");
    } finally {
      reading = null;
    }
  })();
  return reading;
}

async function act(what, request) {
  showMessage(`${what}…`);
  try {
    const answer = await request();
    if (answer && "officer" in answer) terminal.load(answer);
    showMessage("");
    render();
    follow();
  } catch (err) {
    showMessage(err.message, "error");
  }
}

// A status, a note, a message, a traffic stop: sent now, or kept to send when the link returns
// (after any kept before it).
async function change(label, path, body) {
  queue.add(label, path, body);
  renderQueue(queue.items);
  if (await sendQueued()) return;
  if (queue.items.some((item) => item.path === EMERGENCY)) emergency.queued(); // still the first thing to read
  else showMessage("Offline: the change is kept on this device and sent when the link returns.", "error");
}

// Send what waits; whether all of it reached the server. The retries say nothing while the link
// stays down, so what else the terminal said (an inquiry's answer) stays on screen.
async function sendQueued() {
  if (!queue.length) return true;
  let told = false; // a refusal, or an emergency sent: what the officer must read stays on screen
  const sent = await queue.flush(
    (path, body) => post(path, body),
    (item, err) => {
      told = true;
      if (item.path === EMERGENCY) emergency.refused(err);
      else showMessage(`${item.label}: ${err.message}`, "error");
    },
    (item, answer) => {
      if (item.path === MESSAGES) messages.add(answer);
      if (item.path === EMERGENCY) {
        told = true;
        emergency.sent(answer);
      }
    },
  );
  reachable(sent);
  renderQueue(queue.items);
  if (sent) {
    if (!told) showMessage("");
    await reload();
  }
  return sent;
}

function setStatus(status) {
  change(statusLabel(status), "terminal/status/", { status });
}

function follow() {
  if (terminal.signedOn && !stream) {
    stream = new LiveStream(document.querySelector("[data-stream-path]").dataset.streamPath, {
      onSnapshot: (data) => {
        alerts = data.alerts || [];
        reload();
      },
      onEvent: (event, data) => {
        if (event === "heartbeat") return;
        if (event === "message.sent") {
          messages.add(data);
          return;
        }
        if (event.startsWith("alert.")) {
          alerts = alerts.filter((a) => a.id !== data.id);
          if (!data.acknowledged_at) alerts.push(data);
          renderAlerts(alerts);
          return;
        }
        if (terminal.apply(event, data)) reload();
        else render();
      },
      onState: (state) => {
        linkState = state;
        if (state === "live") sendQueued();
        if (stream?.closeCode === 4409 && state !== "live") {
          // Signed off elsewhere: back to signing on.
          stream.stop();
          stream = null;
          reload();
        }
        showLink();
      },
    });
    window.cadStream = stream;
    stream.start();
  } else if (!terminal.signedOn && stream) {
    stream.stop();
    stream = null;
    linkState = "offline";
    showLink();
  }
}

$("sign-on-button").addEventListener("click", () => {
  if (chosen) act(`Signing on to ${chosen}`, () => post("terminal/sign-on/", { unit: chosen }));
});
$("sign-off").addEventListener("click", () => act("Signing off", () => post("terminal/sign-off/")));
$("note-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("note-text").value.trim();
  if (!text) return;
  $("note-text").value = "";
  change("Note", "terminal/notes/", { text });
});
$("traffic-stop").addEventListener("click", () => {
  $("traffic-stop-confirm").hidden = false;
  $("traffic-stop-here").focus();
});
$("traffic-stop-cancel").addEventListener("click", () => { $("traffic-stop-confirm").hidden = true; });
$("traffic-stop-here").addEventListener("click", async () => {
  $("traffic-stop-confirm").hidden = true;
  showMessage("Starting the traffic stop…");
  // Where the phone is at the tap, when it says so at once (kept with the stop if the link is
  // down); else the unit's last known location.
  const device_at = new Date().toISOString();
  change("Traffic stop", "terminal/traffic-stop/", { ...(await here()), device_at });
});
$("traffic-stop-at").addEventListener("click", () => {
  const address = $("traffic-stop-address").value.trim();
  if (!address) { $("traffic-stop-address").focus(); return; }
  $("traffic-stop-confirm").hidden = true;
  showMessage("Starting the traffic stop…");
  change("Traffic stop", "terminal/traffic-stop/", { address });
});

window.cadTerminal = terminal;
window.addEventListener("online", () => sendQueued());
setInterval(() => {
  if (queue.length) sendQueued();
  if (unreachable || linkState !== "live") showLink(); // how old the data is, every second
}, RETRY_MS / 2);
showLink();
reload().then(() => sendQueued());
