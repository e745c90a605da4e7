// Elapsed-time display shared by the console and the board: one tick a second for every
// element carrying data-since (epoch ms) and, optionally, data-goal (seconds).

let serverOffsetMs = 0;

// When the server tells its time, timers follow its clock, not a workstation's drifting one.
export function setServerTime(iso) {
  const t = Date.parse(iso);
  if (!Number.isNaN(t)) serverOffsetMs = t - Date.now();
}

export function now() {
  return Date.now() + serverOffsetMs;
}

export function toMs(iso) {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

// "ok" below 75 % of the goal, "warn" from 75 %, "over" from 100 %.
export function goalLevel(seconds, goalSeconds) {
  if (!goalSeconds) return "ok";
  if (seconds >= goalSeconds) return "over";
  if (seconds >= goalSeconds * 0.75) return "warn";
  return "ok";
}

export function timerAttrs(sinceIso, goalSeconds) {
  const since = toMs(sinceIso);
  return { "data-since": since ?? "", "data-goal": goalSeconds || "" };
}

export function tick(root = document) {
  const t = now();
  for (const el of root.querySelectorAll("[data-since]")) {
    const since = Number(el.dataset.since);
    if (!el.dataset.since || Number.isNaN(since)) {
      if (el.textContent !== "—") el.textContent = "—";
      continue;
    }
    const seconds = (t - since) / 1000;
    const text = formatDuration(seconds);
    if (el.textContent !== text) el.textContent = text;
    if (el.dataset.goal) {
      const level = goalLevel(seconds, Number(el.dataset.goal));
      if (el.dataset.level !== level) el.dataset.level = level;
    }
  }
}

export function startTicking(onTick) {
  const run = () => { tick(); onTick?.(); };
  run();
  return setInterval(run, 1000);
}

export function clockText(date = new Date(now())) {
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}
