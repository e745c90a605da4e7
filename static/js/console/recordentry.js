// Entering the records inquiries find, from the command line, with NCIC's message keys: EV a
// stolen vehicle, EM a missing person. Each opens its form in one panel (what was typed stays
// while the panel is closed, until the record is entered); a 400 puts each message beside the
// field it names and keeps everything typed; once entered, the panel closes and the message line
// says so. A missing person's photo goes up after the record is entered, on its own: if it fails,
// the record stays entered and the message says the photo was not saved.
// Everything shown comes from the server or the dispatcher's typing, and goes in as text.

import { h, setChildren, setText } from "../dom.js";
import { now } from "../timers.js";
import { api } from "./api.js";
import { isDate } from "./inquiries.js";

// MissingCategory in records/inquiries/choices.py, in its order (the browser test keeps them in step).
const MISSING_CATEGORIES = [["runaway", "Runaway"], ["lost", "Lost"], ["endangered", "Endangered"],
  ["abducted", "Abducted"], ["disabled", "Disabled"]];

const STOLEN_VEHICLE = {
  key: "ev", verb: "EV", title: "Enter stolen vehicle", path: "vehicles/stolen/",
  fields: [
    { name: "plate", label: "Plate", span: 2, upper: true, maxlength: 20 },
    { name: "state", label: "State", span: 1, upper: true, maxlength: 2 },
    { name: "vin", label: "VIN", span: 3, upper: true, maxlength: 30 },
    { name: "year", label: "Year", span: 1, inputmode: "numeric", maxlength: 4, number: true },
    { name: "make", label: "Make", span: 2, maxlength: 30 },
    { name: "model", label: "Model", span: 2, maxlength: 30 },
    { name: "colour", label: "Colour", span: 1, maxlength: 30 },
    { name: "stolen_at", label: "Stolen at", span: 3, type: "datetime-local" },
    { name: "case_number", label: "Case number", span: 3, upper: true, maxlength: 30 },
  ],
  named: (v) => (v.plate ? `${v.plate} ${v.plate_state}` : `VIN ${v.vin}`),
  entered: (v, named) => `Stolen vehicle ${named} entered; QV finds it from now.`,
};

const MISSING_PERSON = {
  key: "em", verb: "EM", title: "Enter missing person", path: "missing-persons/",
  fields: [
    { name: "last", label: "Last name", span: 3, upper: true, maxlength: 60 },
    { name: "first", label: "First name", span: 3, upper: true, maxlength: 60 },
    { name: "dob", label: "Date of birth", span: 2, placeholder: "YYYY-MM-DD", maxlength: 10 },
    { name: "category", label: "Category", span: 2, choices: MISSING_CATEGORIES },
    { name: "missing_since", label: "Missing since", span: 2, type: "datetime-local" },
    { name: "last_seen", label: "Last seen", span: 6, placeholder: "Where, wearing what", maxlength: 200 },
    { name: "description", label: "Description", span: 6, multiline: true, maxlength: 2000 },
    { name: "photo", label: "Photo", span: 6, type: "file", accept: "image/jpeg,image/png,image/gif,image/webp" },
  ],
  named: (p) => `${p.last_name}, ${p.first_name}`,
  entered: (p, named) => `Missing person ${named} entered (${p.category}).`,
};

// "ABC123 MO" → plate and state, a 17-character word → the VIN; null when the words are neither.
function stolenVehicleWords(words) {
  const [first, state, ...more] = words;
  if (!first) return {};
  if (more.length || (state && !/^[A-Za-z]{2}$/.test(state))) return null;
  if (first.length === 17) return state ? null : { vin: first };
  return { plate: first, ...(state ? { state } : {}) };
}

// "SMITH,JANE 2011-05-02" → last, first and date of birth; null when the words are not that.
function missingPersonWords(words) {
  const dobAt = words.findIndex(isDate);
  if (dobAt >= 0 && dobAt !== words.length - 1) return null;
  const [last = "", first = "", ...more] = words.slice(0, dobAt >= 0 ? dobAt : words.length).join(" ")
    .split(",").map((s) => s.trim());
  if (more.length) return null;
  return Object.fromEntries(Object.entries({ last, first, dob: words[dobAt] || "" }).filter(([, v]) => v));
}

// The workstation's wall clock (following the server's time) as a datetime-local value, to the minute.
function localMinute(ms) {
  const t = new Date(ms);
  const two = (n) => String(n).padStart(2, "0");
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())}T${two(t.getHours())}:${two(t.getMinutes())}`;
}

function control(field, id, errorId) {
  const common = { id, name: field.name, "aria-describedby": errorId };
  if (field.choices) {
    return h("select", common, h("option", { value: "" }, "— choose —"),
      field.choices.map(([value, label]) => h("option", { value }, label)));
  }
  if (field.multiline) return h("textarea", { ...common, rows: 2, maxlength: field.maxlength, spellcheck: "false" });
  return h("input", { ...common, type: field.type || "text", autocomplete: "off", spellcheck: "false",
    class: field.upper ? "upper" : null, maxlength: field.maxlength, inputmode: field.inputmode,
    placeholder: field.placeholder, accept: field.accept });
}

function entryForm(kind, { say, close }) {
  const inputs = new Map();
  const errors = new Map();
  const cells = kind.fields.map((field) => {
    const id = `${kind.key}-${field.name.replace(/_/g, "-")}`;
    const error = h("div", { class: "field-error", id: `${id}-error` });
    const input = control(field, id, error.id);
    inputs.set(field.name, input);
    errors.set(field.name, error);
    return h("div", { class: `field span-${field.span}` }, h("label", { for: id }, field.label), input, error);
  });
  const message = h("div", { class: "form-message", id: `${kind.key}-message`, role: "alert" });
  const go = h("button", { type: "submit", id: `${kind.key}-go` }, kind.title, " ", h("kbd", {}, "Enter"));
  const form = h("form", { class: "record-entry-form", id: `${kind.key}-form`, novalidate: true, autocomplete: "off" },
    h("div", { class: "record-entry-fields" }, cells), message,
    h("div", { class: "record-entry-actions" }, go,
      h("button", { type: "button", class: "quiet", onclick: close }, "Close ", h("kbd", {}, "Esc"))));
  let sending = false;
  let typed = false; // since the form was last emptied: a form untouched gets the time now again
  form.addEventListener("input", () => { typed = true; });

  function clearErrors() {
    for (const [name, error] of errors) {
      setText(error, "");
      inputs.get(name).removeAttribute("aria-invalid");
    }
    setText(message, "");
  }

  function reset() {
    form.reset();
    clearErrors();
    typed = false;
    for (const field of kind.fields) {
      if (field.type === "datetime-local") inputs.get(field.name).value = localMinute(now());
    }
  }

  // What was typed as the API takes it: empty fields left out (the server says which it needs).
  function body() {
    const values = {};
    for (const field of kind.fields) {
      if (field.type === "file") continue;
      const value = inputs.get(field.name).value.trim();
      if (!value) continue;
      if (field.type === "datetime-local") values[field.name] = new Date(value).toISOString();
      else values[field.name] = field.number && /^\d+$/.test(value) ? Number(value) : value;
    }
    return values;
  }

  // The 400's {field: [messages]} beside each field; anything else under the form.
  function showErrors(fields) {
    const loose = [];
    for (const [name, words] of Object.entries(fields)) {
      const text = [words].flat(Infinity).join(" ");
      if (errors.has(name)) {
        setText(errors.get(name), text);
        inputs.get(name).setAttribute("aria-invalid", "true");
      } else {
        loose.push(name === "non_field_errors" || name === "detail" ? text : `${name}: ${text}`);
      }
    }
    setText(message, loose.join(" · "));
    kind.fields.map((f) => inputs.get(f.name)).find((input) => input.hasAttribute("aria-invalid"))?.focus();
  }

  async function submit() {
    if (sending) return;
    sending = true;
    go.disabled = true;
    clearErrors();
    let record;
    try {
      record = await api("POST", kind.path, body());
    } catch (err) {
      if (err.status === 400) {
        showErrors(err.fields);
        say("error", `${kind.verb}: not entered; correct what the form marks.`);
      } else {
        setText(message, err.message);
        say("error", `${kind.verb}: not entered: ${err.message}`);
      }
      return;
    } finally {
      sending = false;
      go.disabled = false;
    }
    const files = kind.fields.filter((f) => f.type === "file" && inputs.get(f.name).files.length)
      .map((f) => [f, inputs.get(f.name).files[0]]);
    reset();
    close();
    const named = kind.named(record);
    say("ok", kind.entered(record, named));
    for (const [field, file] of files) {
      const sent = new FormData();
      sent.append(field.name, file);
      try {
        await api("PUT", `${kind.path}${record.id}/${field.name}/`, sent);
      } catch (err) {
        const why = err.status === 400 && err.fields[field.name] ? [err.fields[field.name]].flat().join(" ") : err.message;
        say("warn", `${named} entered, but the ${field.label.toLowerCase()} was not saved: ${why}`);
      }
    }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  // Enter in any field enters the record (Shift+Enter: a new line in the description); Esc closes.
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === "Enter" && !e.target.matches("button") && !(e.shiftKey && e.target.matches("textarea"))) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  // The words from the command line fill a fresh form; the keyboard goes to the next empty field.
  function open(values) {
    const given = Object.keys(values);
    if (given.length || !typed) reset();
    for (const name of given) inputs.get(name).value = values[name];
    typed ||= given.length > 0;
    const names = kind.fields.map((f) => f.name);
    const after = Math.max(-1, ...given.map((name) => names.indexOf(name)));
    const empty = (name) => !inputs.get(name).value;
    const next = names.slice(after + 1).find(empty) || names.find(empty) || names[0];
    inputs.get(next).focus();
  }

  return { title: kind.title, verb: kind.verb, form, open };
}

export function recordEntryCommands({ say }) {
  let panel = null;
  const forms = {};

  function close() {
    document.activeElement?.blur();
    if (panel) panel.hidden = true;
    document.getElementById("cmd")?.focus();
  }

  function show(kind, values) {
    if (!panel) {
      panel = h("section", { id: "record-entry", class: "record-entry-panel", role: "dialog",
        "aria-labelledby": "record-entry-title" });
      document.body.append(panel);
    }
    const entry = forms[kind.key] ||= entryForm(kind, { say, close });
    setChildren(panel, h("h2", { id: "record-entry-title", class: "panel-title" }, entry.title, " ",
      h("kbd", {}, entry.verb)), entry.form);
    panel.dataset.kind = kind.key;
    panel.hidden = false;
    entry.open(values);
    say("info", `${entry.title}: Enter to enter, Esc to close.`);
  }

  return [
    {
      verbs: ["EV"], usage: ["EV", "EV ABC123 MO", "EV 1HGCM82633A004352"],
      help: "Enter a stolen vehicle: its form opens, the plate and its state (or the VIN) filled in; QV finds it from then on",
      run({ rest }) {
        const values = stolenVehicleWords(rest);
        if (!values) return say("error", "EV: alone, or the plate and its state (EV ABC123 MO), or the 17-character VIN.");
        return show(STOLEN_VEHICLE, values);
      },
    },
    {
      verbs: ["EM"], usage: ["EM", "EM SMITH,JANE 2011-05-02"],
      help: "Enter a missing person: its form opens, last,first and the date of birth filled in; QP finds them from then on",
      run({ rest }) {
        const values = missingPersonWords(rest);
        if (!values) return say("error", "EM: alone, or the name as LAST,FIRST and the date of birth (EM SMITH,JANE 2011-05-02).");
        return show(MISSING_PERSON, values);
      },
    },
  ];
}
