// The live stream: one websocket to /ws/console/, applied strictly in seq order.
// A gap, a silent link or a dropped socket all end the same way: reconnect with ?since=lastSeq.

const SILENCE_LIMIT_MS = 40_000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 5_000;

// Between half the backoff and all of it, at random: when a server restarts, its thousand consoles
// come back spread over that time rather than all in the same millisecond, and again if they fail.
export function reconnectDelay(backoff, random = Math.random) {
  return Math.round(backoff / 2 + random() * (backoff / 2));
}

export class LiveStream {
  constructor(path, { onSnapshot, onEvent, onState } = {}) {
    this.path = path;
    this.handlers = { onSnapshot, onEvent, onState };
    this.lastSeq = null;
    this.state = "connecting";
    this.socket = null;
    this.backoff = BACKOFF_FIRST_MS;
    this.retryTimer = null;
    this.silenceTimer = null;
    this.stopped = false;
    this.closeCode = null;
  }

  start() {
    this.stopped = false;
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    this.drop();
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const since = this.lastSeq === null ? "" : `?since=${encodeURIComponent(this.lastSeq)}`;
    return `${scheme}://${location.host}${this.path}${since}`;
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.setState("connecting");
    let socket;
    try {
      socket = new WebSocket(this.url());
    } catch (err) {
      console.error("live stream: cannot open", err);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (socket !== this.socket) return;
      this.armSilenceTimer();
      // Resuming with ?since: what we hold is current once the server replays what we missed.
      if (this.lastSeq !== null) this.setState("live");
    });
    socket.addEventListener("message", (msg) => {
      if (socket === this.socket) this.receive(msg.data);
    });
    socket.addEventListener("close", (e) => {
      if (socket !== this.socket) return;
      this.closeCode = e.code;
      // Signed out (4401) or not allowed (4403): keep trying, slowly, in case of a new sign-in.
      if (e.code === 4401 || e.code === 4403) this.backoff = BACKOFF_MAX_MS;
      this.lost();
    });
    // An error is always followed by close, which carries the code (4401 signed out): handling
    // the error too would drop the socket first and lose the reason.
  }

  receive(raw) {
    this.armSilenceTimer();
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch {
      console.error("live stream: not JSON, resyncing", raw);
      this.resync();
      return;
    }
    const seq = Number(msg.seq);
    if (!Number.isInteger(seq)) {
      console.error("live stream: message without seq, resyncing", msg);
      this.resync();
      return;
    }
    if (msg.event === "snapshot") {
      this.closeCode = null;
      this.lastSeq = seq;
      this.backoff = BACKOFF_FIRST_MS;
      this.handlers.onSnapshot?.(msg.data || { calls: [], units: [] }, seq, msg);
      this.setState("live");
      return;
    }
    if (this.lastSeq === null) return; // nothing is applied before the first snapshot
    if (msg.event === "heartbeat") {
      if (seq > this.lastSeq) this.resync();
      else {
        this.setState("live");
        this.handlers.onEvent?.("heartbeat", null, seq, msg);
      }
      return;
    }
    if (seq <= this.lastSeq) return; // a duplicate
    if (seq > this.lastSeq + 1) {
      this.resync();
      return;
    }
    this.lastSeq = seq;
    this.backoff = BACKOFF_FIRST_MS;
    this.setState("live");
    try {
      this.handlers.onEvent?.(msg.event, msg.data, seq, msg);
    } catch (err) {
      console.error("live stream: handler failed for", msg, err);
    }
  }

  // A gap or a garbled message: start over from the last seq we hold.
  resync() {
    this.drop();
    this.connect();
  }

  lost() {
    this.drop();
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (this.stopped) return;
    this.setState("offline");
    clearTimeout(this.retryTimer);
    const wait = reconnectDelay(this.backoff);
    this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
    this.retryTimer = setTimeout(() => this.connect(), wait);
  }

  armSilenceTimer() {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      console.warn("live stream: silent for 40 s, reconnecting");
      this.lost();
    }, SILENCE_LIMIT_MS);
  }

  drop() {
    clearTimeout(this.silenceTimer);
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) {
      try { socket.close(); } catch { /* already closing */ }
    }
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.handlers.onState?.(state);
  }
}

const LINK_TEXT = { live: "LIVE", connecting: "CONNECTING…", offline: "OFFLINE — RECONNECTING…" };

// Shows the link state in #link-status; while not live, the page is marked stale.
export function showLinkState(el, state, everLive, closeCode = null) {
  el.dataset.state = state;
  el.textContent = closeCode === 4401 && state !== "live" ? "SIGNED OUT — RELOAD TO SIGN IN"
    : closeCode === 4403 && state !== "live" ? "NOT ALLOWED"
      : state === "connecting" && everLive ? "RECONNECTING…" : LINK_TEXT[state] || state;
  el.title = state === "live" ? "Live: updates arrive as they happen"
    : "Not live: what you see may be out of date";
  document.body.classList.toggle("stale", state !== "live");
}
