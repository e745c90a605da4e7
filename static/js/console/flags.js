// Premise flags (hazards, medical, access, contacts) and alarm permits, impossible to miss.
// `premise_flags` absent means the server does not say; an empty list means none at this place.

import { h } from "../dom.js";

const SHORT_KIND = {
  officer_safety: "OFFICER SAFETY", medical: "MEDICAL", emergency_contact: "CONTACT", access: "ACCESS", note: "NOTE",
};

function flagItem(flag) {
  if (typeof flag === "string") return h("li", { class: "flag" }, flag);
  const kind = String(flag?.kind || "");
  const label = SHORT_KIND[kind] || (flag?.kind_display || kind || "FLAG").toUpperCase();
  // A confidential flag's text comes only with the call detail, where reading it is recorded.
  return h("li", { class: `flag flag-${kind.replace(/[^a-z_]/g, "")}`, "data-flag-kind": kind || null, title: flag?.kind_display || "" },
    flag?.confidential ? [h("span", { class: "flag-conf" }, "CONFIDENTIAL"), " "] : null,
    h("span", { class: "flag-kind" }, label),
    " ", flag?.text ?? (flag?.confidential ? h("em", {}, "— open the call to read") : ""),
    flag?.where ? h("span", { class: "flag-where" }, ` (${flag.where})`) : null);
}

export function flagsBlock(flags, { compact = false } = {}) {
  if (!Array.isArray(flags)) return null;
  if (!flags.length) return compact ? null : h("p", { class: "flags-none" }, "No premise flags at this location.");
  return h("ul", { class: compact ? "flags compact" : "flags", "aria-label": "Premise flags" }, flags.map(flagItem));
}

// A lookup's permit (null: none found, nothing shown) or an alarm call's (`on_file: false`: none).
export function permitBlock(permit) {
  if (!permit) return null;
  if (permit.on_file === false) {
    return h("div", { class: "permit bad", "data-on-file": "false" },
      h("span", { class: "flag-kind" }, "ALARM PERMIT"), " ", h("strong", {}, "NO PERMIT ON FILE"), " for this site");
  }
  const bad = permit.standing && permit.standing !== "active";
  return h("div", { class: bad ? "permit bad" : "permit", "data-on-file": "true" },
    h("span", { class: "flag-kind" }, "ALARM PERMIT"), ` ${permit.number} `,
    h("strong", {}, String(permit.standing || permit.status || "").toUpperCase()),
    permit.holder_name ? ` · ${permit.holder_name}` : "",
    permit.alarm_company ? ` · ${permit.alarm_company}` : "",
    permit.company_contact ? ` (${permit.company_contact})` : "",
    permit.company_phone ? ` ${permit.company_phone}` : "",
    permit.expires_on ? ` · expires ${permit.expires_on}` : "");
}
