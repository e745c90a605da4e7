// Changes made while the link is down (a status, a note): kept in the browser, each with a client
// id and the device's time, and sent in order when the server answers again. The server applies
// each client id once, so a change sent twice (its answer lost on the way back) is not applied twice.

const KEY = "cad.unit.queue";

export function clientId(random = crypto) {
  if (random.randomUUID) return random.randomUUID();
  const bytes = random.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class OfflineQueue {
  constructor(storage = window.localStorage, key = KEY) {
    this.storage = storage;
    this.key = key;
    try {
      this.items = JSON.parse(storage.getItem(key) || "[]");
    } catch {
      this.items = [];
    }
    this.sending = null;
  }

  get length() { return this.items.length; }

  save() {
    this.storage.setItem(this.key, JSON.stringify(this.items));
  }

  // A change to send: `path` under /api/v1/, `body` without its id and time (added here).
  add(label, path, body) {
    const item = { label, path, body: { ...body, client_id: clientId(), device_at: new Date().toISOString() } };
    this.items.push(item);
    this.save();
    return item;
  }

  // Send what waits, oldest first, with `send(path, body)`. Stops at the first that cannot reach
  // the server (still offline: it stays first); one the server refuses is dropped and reported.
  flush(send, onRefused) {
    if (!this.sending) {
      this.sending = (async () => {
        try {
          while (this.items.length) {
            const item = this.items[0];
            try {
              await send(item.path, item.body);
            } catch (err) {
              if (!err.status) return false;
              onRefused?.(item, err);
            }
            this.items.shift();
            this.save();
          }
          return true;
        } finally {
          this.sending = null;
        }
      })();
    }
    return this.sending;
  }
}
