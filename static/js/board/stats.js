// Today's goal compliance and calls per hour, from GET /api/v1/stats/today/.

import { h, setChildren, setText } from "../dom.js";
import { formatDuration } from "../timers.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

function p90Cell(p90, goal) {
  if (p90 === null || p90 === undefined) return h("td", { class: "num", "data-met": "none" }, "—");
  const met = p90 <= goal;
  return h("td", { class: "num", "data-met": met ? "yes" : "no" },
    `${formatDuration(Math.ceil(p90))} / ${formatDuration(goal)}`, h("span", { class: "mark" }, met ? " ✓" : " ✗"));
}

function pctCell(pct) {
  if (pct === null || pct === undefined) return h("td", { class: "num pct" }, "—");
  return h("td", { class: "num pct", "data-met": pct >= 90 ? "yes" : "no" }, `${Math.round(pct)}%`);
}

export function renderGoals(stats) {
  setText(document.getElementById("stats-date"), `${stats.date} · ${stats.timezone}`);
  setChildren(document.getElementById("goals-rows"), stats.priorities.map((p) => h("tr", { "data-priority": p.level },
    h("td", {}, h("span", { class: "pri", "data-priority": p.level }, `P${p.level}`), ` ${p.name.split(":")[0]}`),
    h("td", { class: "num" }, p.calls),
    p90Cell(p.processing_p90, p.dispatch_goal_seconds),
    pctCell(p.processing_within_goal_pct),
    p90Cell(p.response_p90, p.response_goal_seconds),
    pctCell(p.response_within_goal_pct))));
}

function hourIn(timezone) {
  try {
    const hour = new Intl.DateTimeFormat("en-US", { hour: "numeric", hourCycle: "h23", timeZone: timezone }).format(new Date());
    return Number(hour) % 24;
  } catch {
    return new Date().getHours();
  }
}

let lastStats = null;
window.addEventListener("resize", () => { if (lastStats) renderChart(lastStats); });

export function renderChart(stats) {
  lastStats = stats;
  setText(document.getElementById("calls-today"), stats.calls_today);
  const box = document.getElementById("per-hour");
  // Drawn at the box's own pixel size, so labels keep their real size on any screen.
  const width = Math.max(480, box.clientWidth);
  const height = Math.max(160, box.clientHeight);
  const top = 30;
  const bottom = 32;
  const slot = width / 24;
  const max = Math.max(1, ...stats.per_hour.map((x) => x.count));
  const current = hourIn(stats.timezone);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart",
    "aria-label": `Calls per hour today, ${stats.calls_today} in all` });
  chart.append(svg("line", { x1: 0, x2: width, y1: height - bottom, y2: height - bottom, class: "axis" }));
  for (const { hour, count } of stats.per_hour) {
    const barHeight = ((height - top - bottom) * count) / max;
    const x = hour * slot + 4;
    const y = height - bottom - barHeight;
    const g = svg("g", { class: hour === current ? "bar now" : hour > current ? "bar later" : "bar", "data-hour": hour });
    g.append(svg("title", {}, `${String(hour).padStart(2, "0")}:00 – ${count} call${count === 1 ? "" : "s"}`));
    g.append(svg("rect", { x, y, width: slot - 8, height: Math.max(barHeight, count ? 2 : 0) }));
    if (count) g.append(svg("text", { x: x + (slot - 8) / 2, y: y - 6, class: "val" }, count));
    g.append(svg("text", { x: x + (slot - 8) / 2, y: height - 6, class: "hour" }, String(hour).padStart(2, "0")));
    chart.append(g);
  }
  box.replaceChildren(chart);
}

const OUTCOME_WORDS = [["no_answer", "no answer"], ["pocket_dial", "pocket dial"], ["emergency", "emergency"],
  ["resolved", "resolved"]];

// Today's callback queue: abandoned 9-1-1 calls waiting now, and those called back today by outcome.
export function renderCallbacks(stats) {
  const counts = stats.callbacks;
  const el = document.getElementById("callbacks-today");
  if (!counts || !el) return;
  const waiting = h("span", { class: "cb-count", "data-outcome": "waiting", "data-level": counts.waiting ? "warn" : "ok" },
    h("b", {}, counts.waiting), " waiting",
    counts.oldest_waiting_s !== null ? ` (oldest ${formatDuration(counts.oldest_waiting_s)})` : "");
  setChildren(el, h("span", { class: "cb-label", title: "Abandoned 9-1-1 calls called back today" }, "Callbacks"), waiting,
    OUTCOME_WORDS.map(([outcome, words]) => h("span", { class: "cb-count", "data-outcome": outcome },
      h("b", {}, counts.outcomes[outcome]), ` ${words}`)));
}
