// A combobox: an input with a list of matches under it. ↑↓ move, Enter/Tab pick, Esc closes.

import { h, setChildren } from "../dom.js";

let comboCount = 0;

export class Combo {
  // search(text) returns matches (or a promise of them); render(item) returns the option's content.
  // autoSelect: the first match is highlighted, so Enter picks it (call types); otherwise Enter
  // picks only what the arrows highlighted and is left to the form (addresses: typed text is fine).
  // settled(): the text already is a complete pick, so Enter goes to the form instead.
  constructor(input, list, { search, render, onPick, minChars = 1, delay = 0, autoSelect = false, settled = () => false }) {
    Object.assign(this, { input, list, search, render, onPick, minChars, delay, autoSelect, settled });
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.requestNo = 0;
    this.prefix = `combo${++comboCount}-opt`;
    input.addEventListener("input", () => this.schedule());
    input.addEventListener("keydown", (e) => this.onKey(e));
    input.addEventListener("blur", () => setTimeout(() => this.cancel(), 120));
    list.addEventListener("mousedown", (e) => e.preventDefault()); // keep focus in the input
  }

  schedule() {
    clearTimeout(this.timer);
    const text = this.input.value.trim();
    if (text.length < this.minChars) {
      this.requestNo++;
      this.close();
      return;
    }
    this.timer = setTimeout(() => this.run(text), this.delay);
  }

  async run(text) {
    const mine = ++this.requestNo;
    let items;
    try {
      items = await this.search(text);
    } catch (err) {
      console.error("lookup failed", err);
      items = [];
    }
    if (mine !== this.requestNo || document.activeElement !== this.input) return; // a newer keystroke won
    this.show(items || [], text);
  }

  show(items, text) {
    this.shownFor = text;
    this.items = items;
    this.active = this.autoSelect && items.length ? 0 : -1;
    setChildren(this.list, items.map((item, i) => h("li", {
      id: `${this.prefix}${i}`, role: "option", class: "option", "aria-selected": "false",
      onclick: () => this.pick(i),
    }, this.render(item))));
    this.place();
    this.list.hidden = items.length === 0;
    this.input.setAttribute("aria-expanded", String(items.length > 0));
    this.highlight();
  }

  // Fixed to the viewport under the input, so a scrolling panel never clips the list.
  place() {
    const r = this.input.getBoundingClientRect();
    const width = Math.max(r.width, Math.min(560, window.innerWidth - r.left - 8));
    Object.assign(this.list.style, { left: `${r.left}px`, top: `${r.bottom + 2}px`, width: `${width}px`,
      maxHeight: `${Math.max(120, window.innerHeight - r.bottom - 12)}px` });
  }

  // Forget pending lookups too: a late answer must not pop up after the form moved on.
  cancel() {
    clearTimeout(this.timer);
    this.requestNo++;
    this.close();
  }

  close() {
    this.items = [];
    this.active = -1;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  isOpen() {
    return !this.list.hidden && this.items.length > 0;
  }

  highlight() {
    [...this.list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === this.active)));
    const li = this.list.children[this.active];
    if (li) {
      this.input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  move(step) {
    if (!this.items.length) return;
    const n = this.items.length;
    this.active = this.active < 0 ? (step > 0 ? 0 : n - 1) : (this.active + step + n) % n;
    this.highlight();
  }

  pick(i) {
    const item = this.items[i];
    this.close();
    if (item !== undefined) this.onPick(item);
  }

  // The list on screen was found for other text than the field now holds (typed faster than the
  // lookup answered): picking from it could choose SHOPLIFT for "shoot", so it is never picked.
  stale() {
    return this.isOpen() && this.shownFor !== this.input.value.trim();
  }

  async onStaleKey(e) {
    e.preventDefault();
    e.stopPropagation();
    if (e.key === "Tab") {
      this.cancel();
      return;
    }
    clearTimeout(this.timer);
    await this.run(this.input.value.trim());
    if (e.key === "Enter" && this.autoSelect && this.isOpen()) this.pick(0);
    else if (e.key === "ArrowDown" || e.key === "ArrowUp") this.move(e.key === "ArrowDown" ? 1 : -1);
  }

  onKey(e) {
    const picking = (e.key === "Enter" && !e.ctrlKey) || (e.key === "Tab" && !e.shiftKey)
      || e.key === "ArrowDown" || e.key === "ArrowUp";
    if (picking && this.stale()) {
      this.onStaleKey(e);
      return;
    }
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!this.isOpen()) {
        if (e.key === "ArrowDown" && this.input.value.trim().length >= this.minChars) {
          e.preventDefault();
          this.run(this.input.value.trim());
        }
        return;
      }
      e.preventDefault();
      this.move(e.key === "ArrowDown" ? 1 : -1);
    } else if (e.key === "Enter" && !e.ctrlKey && this.isOpen() && this.active >= 0 && !this.settled()) {
      e.preventDefault();
      e.stopPropagation();
      this.pick(this.active);
    } else if (e.key === "Tab" && !e.shiftKey && this.isOpen() && this.active >= 0) {
      this.pick(this.active); // then focus moves on as usual
    } else if (e.key === "Escape" && this.isOpen()) {
      e.preventDefault();
      e.stopPropagation();
      this.close();
    } else if (e.key === "Enter") {
      this.cancel();
    }
  }
}
