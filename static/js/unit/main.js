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
const messages = setupMessages({ list: $("message-list"), form: $("message-form"), input: $("message-text"),
  say: (text, kind) => showMessage(text, kind) });
setupEmergency($("emergency"), { say: (text, kind) => showMessage(text, kind) });
setupInquiry({ form: $("inquiry-form"), answer: $("inquiry-answer"), say: (text, kind) => showMessage(text, kind) });

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

// A status or a note: sent now, or kept to send when the link returns (after any kept before it).
async function change(label, path, body) {
  queue.add(label, path, body);
  renderQueue(queue.items);
  await sendQueued();
}

async function sendQueued() {
  if (!queue.length) return;
  const sent = await queue.flush(
    (path, body) => post(path, body),
    (item, err) => showMessage(`${item.label}: ${err.message}`, "error"),
  );
  reachable(sent);
  renderQueue(queue.items);
  if (sent) {
    showMessage("");
    await reload();
  } else {
    showMessage("Offline: the change is kept on this device and sent when the link returns.", "error");
  }
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
$("traffic-stop-here").addEventListener("click", () => {
  $("traffic-stop-confirm").hidden = true;
  // Where the phone is, when it says so at once; else the unit's last known location.
  act("Starting the traffic stop", async () => post("terminal/traffic-stop/", await here()));
});
$("traffic-stop-at").addEventListener("click", () => {
  const address = $("traffic-stop-address").value.trim();
  if (!address) { $("traffic-stop-address").focus(); return; }
  $("traffic-stop-confirm").hidden = true;
  act("Starting the traffic stop", () => post("terminal/traffic-stop/", { address }));
});

window.cadTerminal = terminal;
window.addEventListener("online", () => sendQueued());
setInterval(() => {
  if (queue.length) sendQueued();
  if (unreachable || linkState !== "live") showLink(); // how old the data is, every second
}, RETRY_MS / 2);
showLink();
reload().then(() => sendQueued());
