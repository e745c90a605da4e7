// The command line: one keystroke away (F1 or /), every command answers in #cmd-message.
//
// COMMANDS is the one table of the console's verbs: what is typed, what it does (the help panel
// is drawn from it, and the README's command table says the same words), and what runs.

import { STATUS_CODE } from "../statuses.js";

export function commandTable({ detail, entry, alerts, say, toggleHelp, currentYear }) {
  const needCall = (word) => {
    if (detail.opening()) {
      // Acting now would act on the call still shown, not the one just picked.
      say("error", `${word}: the call you picked is still opening; try again in a moment.`);
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

  return [
    {
      verbs: ["D"], usage: ["D 1A12 1A11"], help: "Dispatch units to the selected call",
      async run({ word, args }) {
        if (!args.length) return say("error", "D: give the units, e.g. D 1A12 1A11.");
        if (needCall(word)) await detail.dispatch(args);
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
        if (needCall(word)) await detail.note(note);
      },
    },
    {
      verbs: ["CL"], usage: ["CL 02"], help: "Close the selected call with disposition 02",
      async run({ word, args }) {
        if (args.length !== 1) return say("error", "CL: give one disposition code, e.g. CL 02.");
        if (needCall(word)) await detail.close(args[0]);
      },
    },
    {
      verbs: ["REC"], usage: ["REC"], help: "Send the recommended units to the selected call",
      match: (word, rest) => word === "REC" && !rest.length,
      async run({ word }) {
        if (needCall(word)) await detail.recommend();
      },
    },
    {
      verbs: ["REC"], usage: ["REC E"],
      help: "Put the recommended units in the dispatch line, to edit before sending",
      async run({ word, args }) {
        if (args.length !== 1 || args[0] !== "E") {
          return say("error", "REC: alone sends the recommended units; REC E puts them in the dispatch line.");
        }
        if (needCall(word)) await detail.recommendEdit();
      },
    },
    {
      verbs: ["RO"], usage: ["RO"], help: "Reopen the selected call (a linked duplicate is unlinked)",
      async run({ word }) {
        if (needCall(word)) await detail.reopen();
      },
    },
    {
      verbs: ["LINK"], usage: ["LINK 123"],
      help: "Link the selected call as a duplicate of call 123 (it closes as 22)",
      async run({ word, args }) {
        const master = args.length === 1 ? callNumber(args[0], currentYear()) : null;
        if (!master) return say("error", "LINK: give the call this one duplicates, e.g. LINK 123.");
        if (needCall(word)) await detail.link(master);
      },
    },
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
      verbs: ["?", "HELP"], usage: ["?", "HELP"], help: "Show or hide this help",
      run: () => toggleHelp(),
    },
  ];
}

export function setupCommands(context) {
  const { say } = context;
  const commands = commandTable(context);
  const input = document.getElementById("cmd");
  const history = [];
  let historyAt = 0;
  let returnTo = null;
  let returnList = null;

  renderHelp(document.getElementById("cmd-help-rows"), commands);

  input.addEventListener("focus", (e) => {
    const from = e.relatedTarget;
    if (from && from !== input && from !== document.body) {
      returnTo = from;
      returnList = from.closest('[role="listbox"]');
    }
  });

  input.addEventListener("keydown", async (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      history.push(text);
      historyAt = history.length;
      input.value = "";
      await execute(text);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      input.value = "";
      context.toggleHelp(false);
      back();
    } else if (e.key === "ArrowUp" && history.length) {
      e.preventDefault();
      historyAt = Math.max(0, historyAt - 1);
      input.value = history[historyAt];
    } else if (e.key === "ArrowDown" && history.length) {
      e.preventDefault();
      historyAt = Math.min(history.length, historyAt + 1);
      input.value = history[historyAt] || "";
    }
  });

  function back() {
    // The row we came from may have left its list (a call just dispatched): go to the list instead.
    if (returnTo && document.contains(returnTo)) returnTo.focus();
    else if (returnList && document.contains(returnList)) returnList.focus();
    else input.blur();
  }

  async function execute(text) {
    const [verb, ...rest] = text.split(/\s+/);
    const word = verb.toUpperCase();
    const args = rest.map((a) => a.toUpperCase());
    const command = commands.find((c) => (c.match ? c.match(word, rest) : c.verbs.includes(word)));
    if (!command) return say("error", `Unknown command "${text}". Type ? for the list.`);
    return command.run({ text, verb, word, args, rest });
  }

  return {
    focus() {
      input.focus();
      input.select();
    },
    execute,
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
