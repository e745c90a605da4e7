// Messages: what the center sent this unit (a tone, newest first), and a line back to the consoles
// (about the unit's call, when it works one), sent as the terminal's other changes are (`send`:
// kept while the link is down). Shown as text, never markup.

import { h, setChildren } from "../dom.js";
import { beep } from "../tone.js";

const KEPT = 20;

export function setupMessages({ list, form, input, send }) {
  const messages = [];

  function render() {
    list.closest("section").hidden = false;
    setChildren(list, messages.map((m) => h("li", { "data-from": m.from_unit ? "unit" : "console" },
      h("span", { class: "msg-time" }, new Date(m.sent_at).toLocaleTimeString([], { hour12: false })),
      h("strong", { class: "msg-who" }, m.from_unit ? "You → center" : `Center → ${m.to}`),
      h("span", { class: "msg-text" }, m.text))));
  }

  function add(message) {
    if (messages.some((m) => m.id === message.id)) return;
    messages.unshift(message);
    messages.length = Math.min(messages.length, KEPT);
    render();
    if (!message.from_unit) beep(1);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });

  return { add };
}
