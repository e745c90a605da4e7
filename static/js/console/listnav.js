// Keyboard movement in a listbox of focusable options (roving tabindex): one Tab stop per list,
// ↑↓ (and ←→ in grids) move, Home/End jump, Enter or Space activates.

export function listNav(container, { onActivate, grid = false }) {
  const options = () => [...container.querySelectorAll('[role="option"]')];
  container.addEventListener("keydown", (e) => {
    const all = options();
    const i = all.indexOf(document.activeElement);
    if (i < 0) return;
    let next = null;
    if (e.key === "ArrowDown" || (grid && e.key === "ArrowRight")) next = all[Math.min(i + 1, all.length - 1)];
    else if (e.key === "ArrowUp" || (grid && e.key === "ArrowLeft")) next = all[Math.max(i - 1, 0)];
    else if (e.key === "Home") next = all[0];
    else if (e.key === "End") next = all[all.length - 1];
    else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      onActivate(all[i], e);
      return;
    }
    if (!next) return;
    e.preventDefault();
    focusOption(container, next);
  });
  container.addEventListener("click", (e) => {
    const option = e.target.closest('[role="option"]');
    if (!option || !container.contains(option) || e.target.closest("button, a, input, select")) return;
    focusOption(container, option);
    onActivate(option, e);
  });
  container.addEventListener("focus", () => {
    const target = container.querySelector('[role="option"][tabindex="0"]') || options()[0];
    if (target) target.focus();
  });
  return { refresh: () => keepOneTabStop(container), focus: () => focusList(container) };
}

export function focusOption(container, option) {
  for (const el of container.querySelectorAll('[role="option"][tabindex="0"]')) el.tabIndex = -1;
  option.tabIndex = 0;
  option.focus();
  option.scrollIntoView({ block: "nearest" });
}

// After a re-render: exactly one option can be tabbed to (the focused one, else the first).
export function keepOneTabStop(container) {
  const all = [...container.querySelectorAll('[role="option"]')];
  if (!all.length) return;
  const current = all.find((el) => el === document.activeElement) || all.find((el) => el.tabIndex === 0) || all[0];
  for (const el of all) {
    const want = el === current ? 0 : -1;
    if (el.tabIndex !== want) el.tabIndex = want;
  }
}

export function focusList(container) {
  const target = container.querySelector('[role="option"][tabindex="0"]') || container.querySelector('[role="option"]');
  (target || container).focus();
  target?.scrollIntoView({ block: "nearest" });
}

// Re-render a list without losing the keyboard: the focused option keeps focus if it survives,
// else its neighbour takes it.
export function preserveFocus(container, update) {
  const before = [...container.querySelectorAll('[role="option"]')];
  const focused = before.find((el) => el === document.activeElement) || null;
  const index = focused ? before.indexOf(focused) : -1;
  update();
  if (focused && document.activeElement !== focused) {
    if (container.contains(focused)) focused.focus({ preventScroll: true });
    else {
      const after = [...container.querySelectorAll('[role="option"]')];
      if (after.length) focusOption(container, after[Math.min(index, after.length - 1)]);
      else container.focus();
    }
  }
  keepOneTabStop(container);
}
