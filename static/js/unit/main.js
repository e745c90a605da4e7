// The unit terminal: sign on to a unit, then follow its assignment live and act for it.

import { get, post } from "../console/api.js";
import { LiveStream } from "../stream.js";
import { Terminal } from "./terminal.js";
import { renderAlerts, renderLink, renderSignOn, renderTerminal, showMessage, statusLabel } from "./view.js";

const $ = (id) => document.getElementById(id);
const terminal = new Terminal();
let stream = null;
let chosen = null;
let lastLive = null;
let alerts = [];
let reading = null;

function render() {
  if (!terminal.signedOn) {
    renderSignOn(terminal.data, chosen, (callsign) => { chosen = callsign; render(); });
    return;
  }
  renderTerminal(terminal, setStatus);
  renderAlerts(alerts);
}

// Read the terminal again (after a snapshot, or an event that moved this unit); one at a time.
async function reload() {
  if (reading) return reading;
  reading = (async () => {
    try {
      terminal.load(await get("terminal/"));
      render();
      follow();
    } catch (err) {
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

function setStatus(status) {
  act(statusLabel(status), () => post("terminal/status/", { status }));
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
        if (state === "live") lastLive = null;
        else if (!lastLive) lastLive = new Date();
        if (stream?.closeCode === 4409 && state !== "live") {
          // Signed off elsewhere: back to signing on.
          stream.stop();
          stream = null;
          reload();
        }
        renderLink(state, lastLive);
      },
    });
    window.cadStream = stream;
    stream.start();
  } else if (!terminal.signedOn && stream) {
    stream.stop();
    stream = null;
    renderLink("offline", null);
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
  act("Adding the note", async () => {
    await post("terminal/notes/", { text });
    $("note-text").value = "";
  });
});
$("traffic-stop").addEventListener("click", () => {
  $("traffic-stop-confirm").hidden = false;
  $("traffic-stop-here").focus();
});
$("traffic-stop-cancel").addEventListener("click", () => { $("traffic-stop-confirm").hidden = true; });
$("traffic-stop-here").addEventListener("click", () => {
  $("traffic-stop-confirm").hidden = true;
  act("Starting the traffic stop", () => post("terminal/traffic-stop/", {}));
});
$("traffic-stop-at").addEventListener("click", () => {
  const address = $("traffic-stop-address").value.trim();
  if (!address) { $("traffic-stop-address").focus(); return; }
  $("traffic-stop-confirm").hidden = true;
  act("Starting the traffic stop", () => post("terminal/traffic-stop/", { address }));
});

window.cadTerminal = terminal;
renderLink("connecting", null);
reload();
