// Partner agencies: sharing the selected call with a partner (it sees the call, its chronology and
// its events) or relaying it (the partner takes responsibility; the call stays on our screens,
// marked), ending a share; the SH / RL / UNSH commands; and the marks the lists and the board show.

import { h, setChildren, setText } from "../dom.js";
import { toMs } from "../timers.js";
import { api, get } from "./api.js";

// "relayed to NFPD", "shared with NFPD, DCSO", or "" for a call that is neither.
export function shareText(call) {
  const shares = call?.shared_with || [];
  const relayed = shares.filter((s) => s.relay).map((s) => s.agency);
  const shared = shares.filter((s) => !s.relay).map((s) => s.agency);
  return [relayed.length ? `relayed to ${relayed.join(", ")}` : "", shared.length ? `shared with ${shared.join(", ")}` : ""]
    .filter(Boolean).join("; ");
}

// The tag a list row, the board or the detail's head shows: RELAYED NFPD, SHARED NFPD DCSO.
export function shareMark(call) {
  const shares = call?.shared_with || [];
  if (!shares.length) return null;
  const relayed = shares.filter((s) => s.relay).map((s) => s.agency);
  const shared = shares.filter((s) => !s.relay).map((s) => s.agency);
  return h("span", { class: relayed.length ? "share-mark relayed" : "share-mark", title: shareText(call),
    "data-share": relayed.length ? "relayed" : "shared" },
  relayed.length ? `RELAYED ${relayed.join(" ")}` : `SHARED ${shared.join(" ")}`,
  relayed.length && shared.length ? ` +${shared.join(" ")}` : "");
}

export function setupShare({ run }) {
  let call = null;
  let partners = null; // loaded once, the first time a call is shown

  const agencySelect = h("select", { id: "share-agency", "aria-label": "Partner agency" },
    h("option", { value: "" }, "— partner —"));
  const note = h("input", { id: "share-note", type: "text", autocomplete: "off", maxlength: "500",
    placeholder: "Note for the partner", "aria-label": "Note for the partner" });
  const kind = h("select", { id: "share-kind", "aria-label": "Share or relay",
    title: "Share: the partner follows the call. Relay: the partner takes responsibility for it." },
  h("option", { value: "share" }, "Share"),
  h("option", { value: "relay" }, "Relay"));
  const go = h("button", { type: "submit", id: "share-go" }, "Share");
  const form = h("form", { class: "action-row share-form", id: "share-form" },
    h("label", { for: "share-agency" }, "Share"), agencySelect, kind, note, go);
  const list = h("ul", { class: "shares", id: "share-list", "aria-label": "Partner agencies following this call" });
  const sentBy = h("p", { class: "sent-by", id: "sent-by", hidden: true });
  const element = h("div", { class: "share-box", id: "share-box" }, sentBy, list, form);

  const relaying = () => kind.value === "relay";
  kind.addEventListener("change", () => setText(go, relaying() ? "Relay" : "Share"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!agencySelect.value) {
      agencySelect.focus();
      return;
    }
    share(agencySelect.value, { relay: relaying(), note: note.value.trim() }).then((ok) => {
      if (ok) reset();
    });
  });

  async function loadPartners() {
    if (partners) return;
    try {
      partners = await get("partners/");
    } catch {
      partners = null; // tried again with the next call shown
      return;
    }
    setChildren(agencySelect, h("option", { value: "" }, "— partner —"),
      partners.map((p) => h("option", { value: p.code }, `${p.code} ${p.name}`)));
  }

  function reset() {
    agencySelect.value = "";
    kind.value = "share";
    note.value = "";
    setText(go, "Share");
  }

  function show(data) {
    const fresh = call?.id !== data.id;
    call = data;
    loadPartners();
    if (fresh) reset();
    form.hidden = data.status === "closed";
    sentBy.hidden = !data.sent_by;
    if (data.sent_by) {
      setChildren(sentBy, h("span", { class: "share-mark sent" }, `SENT IN BY ${data.sent_by.agency}`), " ",
        data.sent_by.agency_name,
        data.sent_by.incident_number ? ` · their incident ${data.sent_by.incident_number}` : "");
    }
    setChildren(list, (data.shared_with || []).map((s) => h("li", { "data-agency": s.agency, "data-relay": String(s.relay) },
      h("span", { class: s.relay ? "share-mark relayed" : "share-mark" }, `${s.relay ? "RELAYED TO" : "SHARED WITH"} ${s.agency}`),
      " ", h("span", { class: "share-who" }, s.agency_name),
      s.note ? h("span", { class: "share-note" }, ` · ${s.note}`) : null,
      h("span", { class: "muted" }, ` · since ${clock(s.shared_at)}${s.shared_by ? ` by ${s.shared_by}` : ""}`),
      h("button", { type: "button", class: "quiet share-end", "data-key": `unshare:${s.agency}`,
        title: `End the ${s.relay ? "relay to" : "share with"} ${s.agency} (command UNSH ${s.agency})`,
        onclick: () => unshare(s.agency) }, s.relay ? "End relay" : "End share"))));
  }

  function share(code, { relay: relaying = false, note: text = "" } = {}) {
    const agency = code.toUpperCase();
    return run((c) => `${c.number} ${relaying ? "relayed to" : "shared with"} ${agency}.`,
      (c) => api("POST", `calls/${c.id}/share/`, { agency, relay: relaying, note: text }));
  }

  function unshare(code) {
    const agency = code.toUpperCase();
    return run((c) => `${c.number}: no longer shared with ${agency}.`,
      (c) => api("DELETE", `calls/${c.id}/share/`, { agency }));
  }

  return { element, show, share, unshare };
}

// The command line's verbs: SH NFPD [note], RL NFPD [note], UNSH NFPD, on the selected call.
export function shareCommands({ detail, say, needCall }) {
  const parse = (text, verb) => {
    const [agency, ...words] = text.slice(verb.length).trim().split(/\s+/);
    return { agency: (agency || "").toUpperCase(), note: words.join(" ") };
  };
  const sharing = (relay) => async ({ word, text, verb }) => {
    const { agency, note } = parse(text, verb);
    if (!agency) return say("error", `${word}: give the partner agency, e.g. ${word} NFPD${relay ? " note" : ""}.`);
    if (await needCall(word)) await detail.share(agency, { relay, note });
    return null;
  };
  return [
    {
      verbs: ["SH"], usage: ["SH NFPD", "SH NFPD note…"],
      help: "Share the selected call with a partner agency: it sees the call, its chronology and its updates",
      run: sharing(false),
    },
    {
      verbs: ["RL"], usage: ["RL NFPD", "RL NFPD note…"],
      help: "Relay the selected call to a partner agency: it takes responsibility, the call stays here marked",
      run: sharing(true),
    },
    {
      verbs: ["UNSH"], usage: ["UNSH NFPD"], help: "End the selected call's share with (or relay to) a partner agency",
      async run({ word, args }) {
        if (args.length !== 1) return say("error", `${word}: give the partner agency, e.g. ${word} NFPD.`);
        if (await needCall(word)) await detail.unshare(args[0]);
        return null;
      },
    },
  ];
}

function clock(iso) {
  const t = toMs(iso);
  if (t === null) return "";
  return new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}
