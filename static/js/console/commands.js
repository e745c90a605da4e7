// The command line: one keystroke away (F1 or /), every command answers in #cmd-message.

import { UNIT_STATUS } from "./api.js";

const STATUS_BY_CODE = Object.fromEntries(
  Object.entries(UNIT_STATUS).filter(([status]) => status !== "dispatched").map(([status, info]) => [info.code, status]));
STATUS_BY_CODE.OFF = "off_duty";

export function setupCommands({ detail, entry, alerts, say, toggleHelp, currentYear }) {
  const input = document.getElementById("cmd");
  const history = [];
  let historyAt = 0;
  let returnTo = null;
  let returnList = null;

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
      toggleHelp(false);
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
    const needCall = () => {
      if (detail.opening()) {
        // Acting now would act on the call still shown, not the one just picked.
        say("error", `${word}: the call you picked is still opening; try again in a moment.`);
        return false;
      }
      if (detail.selected()) return true;
      say("error", `${word}: select a call first (type its number, or pick it in a list).`);
      return false;
    };

    if (word === "?" || word === "HELP") return toggleHelp();
    if (word === "NEW") {
      entry.focus();
      return say("info", "New call: type the location.");
    }
    if (word === "D") {
      if (!args.length) return say("error", "D: give the units, e.g. D 1A12 1A11.");
      if (needCall()) await detail.dispatch(args);
      return;
    }
    if (STATUS_BY_CODE[word]) {
      if (!args.length) return say("error", `${word}: give the unit, e.g. ${word} 1A12.`);
      for (const callsign of args) await detail.unitStatus(callsign, STATUS_BY_CODE[word]);
      return;
    }
    if (word === "N") {
      const note = text.slice(verb.length).trim();
      if (!note) return say("error", "N: type the note after N, e.g. N suspect fled north.");
      if (needCall()) await detail.note(note);
      return;
    }
    if (word === "CL") {
      if (args.length !== 1) return say("error", "CL: give one disposition code, e.g. CL 02.");
      if (needCall()) await detail.close(args[0]);
      return;
    }
    if (word === "ACK") {
      if (args.length > 1 || (args.length && !/^\d+$/.test(args[0]))) {
        return say("error", "ACK: alone for the most urgent alert, or ACK and its number.");
      }
      return alerts.acknowledge(args.length ? Number(args[0]) : null);
    }
    if (word === "CHK") {
      if (!args.length) return say("error", "CHK: give the unit that answered, e.g. CHK 1A12.");
      for (const callsign of args) await alerts.check(callsign);
      return;
    }
    if (word === "REC") {
      if (args.length > 1 || (args.length && args[0] !== "E")) {
        return say("error", "REC: alone sends the recommended units; REC E puts them in the dispatch line.");
      }
      if (needCall()) await (args.length ? detail.recommendEdit() : detail.recommend());
      return;
    }
    if (word === "RO") {
      if (needCall()) await detail.reopen();
      return;
    }
    if (word === "LINK") {
      const master = args.length === 1 ? callNumber(args[0], currentYear()) : null;
      if (!master) return say("error", "LINK: give the call this one duplicates, e.g. LINK 123.");
      if (needCall()) await detail.link(master);
      return;
    }
    const number = callNumber(word === "C" ? args[0] : (rest.length ? null : word), currentYear());
    if (number) {
      const call = await detail.open(number);
      if (call) say("ok", `Opened ${call.number}: ${call.call_type.code} at ${call.location.address}.`);
      return;
    }
    say("error", `Unknown command "${text}". Type ? for the list.`);
  }

  return {
    focus() {
      input.focus();
      input.select();
    },
    execute,
  };
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
