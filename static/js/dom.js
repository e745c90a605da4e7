// Tiny DOM helpers. Text always goes in through textContent, never as HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function setChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

export function setText(el, text) {
  const value = text === null || text === undefined ? "" : String(text);
  if (el.textContent !== value) el.textContent = value;
}

// Keeps `container`'s children in step with `items` by key, reusing elements so that focus,
// selection and running timers survive an update. `render(item, existingEl|null)` returns the element.
export function syncList(container, items, keyOf, render) {
  const existing = new Map();
  for (const el of container.children) if (el.dataset.key) existing.set(el.dataset.key, el);
  let cursor = container.firstElementChild;
  const wanted = new Set();
  for (const item of items) {
    const key = String(keyOf(item));
    wanted.add(key);
    const el = render(item, existing.get(key) || null);
    el.dataset.key = key;
    if (el !== cursor) container.insertBefore(el, cursor);
    else cursor = cursor.nextElementSibling;
  }
  for (const [key, el] of existing) if (!wanted.has(key)) el.remove();
  for (const el of [...container.children]) if (!el.dataset.key) el.remove();
}
