// Inquiries from the unit terminal: a person (last, first, date of birth) or a vehicle (plate and
// state, or VIN), always with a purpose; the hits drawn as the console draws them: caution codes
// first, the source, SIMULATED on the simulated state system's. Every inquiry is audited. Never
// kept to send later, as the terminal's changes are: an answer an hour late is no answer.

import { post } from "../console/api.js";
import { PURPOSES, hitItem } from "../console/inquiries.js";
import { h, setChildren } from "../dom.js";

const NO_LINK = "No link: an inquiry needs the connection; nothing was sent.";

export function setupInquiry({ form, answer, say }) {
  const purpose = form.querySelector("#inquiry-purpose");
  setChildren(purpose, h("option", { value: "" }, "Purpose…"),
    Object.entries(PURPOSES).map(([code, words]) => h("option", { value: code }, `${code}: ${words}`)));
  const kind = form.querySelector("#inquiry-kind");
  const show = () => {
    for (const el of form.querySelectorAll("[data-for]")) el.hidden = el.dataset.for !== kind.value;
  };
  kind.addEventListener("change", show);
  show();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = (name) => form.querySelector(`[name="${name}"]`).value.trim();
    if (!purpose.value) {
      say("Give the purpose of the inquiry; nothing was sent.", "error");
      purpose.focus();
      return;
    }
    const body = kind.value === "person"
      ? { kind: "person", last: value("last"), first: value("first"), ...(value("dob") ? { dob: value("dob") } : {}) }
      : (value("plate").replace(/[\s-]/g, "").length === 17
        ? { kind: "vehicle", vin: value("plate") }
        : { kind: "vehicle", plate: value("plate"), ...(value("state") ? { state: value("state") } : {}) });
    try {
      const inquiry = await post("inquiries/", { ...body, purpose: purpose.value, reason: value("reason") });
      setChildren(answer,
        h("p", { class: "inquiry-summary" }, `${inquiry.summary} · purpose ${inquiry.purpose}`),
        inquiry.hits.length ? h("ol", { class: "hits", id: "inquiry-hits" }, inquiry.hits.map(hitItem))
          : h("p", { class: "empty" }, "No record found."));
      answer.hidden = false;
      say("");
    } catch (err) {
      say(err.status ? `Inquiry: ${err.message}` : NO_LINK, "error");
    }
  });
}
