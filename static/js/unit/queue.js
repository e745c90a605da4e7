// Changes made while the link is down (a status, a note, a message, a traffic stop, an emergency):
// kept in the browser, each with a client id and the device's time, and sent in order when the
// server answers again. The server applies each client id once, so a change sent twice (its answer
// lost on the way back) is not applied twice.

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

  // A change to send: `path` under /api/v1/, `body` with its id and time when it has them (else
  // given here); `first` puts it ahead of those waiting (an emergency).
  add(label, path, body, { first = false } = {}) {
    const item = { label, path, body: { client_id: clientId(), device_at: new Date().toISOString(), ...body } };
    if (first) this.items.unshift(item);
    else this.items.push(item);
    this.save();
    return item;
  }

  // Send what waits, in order, with `send(path, body)`; `onSent(item, answer)` for each the server
  // took. Stops at the first that cannot reach the server (still offline: it stays first); one the
  // server refuses is dropped and reported.
  flush(send, onRefused, onSent) {
    if (!this.sending) {
      this.sending = (async () => {
        try {
          while (this.items.length) {
            const item = this.items[0];
            let answer;
            let refused = null;
            try {
              answer = await send(item.path, item.body);
            } catch (err) {
              if (!err.status) return false;
              refused = err;
            }
            // By itself, not by place: an emergency may have been put first meanwhile.
            this.items.splice(this.items.indexOf(item), 1);
            this.save();
            if (refused) onRefused?.(item, refused);
            else onSent?.(item, answer);
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
