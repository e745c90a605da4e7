// A combobox: an input with a list of matches under it. ↑↓ move, Enter/Tab pick, Esc closes.
// Enter never reaches the form while a list is open or a look-up is due: it picks, or does nothing.

import { h, setChildren } from "../dom.js";

let comboCount = 0;

export class Combo {
  // search(text) returns matches (or a promise of them); render(item) returns the option's content.
  // autoSelect: the first match is highlighted, so Enter and Tab pick it (call types); otherwise
  // only what the arrows highlighted is picked by Tab (addresses: typed text is fine), and Enter
  // with nothing highlighted picks the first match when firstPick(item) allows it.
  // settled(): the text already is a complete pick, so Enter goes to the form instead.
  // next(): where Tab goes when it had to wait for the look-up to pick (the key was held back).
  constructor(input, list, { search, render, onPick, minChars = 1, delay = 0, autoSelect = false,
    settled = () => false, firstPick = () => autoSelect, next = null }) {
    Object.assign(this, { input, list, search, render, onPick, minChars, delay, autoSelect, settled, firstPick, next });
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.awaiting = false; // a look-up for the text in the field is due or on its way
    this.requestNo = 0;
    this.prefix = `combo${++comboCount}-opt`;
    input.addEventListener("input", () => this.schedule());
    input.addEventListener("keydown", (e) => this.onKey(e));
    // Leaving closes the list a moment later (a click on it lands first), unless the dispatcher is
    // back in the field by then: a Tab away and Shift+Tab back must not lose what is typed since.
    input.addEventListener("blur", () => setTimeout(() => {
      if (document.activeElement !== input) this.cancel();
    }, 120));
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
    this.awaiting = true;
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
    this.awaiting = false;
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
    this.awaiting = false;
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

  // Enter or Tab came before the list for this text: look it up now, then do what the key means.
  async settle(e) {
    e.preventDefault();
    e.stopPropagation();
    clearTimeout(this.timer);
    await this.run(this.input.value.trim());
    const first = this.isOpen() && (this.autoSelect || this.firstPick(this.items[0]));
    if (e.key === "Enter" && first) this.pick(0);
    else if (e.key === "Tab") {
      if (this.autoSelect && this.isOpen()) this.pick(0);
      else this.cancel();
      this.next?.();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") this.move(e.key === "ArrowDown" ? 1 : -1);
  }

  onKey(e) {
    const plain = !e.ctrlKey && !e.altKey && !e.metaKey;
    const enter = e.key === "Enter" && plain && !e.shiftKey;
    const tab = e.key === "Tab" && !e.shiftKey;
    const text = this.input.value.trim();
    if ((enter || tab || e.key === "ArrowDown" || e.key === "ArrowUp") && this.stale()) {
      // A Tab on an address typed faster than its look-up moves on at once: the typed text stands.
      if (tab && !this.autoSelect) this.cancel();
      else this.settle(e);
      return;
    }
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!this.isOpen()) {
        if (e.key === "ArrowDown" && text.length >= this.minChars) {
          e.preventDefault();
          this.run(text);
        }
        return;
      }
      e.preventDefault();
      this.move(e.key === "ArrowDown" ? 1 : -1);
    } else if (enter && this.isOpen() && !this.settled()) {
      // With a list open Enter picks (the highlighted match, else the first when it may) or does
      // nothing: it never saves a half-typed form.
      e.preventDefault();
      e.stopPropagation();
      if (this.active >= 0) this.pick(this.active);
      else if (this.firstPick(this.items[0])) this.pick(0);
    } else if (enter && !this.isOpen() && !this.settled() && text.length >= this.minChars && this.awaiting) {
      this.settle(e); // typed faster than the look-up's debounce: look up now, never save meanwhile
    } else if (tab && this.isOpen() && this.active >= 0) {
      this.pick(this.active); // then focus moves on as usual
    } else if (tab && this.isOpen()) {
      this.cancel();
    } else if (e.key === "Escape" && this.isOpen()) {
      e.preventDefault();
      e.stopPropagation();
      this.close();
    } else if (e.key === "Enter") {
      this.cancel();
    }
  }
}
