// The command line: one keystroke away (F1 or /), every command answers in #cmd-message.
//
// COMMANDS is the one table of the console's verbs: what is typed, what it does (the help panel
// is drawn from it, and the README's command table says the same words), and what runs.
//
// A command acts on the call shown beside the line (#cmd-target). When that call changed since the
// dispatcher began typing, or was selected by a save rather than picked, closing, linking and
// reopening it wait for Y (or the call's number in the command: CL 02 45, RO 45).

import { h, setChildren } from "../dom.js";
import { STATUS_CODE } from "../statuses.js";
import { matchDispositions } from "./dispositions.js";
import { inquiryCommands } from "./inquiries.js";
import { recordEntryCommands } from "./recordentry.js";
import { shareCommands } from "./share.js";

export function commandTable({ detail, entry, alerts, say, toggleHelp, currentYear, dispositions, confirm, offer, more = [] }) {
  // The call shown, once the one asked for last has opened: "123⏎ N text⏎" typed in one go acts
  // on 123, never on the call still shown while 123 loads; if 123 does not open, nothing is done.
  const needCall = async (word) => {
    if (detail.opening() && !(await detail.whenOpen())) {
      say("error", `${word}: the call you asked for did not open; nothing done.`);
      return false;
    }
    if (detail.selected()) return true;
    say("error", `${word}: select a call first (type its number, or pick it in a list).`);
    return false;
  };
  const unitStatus = (status, help) => ({
    verbs: [STATUS_CODE[status]], usage: [`${STATUS_CODE[status]} 1A12`], help,
    async run({ word, args }) {
      if (!args.length) return say("error", `${word}: give the unit, e.g. ${word} 1A12.`);
      for (const callsign of args) await detail.unitStatus(callsign, status);
    },
  });
  const openCall = (word, rest) => callNumber(word === "C" ? rest[0] : (rest.length ? null : word), currentYear());
  // Close, link, reopen: on the call named in the command, else on the call shown once it is
  // certain that is the one meant (`confirm` asks for Y when it is not).
  const destructive = async (word, { given, confirmed, text, began }, what) => {
    if (given) {
      if (detail.selected()?.number !== given && !(await detail.open(given))) return false;
      return needCall(word);
    }
    return (await needCall(word)) && (confirmed || confirm(text, detail.selected(), what, began));
  };
  const closing = (rest) => {
    // "CL 02 45": the last word is the call when the words before it name a disposition alone.
    const last = rest.length > 1 ? callNumber(rest[rest.length - 1], currentYear()) : null;
    if (last && !matchDispositions(dispositions(), rest.join(" ")).length) {
      return { words: rest.slice(0, -1).join(" "), given: last };
    }
    return { words: rest.join(" "), given: null };
  };

  return [
    {
      verbs: ["D"], usage: ["D 1A12 1A11"], help: "Dispatch units to the selected call",
      async run({ word, args }) {
        if (!args.length) return say("error", "D: give the units, e.g. D 1A12 1A11.");
        if (await needCall(word)) await detail.dispatch(args);
      },
    },
    unitStatus("enroute", "En route"),
    unitStatus("onscene", "On scene"),
    unitStatus("transporting", "Transporting"),
    unitStatus("at_hospital", "At hospital"),
    unitStatus("available", "Available (clears it from its call)"),
    unitStatus("out_of_service", "Out of service"),
    unitStatus("off_duty", "Off duty"),
    {
      verbs: ["N"], usage: ["N text…"], help: "Note on the selected call",
      async run({ word, text, verb }) {
        const note = text.slice(verb.length).trim();
        if (!note) return say("error", "N: type the note after N, e.g. N suspect fled north.");
        if (await needCall(word)) await detail.note(note);
      },
    },
    {
      verbs: ["CL"], usage: ["CL 02", "CL ARREST", "CL 02 123"],
      help: "Close the selected call (or call 123) with a disposition, by code or words; several matches open a list to pick from",
      async run({ word, rest, text, confirmed, began }) {
        const { words, given } = closing(rest);
        if (!words) return say("error", "CL: give the disposition, by code or words: CL 02, CL ARREST.");
        const matches = matchDispositions(dispositions(), words);
        if (!matches.length) {
          return say("error", `CL: no disposition matches "${words.toUpperCase()}"; type CL and a word to see the list.`);
        }
        if (matches.length > 1) return offer(text, matches, given, began);
        const [disposition] = matches;
        if (await destructive(word, { given, confirmed, text, began }, `Close with ${disposition.code} ${disposition.description}:`)) {
          await detail.close(disposition.code, disposition.description);
        }
        return null;
      },
    },
    {
      verbs: ["REC"], usage: ["REC"], help: "Send the recommended units to the selected call",
      match: (word, rest) => word === "REC" && !rest.length,
      async run({ word }) {
        if (await needCall(word)) await detail.recommend();
      },
    },
    {
      verbs: ["REC"], usage: ["REC E"],
      help: "Put the recommended units in the dispatch line, to edit before sending",
      async run({ word, args }) {
        if (args.length !== 1 || args[0] !== "E") {
          return say("error", "REC: alone sends the recommended units; REC E puts them in the dispatch line.");
        }
        if (await needCall(word)) await detail.recommendEdit();
      },
    },
    {
      verbs: ["MA"], usage: ["MA", "MA NFPD ENGINE 2 note…"],
      help: "Ask for mutual aid on the selected call: alone, the partners of the recommendation's mutual-aid lines; "
        + "or a partner, a capability, how many (1 if left out) and a note",
      async run({ word, rest }) {
        if (!(await needCall(word))) return null;
        if (!rest.length) return detail.askAidRecommended();
        const [agency, capability, ...more] = rest;
        if (!capability) return say("error", "MA: give the partner and the capability, e.g. MA NFPD ENGINE 2, or MA alone.");
        const count = more.length && /^\d+$/.test(more[0]) ? Number(more.shift()) : 1;
        return detail.askAid({ agency: agency.toUpperCase(), capability: capability.toLowerCase(), count, note: more.join(" ") });
      },
    },
    {
      verbs: ["RO"], usage: ["RO", "RO 123"], help: "Reopen the selected call (or call 123; a linked duplicate is unlinked)",
      async run({ word, rest, text, confirmed, began }) {
        const given = rest.length === 1 ? callNumber(rest[0], currentYear()) : null;
        if (rest.length && !given) return say("error", "RO: alone for the selected call, or RO and the call's number.");
        if (await destructive(word, { given, confirmed, text, began }, "Reopen")) await detail.reopen();
      },
    },
    {
      verbs: ["LINK"], usage: ["LINK 123"],
      help: "Link the selected call as a duplicate of call 123 (it closes as 22)",
      async run({ word, args, text, confirmed, began }) {
        const master = args.length === 1 ? callNumber(args[0], currentYear()) : null;
        if (!master) return say("error", "LINK: give the call this one duplicates, e.g. LINK 123.");
        if (await destructive(word, { given: null, confirmed, text, began }, `Link as a duplicate of ${master}:`)) {
          await detail.link(master);
        }
      },
    },
    ...shareCommands({ detail, say, needCall }),
    ...inquiryCommands({ detail, say, needCall }),
    ...recordEntryCommands({ say }),
    {
      verbs: ["C"], usage: ["123", "2026-000123", "C 123"], help: "Open that call (a bare number is this year's)",
      match: (word, rest) => Boolean(openCall(word, rest)),
      async run({ word, rest }) {
        const call = await detail.open(openCall(word, rest));
        if (call) say("ok", `Opened ${call.number}: ${call.call_type.code} at ${call.location.address}.`);
      },
    },
    {
      verbs: ["NEW"], usage: ["NEW"], help: "Go to call entry",
      run() {
        entry.focus();
        say("info", "New call: type the location.");
      },
    },
    {
      verbs: ["ACK"], usage: ["ACK", "ACK 12"], help: "Acknowledge the most urgent alert, or alert 12",
      run({ args }) {
        if (args.length > 1 || (args.length && !/^\d+$/.test(args[0]))) {
          return say("error", "ACK: alone for the most urgent alert, or ACK and its number.");
        }
        return alerts.acknowledge(args.length ? Number(args[0]) : null);
      },
    },
    {
      verbs: ["CHK"], usage: ["CHK 1A12"], help: "1A12 answered its status check: OK",
      async run({ args }) {
        if (!args.length) return say("error", "CHK: give the unit that answered, e.g. CHK 1A12.");
        for (const callsign of args) await alerts.check(callsign);
      },
    },
    {
      verbs: ["EMER"], usage: ["EMER 1A12"], help: "1A12's radio sent its emergency button: the highest alert, on every console and the board until a supervisor acknowledges it",
      async run({ args }) {
        if (args.length !== 1) return say("error", "EMER: give the one unit, e.g. EMER 1A12.");
        return alerts.emergency(args[0].toUpperCase());
      },
    },
    ...more, // the panels' own verbs (the 9-1-1 line's ALI, the callback queue's CB), in the one table
    {
      verbs: ["?", "HELP"], usage: ["?", "HELP"], help: "Show or hide this help",
      run: () => toggleHelp(),
    },
  ];
}

export function setupCommands(context) {
  const { say, detail } = context;
  const input = document.getElementById("cmd");
  const target = document.getElementById("cmd-target");
  const asking = document.getElementById("cmd-ask");
  const picks = document.getElementById("cmd-picks");
  const history = [];
  let historyAt = 0;
  let returnTo = null;
  let returnList = null;
  let startedOn = undefined; // the call selected when the command in the line got its first key
  let pending = null; // a close, link or reopen waiting for Y: {text, callId, began}
  let offered = { items: [], active: -1, given: null };

  // Why the call shown may not be the one the dispatcher means (null: it is the one they picked).
  // Typing while a call they asked for opens is typing for that call.
  function doubt(call, began = startedOn) {
    if (!call) return null;
    if (began !== undefined) {
      const same = began.opening ? detail.openNumber() === began.openNo : began.id === call.id;
      if (!same) return `changed since you began typing${began.number ? ` (was ${began.number})` : ""}`;
    }
    return detail.selectedBy() === "save" ? "selected by your save, not picked" : null;
  }

  // The note in a few words, for the chip beside the line (the whole of it is its title).
  const SHORT = [[/^changed/, "⚠ changed while you typed"], [/^selected by your save/, "⚠ saved, not picked"]];

  function showTarget() {
    const call = detail.selected();
    const note = doubt(call);
    target.hidden = !call;
    target.dataset.changed = note ? "true" : "false";
    if (call) {
      const short = note ? SHORT.find(([pattern]) => pattern.test(note))?.[1] : null;
      setChildren(target, "on ", h("strong", {}, call.number), ` ${call.call_type.code}`,
        short ? h("span", { class: "why" }, ` ${short}`) : null);
      target.title = `Commands act on ${call.number}: ${call.call_type.code} at ${call.location.address}`
        + (note ? ` (${note})` : "");
    }
    if (!pending) asking.hidden = true;
  }

  const confirm = (text, call, what, began) => {
    const note = doubt(call, began);
    if (!note) return true;
    pending = { text, callId: call.id, began };
    if (!input.value.trim()) {
      input.value = text;
      startedOn = began; // the command stays in the line, begun when it was
    }
    const [verb] = text.split(/\s+/);
    const own = call.number.split("-")[1].replace(/^0+(?=\d)/, "");
    const question = `${what} ${call.number} ${call.call_type.code} at ${call.location.address}? It was ${note}.`;
    const keys = `Y: yes · Esc: no${verb.toUpperCase() === "LINK" ? "" : ` · or name the call: ${text.toUpperCase()} ${own}`}`;
    say("warn", `${question} ${keys}`);
    setChildren(asking, h("strong", {}, question), h("br"), keys);
    place(asking);
    asking.hidden = false;
    return false;
  };

  // Fixed under the command line, so nothing on the page moves when it shows.
  function place(el, width = 520) {
    const r = input.getBoundingClientRect();
    Object.assign(el.style, { left: `${r.left}px`, top: `${r.bottom + 2}px`, width: `${Math.max(r.width, width)}px` });
  }

  // Several dispositions match the words: a list under the line, ↓↑ to choose, Enter to close.
  const offer = (text, items, given, began) => {
    if (input.value.trim()) return say("info", `${items.length} dispositions match ${text.toUpperCase()}: type its code.`);
    input.value = text;
    startedOn = began;
    showPicks(items, given);
    say("info", `${items.length} dispositions match: ↓ to choose one and Enter, or type its code.`);
  };

  function showPicks(items, given = null, active = -1) {
    offered = { items: items.slice(0, 10), active, given };
    setChildren(picks, offered.items.map((d, i) => h("li", {
      role: "option", class: "option", id: `cmd-pick-${i}`, "data-code": d.code, "aria-selected": String(i === active),
      onclick: () => choose(i),
    }, h("span", { class: "opt-main" }, d.code), " ", h("span", { class: "opt-desc" }, d.description))));
    place(picks);
    picks.hidden = !offered.items.length;
  }

  function hidePicks() {
    offered = { items: [], active: -1, given: null };
    picks.hidden = true;
    picks.replaceChildren();
  }

  function choose(i) {
    const item = offered.items[i];
    if (!item) return;
    const text = ["CL", item.code, offered.given ? offered.given : null].filter(Boolean).join(" ");
    hidePicks();
    history.push(text);
    historyAt = history.length;
    execute(text, { began: take() }).finally(afterCommand);
  }

  // As "CL …" is typed, the dispositions its words match stand under the line.
  function updatePicks() {
    const match = /^CL\s+(.+)$/i.exec(input.value.trim());
    if (!match) return hidePicks();
    const items = matchDispositions(context.dispositions(), match[1]);
    return showPicks(items.length > 1 ? items : [], null);
  }

  const commands = commandTable({ ...context, confirm, offer });
  renderHelp(document.getElementById("cmd-help-rows"), commands);

  input.addEventListener("focus", (e) => {
    const from = e.relatedTarget;
    if (from && from !== input && from !== document.body && !picks.contains(from)) {
      returnTo = from;
      returnList = from.closest('[role="listbox"]');
    }
    showTarget();
  });

  input.addEventListener("input", () => {
    const text = input.value.trim();
    if (!text) startedOn = undefined;
    else if (startedOn === undefined) startedOn = selection();
    if (pending && text !== pending.text) {
      pending = null;
      asking.hidden = true;
    }
    updatePicks();
    showTarget();
  });

  input.addEventListener("keydown", async (e) => {
    const picking = !picks.hidden && offered.items.length;
    if (pending && (e.key === "y" || e.key === "Y") && !e.ctrlKey && !e.altKey && input.value.trim() === pending.text) {
      e.preventDefault();
      const { text, callId, began } = pending;
      pending = null;
      asking.hidden = true;
      take();
      // Y answers for the call that was asked about; a different call now is asked about anew.
      await execute(text, { confirmed: detail.selected()?.id === callId, began });
      afterCommand();
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (picking && offered.active >= 0) return choose(offered.active);
      const text = input.value.trim();
      if (!text) return null;
      history.push(text);
      historyAt = history.length;
      hidePicks();
      await execute(text, { began: take() });
      afterCommand();
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      if (picking) return hidePicks();
      if (pending) say("info", `Not done: ${pending.text.toUpperCase()}.`);
      pending = null;
      asking.hidden = true;
      input.value = "";
      startedOn = undefined;
      context.toggleHelp(false);
      showTarget();
      back();
    } else if (picking && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      const n = offered.items.length;
      const next = offered.active < 0 ? (e.key === "ArrowDown" ? 0 : n - 1) : (offered.active + (e.key === "ArrowDown" ? 1 : -1) + n) % n;
      showPicks(offered.items, offered.given, next);
    } else if (e.key === "ArrowUp" && history.length) {
      e.preventDefault();
      historyAt = Math.max(0, historyAt - 1);
      input.value = history[historyAt];
      if (startedOn === undefined) startedOn = selection();
    } else if (e.key === "ArrowDown" && history.length) {
      e.preventDefault();
      historyAt = Math.min(history.length, historyAt + 1);
      input.value = history[historyAt] || "";
    }
    return null;
  });

  function selection() {
    const call = detail.selected();
    return { id: call?.id ?? null, number: call?.number ?? null, opening: detail.opening(), openNo: detail.openNumber() };
  }

  // The command leaves the line: what the line showed when its first key was typed goes with it,
  // and the next command starts afresh (even typed while this one still runs).
  function take() {
    const began = startedOn;
    startedOn = undefined;
    input.value = "";
    return began;
  }

  function afterCommand() {
    showTarget();
  }

  function back() {
    // The row we came from may have left its list (a call just dispatched): go to the list instead.
    if (returnTo && document.contains(returnTo)) returnTo.focus();
    else if (returnList && document.contains(returnList)) returnList.focus();
    else input.blur();
  }

  async function execute(text, { confirmed = false, began = undefined } = {}) {
    const [verb, ...rest] = text.split(/\s+/);
    const word = verb.toUpperCase();
    const args = rest.map((a) => a.toUpperCase());
    const command = commands.find((c) => (c.match ? c.match(word, rest) : c.verbs.includes(word)));
    if (!command) return say("error", `Unknown command "${text}". Type ? for the list.`);
    return command.run({ text, verb, word, args, rest, confirmed, began });
  }

  return {
    focus() {
      input.focus();
      input.select();
    },
    execute,
    selectionChanged: showTarget,
  };
}

// The help panel's command rows, drawn from the table: what is typed, then what it does.
function renderHelp(tbody, commands) {
  if (!tbody) return;
  tbody.replaceChildren(...commands.map((command) => {
    const row = document.createElement("tr");
    const typed = document.createElement("td");
    command.usage.forEach((usage, i) => {
      if (i) typed.append(", ");
      const kbd = document.createElement("kbd");
      kbd.textContent = usage;
      typed.append(kbd);
    });
    const does = document.createElement("td");
    does.textContent = command.help;
    row.append(typed, does);
    return row;
  }));
}

// "123" is this year's call 123; "2026-123" and "2026-000123" are both 2026-000123.
export function callNumber(text, year = new Date().getFullYear()) {
  if (!text) return null;
  let match = /^(\d{4})-(\d{1,8})$/.exec(text);
  if (match) return `${match[1]}-${match[2].padStart(6, "0")}`;
  match = /^#?(\d{1,8})$/.exec(text);
  if (match) return `${year}-${match[1].padStart(6, "0")}`;
  return null;
}
