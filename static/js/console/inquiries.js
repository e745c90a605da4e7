// Records inquiries from the command line: QP (a person), QV (a vehicle), each with its purpose;
// the answer in a panel, every hit with its caution codes first, its source, and SIMULATED on the
// simulated state system's hits; QA n puts hit n on the selected call's chronology.
// Everything shown comes from the server or the dispatcher's typing, and goes in as text.

import { h, setChildren } from "../dom.js";
import { api } from "./api.js";

export const PURPOSES = { C: "criminal justice", J: "criminal justice employment", F: "weapons-related check",
  D: "domestic violence and stalking", H: "public housing", E: "exigent circumstances" };
const PURPOSE_HELP = Object.entries(PURPOSES).map(([code, words]) => `${code} ${words}`).join(", ");
const TYPES = { warrant: "WARRANT", stolen_vehicle: "STOLEN VEHICLE", missing_person: "MISSING PERSON", bolo: "BOLO" };
const isPurpose = (word) => Boolean(word) && word.length === 1 && Object.hasOwn(PURPOSES, word.toUpperCase());
export const isDate = (word) => /^\d{4}-\d{2}-\d{2}$/.test(word || "");

// "SMITH,JOHN 1980-04-02 C reason…" → the API's body, or {error}.
export function personInquiry(words) {
  const dobAt = words.findIndex(isDate);
  const purposeAt = words.findIndex((w, i) => i > 0 && i > dobAt && isPurpose(w));
  const nameEnd = dobAt >= 0 ? dobAt : (purposeAt >= 0 ? purposeAt : words.length);
  const [last = "", first = ""] = words.slice(0, nameEnd).join(" ").split(",").map((s) => s.trim());
  if (!last) return { error: "QP: give the name as LAST,FIRST, the date of birth and the purpose, e.g. QP SMITH,JOHN 1980-04-02 C." };
  if (purposeAt < 0) return { error: `QP: give the purpose of the inquiry (${PURPOSE_HELP}); nothing was sent.` };
  return { kind: "person", last, first, ...(dobAt >= 0 ? { dob: words[dobAt] } : {}),
    purpose: words[purposeAt].toUpperCase(), reason: words.slice(purposeAt + 1).join(" ") };
}

// "ABC123 MO C reason…", "ABC123 C", or a 17-character VIN → the API's body, or {error}.
export function vehicleInquiry(words) {
  const [plate, ...rest] = words;
  if (!plate) return { error: "QV: give the plate, its state and the purpose, e.g. QV ABC123 MO C." };
  const state = rest.length > 1 && /^[A-Za-z]{2}$/.test(rest[0]) ? rest.shift().toUpperCase() : "";
  if (!isPurpose(rest[0])) return { error: `QV: give the purpose of the inquiry (${PURPOSE_HELP}); nothing was sent.` };
  const asked = plate.length === 17 ? { vin: plate } : { plate, ...(state ? { state } : {}) };
  return { kind: "vehicle", ...asked, purpose: rest[0].toUpperCase(), reason: rest.slice(1).join(" ") };
}

export function hitItem(hit, index) {
  return h("li", { class: hit.simulated ? "hit simulated" : "hit", "data-hit": String(index + 1),
    "data-type": hit.type, "data-simulated": String(hit.simulated) },
  h("span", { class: "hit-number" }, `${index + 1}`),
  hit.caution_codes.length
    ? h("span", { class: "cautions", title: hit.cautions.join(", ") }, hit.caution_codes.map((c) => h("strong", { class: "caution" }, c)))
    : null,
  hit.simulated ? h("strong", { class: "simulated-mark" }, "SIMULATED") : null,
  // A missing person's photo, from the records desk's own page (only a path of ours is shown).
  hit.photo && hit.photo.startsWith("/records/photos/")
    ? h("img", { class: "hit-photo", src: hit.photo, alt: `Photo: ${hit.summary}`, loading: "lazy" }) : null,
  h("span", { class: "hit-type" }, TYPES[hit.type] || hit.type),
  h("span", { class: "hit-summary" }, hit.summary),
  h("span", { class: "hit-source muted" }, `Source: ${hit.source}`));
}

export function inquiryCommands({ detail, say, needCall }) {
  let panel = null;
  let last = null; // the inquiry shown

  function show(inquiry, typed) {
    if (!panel) {
      panel = h("section", { id: "inquiry-panel", class: "inquiry-panel", "aria-labelledby": "inquiry-title",
        "aria-live": "polite" });
      document.body.append(panel);
    }
    last = inquiry;
    const close = h("button", { type: "button", class: "quiet", onclick: () => { panel.hidden = true; } }, "Close");
    setChildren(panel,
      h("h2", { id: "inquiry-title", class: "panel-title" }, "Inquiry ", h("kbd", {}, typed.toUpperCase()), " ", close),
      h("p", { class: "inquiry-summary" }, `${inquiry.summary} · purpose ${inquiry.purpose}`),
      inquiry.hits.length
        ? h("ol", { class: "hits", id: "inquiry-hits" }, inquiry.hits.map(hitItem))
        : h("p", { class: "empty" }, "No record found."),
      inquiry.hits.length ? h("p", { class: "muted" }, "QA n puts hit n on the selected call's chronology.") : null);
    panel.hidden = false;
  }

  const asking = (parse) => async ({ word, text, verb }) => {
    const body = parse(text.slice(verb.length).trim().split(/\s+/).filter(Boolean));
    if (body.error) return say("error", body.error);
    const call = detail.selected();
    try {
      const inquiry = await api("POST", "inquiries/", { ...body, ...(call ? { call: call.id } : {}) });
      show(inquiry, text);
      return say(inquiry.hit_count ? "warn" : "ok", `${word}: ${inquiry.summary}.`);
    } catch (err) {
      return say("error", `${word}: ${err.message}`);
    }
  };

  return [
    {
      verbs: ["QP"], usage: ["QP SMITH,JOHN 1980-04-02 C", "QP SMITH,JOHN 1980-04-02 C reason…"],
      help: "Inquiry on a person (last,first, date of birth, purpose: C criminal justice, J employment, F weapons…): "
        + "warrants, missing persons, BOLOs, then the state system",
      run: asking(personInquiry),
    },
    {
      verbs: ["QV"], usage: ["QV ABC123 MO C", "QV 1HGCM82633A004352 C"],
      help: "Inquiry on a vehicle by plate (its state if known) or VIN, with the purpose: stolen vehicles, BOLOs, then the state system",
      run: asking(vehicleInquiry),
    },
    {
      verbs: ["QA"], usage: ["QA 1"], help: "Put hit 1 of the inquiry shown on the selected call's chronology, caution codes first",
      async run({ word, args }) {
        const n = args.length === 1 && /^\d+$/.test(args[0]) ? Number(args[0]) : 0;
        if (!last) return say("error", `${word}: make an inquiry first (QP or QV).`);
        if (n < 1 || n > last.hits.length) {
          return say("error", `${word}: give the hit's number, 1 to ${last.hits.length}${last.hits.length ? "" : " (the inquiry found nothing)"}.`);
        }
        if (!(await needCall(word))) return null;
        const call = detail.selected();
        try {
          await api("POST", `inquiries/${last.id}/attach/`, { call: call.id, hit: n - 1 });
          return say("ok", `Hit ${n} is on ${call.number}'s chronology.`);
        } catch (err) {
          return say("error", `${word}: ${err.message}`);
        }
      },
    },
  ];
}
