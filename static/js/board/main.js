// The supervisor's wall board: live from the stream, goal statistics from the API.

import { post } from "../console/api.js";
import { followStream } from "../live.js";
import { Store, onChangeBatched } from "../store.js";
import { clockText, startTicking, tick } from "../timers.js";
import { emergencySiren } from "../tone.js";
import { renderActive, renderAlerts, renderHolding, renderSafetyAlerts, renderUnits } from "./panels.js";
import { renderCallbacks, renderChart, renderGoals } from "./stats.js";

const STATS_MIN_GAP_MS = 5_000;
const STATS_EVERY_MS = 60_000;

async function getJson(path) {
  const response = await fetch(`/api/v1/${path}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

async function loadPriorities() {
  for (let attempt = 0; ; attempt++) {
    try {
      return await getJson("priorities/");
    } catch (err) {
      console.error("board: priorities", err);
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
    }
  }
}

function statsLoader() {
  const status = document.getElementById("stats-status");
  let last = 0;
  let timer = null;
  let running = false;
  async function load() {
    clearTimeout(timer);
    timer = null;
    if (running) return;
    running = true;
    last = Date.now();
    try {
      const stats = await getJson("stats/today/");
      renderGoals(stats);
      renderChart(stats);
      renderCallbacks(stats);
      status.dataset.state = "ok";
      setText(status, `Updated ${clockText()}`);
    } catch (err) {
      status.dataset.state = "error";
      setText(status, `Statistics not updated (${err.message}); retrying.`);
    } finally {
      running = false;
    }
  }
  // At most one fetch every 5 s however many calls change; at least one a minute.
  function soon() {
    if (timer) return;
    timer = setTimeout(load, Math.max(0, last + STATS_MIN_GAP_MS - Date.now()));
  }
  setInterval(load, STATS_EVERY_MS);
  return { load, soon };
}

function setText(el, text) {
  el.textContent = text;
}

// A supervisor acknowledges a unit's emergency from the board; what the server refuses shows on the
// button (a dispatcher watching the board: only a supervisor may).
async function acknowledge(id, button) {
  button.disabled = true;
  try {
    await post(`alerts/${id}/acknowledge/`);
  } catch (err) {
    button.textContent = err.message;
    button.disabled = false;
  }
}

async function boot() {
  const priorities = await loadPriorities();
  const byLevel = new Map(priorities.map((p) => [p.level, p]));
  const goal = (level, kind) => byLevel.get(level)?.[`${kind}_goal_seconds`] ?? null;
  const store = new Store();
  const stats = statsLoader();
  stats.load();
  const siren = emergencySiren(() => store.openAlerts().some((a) => a.kind === "emergency"));

  function render() {
    renderHolding(store, priorities);
    renderUnits(store);
    renderActive(store, goal);
    renderAlerts(store, goal);
    renderSafetyAlerts(store, acknowledge);
    siren();
    tick();
  }
  onChangeBatched(store, (changes) => {
    render();
    if (changes.some((c) => c.kind === "call" || c.kind === "snapshot" || c.event?.startsWith("callback."))) stats.soon();
  });

  followStream(store);

  const clock = document.getElementById("clock");
  const date = document.getElementById("board-date");
  startTicking(() => {
    clock.textContent = clockText();
    date.textContent = new Date().toLocaleDateString([], { weekday: "short", year: "numeric", month: "short", day: "numeric" });
    // A call crosses its goal with no event: the alerts follow the clock, not just the stream.
    renderAlerts(store, goal);
    tick(document.getElementById("alerts"));
  });
}

boot();
