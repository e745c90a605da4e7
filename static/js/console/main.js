// The dispatcher console: wires the live store to the panels, the keys and the command line.

import { followStream } from "../live.js";
import { Store, onChangeBatched } from "../store.js";
import { clockText, startTicking, tick } from "../timers.js";
import { setupAlerts } from "./alerts.js";
import { setupAli } from "./ali.js";
import { get } from "./api.js";
import { setupCallbacks } from "./callbacks.js";
import { setupMessages } from "./messages.js";
import { setupCommands } from "./commands.js";
import { setupDetail } from "./detail.js";
import { setupEntry } from "./entry.js";
import { setupLists } from "./lists.js";
import { setupMap } from "./map.js";
import { setupUnits } from "./units.js";

const REFS_REFRESH_MS = 10 * 60 * 1000;
const message = document.getElementById("cmd-message");
let messageTimer = null;

// Every outcome lands in one line at the top; errors and questions stay until the next message.
function say(kind, text) {
  clearTimeout(messageTimer);
  message.dataset.kind = kind;
  message.textContent = `${clockText()}  ${text}`; // the server's time, as every timer shows
  if (kind !== "error" && kind !== "warn") messageTimer = setTimeout(() => { message.dataset.kind = "idle"; }, 15000);
}

async function loadRefs() {
  for (let attempt = 0; ; attempt++) {
    try {
      const [priorities, callTypes, dispositions] = await Promise.all([
        get("priorities/"), get("call-types/"), get("dispositions/")]);
      const byLevel = new Map(priorities.map((p) => [p.level, p]));
      return {
        priorities, callTypes, dispositions,
        goal: (level, kind) => byLevel.get(level)?.[`${kind}_goal_seconds`] ?? null,
      };
    } catch (err) {
      say("error", `Cannot load reference lists (${err.message}); retrying…`);
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
    }
  }
}

async function boot() {
  const refs = await loadRefs();
  // A supervisor's change to goals, call types or dispositions reaches open consoles within
  // ten minutes, without a reload.
  setInterval(async () => Object.assign(refs, await loadRefs()), REFS_REFRESH_MS);
  const store = new Store();
  let selectedId = null;
  let renderQueued = false;
  let commands = null; // set up last: it needs the detail, the entry and the alerts

  const help = document.getElementById("cmd-help");
  const toggleHelp = (show = help.hidden) => { help.hidden = !show; };

  // After a save the keyboard goes to the command line, the saved call beside it (marked as
  // selected by the save, so a close or link on it asks first).
  const entry = setupEntry({
    refs, say,
    onCreated: (call) => {
      commands.focus();
      return detail.open(call.id, { by: "save" });
    },
    onSent: (call) => detail.accept(call),
  });
  const lists = setupLists({ store, refs, getSelectedId: () => selectedId, onOpen: (id) => detail.open(id) });
  const units = setupUnits({ store, onActivate: activateUnit });
  const detail = setupDetail({
    store, refs, say,
    onSelect: (id) => {
      commands?.selectionChanged();
      if (selectedId === id) return;
      selectedId = id;
      scheduleRender();
    },
  });
  const map = setupMap({ store, say, getSelectedId: () => selectedId, onOpen: (id) => detail.open(id) });
  const currentYear = () => {
    const years = [...store.calls.values()].map((c) => Number(c.number.slice(0, 4))).filter(Boolean);
    return years.length ? Math.max(...years) : new Date().getFullYear();
  };
  const alerts = setupAlerts({ store, say, onOpenCall: (id) => detail.open(id) });
  const ali = setupAli({ store, entry, say });
  const me = document.querySelector(".console-top .who").textContent.trim();
  const callbacks = setupCallbacks({ store, say, me, onEmergency: ali.takeCall });
  const messages = setupMessages({ store, say, detail });
  commands = setupCommands({ detail, entry, alerts, say, toggleHelp, currentYear, dispositions: () => refs.dispositions,
    more: [...ali.commands, ...callbacks.commands, ...messages.commands] });

  function activateUnit(callsign) {
    const unit = store.units.get(callsign);
    if (!unit) return;
    const call = detail.selected();
    if (unit.status === "available" && call && call.status !== "closed") detail.offerUnit(callsign);
    else if (unit.call) detail.open(unit.call);
    else if (unit.status === "available") say("info", `${callsign} is available. Select a call first to dispatch it.`);
    else say("info", `${callsign}: ${unit.status.replace(/_/g, " ")}, not on a call.`);
  }

  function render() {
    alerts.render();
    lists.render();
    units.render();
    map.render();
    tick();
  }
  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => { renderQueued = false; render(); });
  }
  onChangeBatched(store, render);

  followStream(store);

  const clock = document.getElementById("clock");
  startTicking(() => { clock.textContent = clockText(); });

  document.addEventListener("keydown", (e) => {
    const typing = e.target.matches?.("input, textarea, select, [contenteditable]");
    const key = e.key;
    const go = (fn) => { e.preventDefault(); fn(); };
    if (key === "F1" || (key === "/" && !typing && !e.ctrlKey && !e.altKey)) go(commands.focus);
    else if (key === "F2" || (e.altKey && key.toLowerCase() === "n")) go(entry.focus);
    else if (key === "F3") go(lists.focusPending);
    else if (key === "F4") go(lists.focusActive);
    else if (key === "F6") go(ali.take);
    else if (key === "F7" || (e.altKey && key.toLowerCase() === "m")) go(map.toggle);
    else if (key === "F8") go(units.focus);
    else if (key === "F9") go(detail.focus);
    else if (e.altKey && key.toLowerCase() === "a") go(detail.askAidRecommended);
    else if (key === "?" && !typing) go(() => toggleHelp());
    else if (key === "Escape" && !help.hidden) go(() => toggleHelp(false));
    // Outside a field, a letter or digit starts a command: the key lands in the command line.
    else if (!typing && !e.ctrlKey && !e.altKey && !e.metaKey && /^[A-Za-z0-9]$/.test(key)) commands.focus();
  });

  say("info", "Ready. F1 or / for commands, F2 for a new call, ? for help.");
}

boot();
