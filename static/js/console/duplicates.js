// Likely duplicates: offered in call entry once a location and a type are picked, and in the
// detail of an open call. Linking makes a call a duplicate of the one picked (disposition 22):
// its caller and narrative go to that call's chronology. Reopening the duplicate undoes it.

import { h, setChildren } from "../dom.js";
import { get } from "./api.js";

// "2026-000041" → "041": what a dispatcher says and types (LINK 41 works too).
export function shortNumber(number) {
  const [, serial] = String(number).split("-");
  return serial ? serial.replace(/^0+(?=\d)/, "").padStart(3, "0") : String(number);
}

function ago(iso) {
  const minutes = Math.max(0, (Date.now() - Date.parse(iso)) / 60000);
  return minutes < 1 ? "just now" : `${Math.round(minutes)} min ago`;
}

function describe(candidate, when) {
  const c = candidate.call;
  const caller = [c.caller?.name, c.caller?.phone].filter(Boolean).join(" ");
  return [
    h("strong", { class: "dup-number" }, c.number), " ",
    h("span", { class: "dup-type" }, c.call_type.code), `, ${candidate.distance_m} m, ${when}`,
    h("span", { class: "dup-meta" }, ` · ${c.location.address}${caller ? ` · ${caller}` : ""} · ${c.status}`),
  ];
}

// Call entry: `query()` says what to ask about ({lat, lon, call_type}) or null; `onLink(number, id)`
// saves the new call and links it into that one.
export function setupEntryDuplicates({ form, box, save, query, onLink, exclude = () => null }) {
  let candidates = [];
  let askedFor = "";
  let requestNo = 0;
  let timer = null;
  const saveAsDuplicate = h("button", { type: "button", id: "entry-save-duplicate", class: "warn", hidden: true });
  save.after(saveAsDuplicate);

  function render() {
    const first = candidates[0];
    saveAsDuplicate.hidden = !first;
    box.hidden = !first;
    if (!first) {
      box.replaceChildren();
      return;
    }
    setChildren(saveAsDuplicate, `Save as duplicate of ${shortNumber(first.call.number)} `,
      h("span", { class: "muted-on-accent" }, "Alt+D"));
    saveAsDuplicate.dataset.linkTo = first.call.number;
    setChildren(box, candidates.map((c, i) => h("div", {
      class: "dup", "data-duplicate-of": c.call.number, "data-call": c.call.id, title: c.reason,
    },
    h("span", { class: "dup-label" }, "POSSIBLE DUPLICATE: "), describe(c, ago(c.call.received_at)),
    h("button", { type: "button", class: "dup-link", "data-link-to": c.call.number },
      `Save as duplicate of ${shortNumber(c.call.number)}`, i === 0 ? " (Alt+D)" : ""))));
  }

  async function ask() {
    const q = query();
    const key = q ? `${q.call_type}|${q.lat}|${q.lon}` : "";
    if (key === askedFor) return;
    askedFor = key;
    const mine = ++requestNo;
    if (!q) {
      candidates = [];
      render();
      return;
    }
    try {
      const params = new URLSearchParams({ call_type: q.call_type, lat: q.lat, lon: q.lon });
      const answer = await get(`calls/duplicates/?${params}`);
      if (mine !== requestNo) return;
      candidates = (answer.candidates || []).filter((c) => c.call.id !== exclude()); // never the call itself
    } catch {
      if (mine !== requestNo) return;
      candidates = []; // a look-up that failed must not stop the call being saved
      askedFor = "";
    }
    render();
  }

  function check() {
    clearTimeout(timer);
    timer = setTimeout(ask, 120);
  }

  function linkTo(number) {
    const candidate = candidates.find((c) => c.call.number === number);
    if (candidate) onLink(candidate.call.number, candidate.call.id);
  }

  box.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-link-to]");
    if (button) linkTo(button.dataset.linkTo);
  });
  saveAsDuplicate.addEventListener("click", () => linkTo(saveAsDuplicate.dataset.linkTo));
  form.addEventListener("keydown", (e) => {
    if (!e.altKey || (e.code !== "KeyD" && e.key.toLowerCase() !== "d")) return;
    e.preventDefault();
    if (candidates.length) linkTo(candidates[0].call.number);
  });
  form.addEventListener("input", check);

  return {
    check,
    clear() {
      clearTimeout(timer);
      requestNo++;
      askedFor = "";
      candidates = [];
      render();
    },
  };
}

// Call detail: an open call's likely duplicates, each with "Link as duplicate of …".
export function setupDetailDuplicates({ onLink }) {
  const box = h("section", { id: "detail-duplicates", class: "duplicates", hidden: true,
    "aria-label": "Possible duplicates" });
  let shownFor = "";
  let requestNo = 0;

  box.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-link-to]");
    if (button) onLink(button.dataset.linkTo);
  });

  function render(candidates, call) {
    box.hidden = !candidates.length;
    setChildren(box, candidates.length ? h("h3", {}, "Possible duplicates") : null,
      candidates.map((c) => h("div", { class: "dup", "data-duplicate-of": c.call.number, title: c.reason },
        describe(c, `${Math.round(c.minutes_apart)} min earlier`),
        h("button", { type: "button", class: "dup-link", "data-link-to": c.call.number,
          "data-key": `dup:${c.call.number}`, title: `Command: LINK ${shortNumber(c.call.number)}` },
        `Link ${call.number} as duplicate of ${shortNumber(c.call.number)}`))));
  }

  async function show(call) {
    const key = `${call.id}|${call.updated_at}|${call.status}`;
    if (key === shownFor) return;
    shownFor = key;
    const mine = ++requestNo;
    if (call.status === "closed") {
      render([], call);
      return;
    }
    try {
      const answer = await get(`calls/${call.id}/duplicates/`);
      if (mine === requestNo) render(answer.candidates || [], call);
    } catch {
      if (mine === requestNo) {
        shownFor = "";
        render([], call);
      }
    }
  }

  return { box, show };
}
