// The client's copy of the live state: open calls by id, units by callsign, open alerts by id, and
// the mutual-aid requests on open calls by id.
// Only the stream writes it (snapshot, then events in seq order); views subscribe and re-render.

export const ACTIVE_CALL_STATUSES = new Set(["dispatched", "enroute", "onscene", "cleared"]);

export class Store {
  constructor() {
    this.calls = new Map();
    this.units = new Map();
    this.alerts = new Map();
    this.mutualAid = new Map();
    this.listeners = new Set();
    this.ready = false;
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(change) {
    for (const listener of this.listeners) {
      try {
        listener(change, this);
      } catch (err) {
        console.error("store listener failed", err);
      }
    }
  }

  applySnapshot(data) {
    this.calls = new Map();
    this.units = new Map();
    for (const call of data.calls || []) if (call.status !== "closed") this.calls.set(call.id, call);
    for (const unit of data.units || []) this.units.set(unit.callsign, unit);
    this.alerts = new Map();
    for (const alert of data.alerts || []) this.alerts.set(alert.id, alert);
    this.mutualAid = new Map((data.mutual_aid || []).map((request) => [request.id, request]));
    this.ready = true;
    // The whole snapshot goes with it: panels that keep their own parts (the 9-1-1 line) read theirs.
    this.emit({ kind: "snapshot", data });
  }

  applyEvent(event, data) {
    switch (event) {
      case "call.created":
      case "call.updated":
      case "call.closed":
        this.putCall(event, data);
        break;
      case "call.note":
        this.emit({ kind: "note", event, callId: data?.call, data });
        break;
      case "unit.updated":
        this.putUnit(data);
        break;
      case "alert.raised":
      case "alert.escalated":
      case "alert.acknowledged":
        this.putAlert(event, data);
        break;
      case "mutual_aid.requested":
      case "mutual_aid.accepted":
      case "mutual_aid.declined":
      case "mutual_aid.cancelled":
        this.putMutualAid(event, data);
        break;
      case "heartbeat":
        break;
      default:
        // Not the store's: panels that follow such events (ali.*, callback.*) take them from here.
        this.emit({ kind: "other", event, data });
        break;
    }
  }

  putCall(event, call) {
    if (!call || call.id === undefined) return;
    const previous = this.calls.get(call.id) || null;
    if (event === "call.closed" || call.status === "closed") {
      this.calls.delete(call.id);
      for (const [id, request] of this.mutualAid) if (request.call.id === call.id) this.mutualAid.delete(id);
    } else this.calls.set(call.id, call);
    this.emit({ kind: "call", event, call, previous });
  }

  putUnit(unit) {
    if (!unit || !unit.callsign) return;
    const previous = this.units.get(unit.callsign) || null;
    this.units.set(unit.callsign, unit);
    // Keep the unit's line on its call current even before that call's own update arrives.
    const call = unit.call !== null && unit.call !== undefined ? this.calls.get(unit.call) : null;
    const line = call?.units?.find((u) => u.callsign === unit.callsign);
    if (line && line.status !== unit.status) line.status = unit.status;
    this.emit({ kind: "unit", unit, previous });
  }

  putAlert(event, alert) {
    if (!alert || alert.id === undefined) return;
    const previous = this.alerts.get(alert.id) || null;
    if (alert.acknowledged_at) this.alerts.delete(alert.id);
    else this.alerts.set(alert.id, alert);
    this.emit({ kind: "alert", event, alert, previous });
  }

  putMutualAid(event, request) {
    if (!request || request.id === undefined) return;
    const previous = this.mutualAid.get(request.id) || null;
    this.mutualAid.set(request.id, request);
    this.emit({ kind: "mutual_aid", event, request, previous });
  }

  // Escalated officer-safety checks first, then the oldest.
  openAlerts() {
    return [...this.alerts.values()].sort((a, b) =>
      Number(b.escalated) - Number(a.escalated) || byTime(a.raised_at, b.raised_at) || a.id - b.id);
  }

  pendingCalls() {
    return [...this.calls.values()]
      .filter((c) => c.status === "pending")
      .sort((a, b) => a.priority - b.priority || byTime(a.received_at, b.received_at) || a.id - b.id);
  }

  activeCalls() {
    return [...this.calls.values()]
      .filter((c) => ACTIVE_CALL_STATUSES.has(c.status))
      .sort((a, b) => a.priority - b.priority || byTime(a.received_at, b.received_at) || a.id - b.id);
  }

  unitList() {
    return [...this.units.values()].sort((a, b) =>
      cmp(a.agency, b.agency) || cmp(a.discipline, b.discipline) || cmp(a.callsign, b.callsign));
  }
}

// A pending call waits from when it was received, or from its reopening: a reopened call was
// sent once already and is not hours "over goal".
export function waitingSince(call) {
  return call.status === "pending" && call.reopened_at ? call.reopened_at : call.received_at;
}

function cmp(a, b) {
  return String(a ?? "").localeCompare(String(b ?? ""), undefined, { numeric: true });
}

function byTime(a, b) {
  return (Date.parse(a) || 0) - (Date.parse(b) || 0);
}

// Debounces listener work to one run per animation frame, however many events arrive.
// A hidden tab gets no animation frames: its changes are not hoarded (past a few hundred they
// collapse into one "snapshot", i.e. redraw everything) and it redraws when shown again.
const MOST_CHANGES_KEPT = 200;

export function onChangeBatched(store, run) {
  let queued = false;
  let changes = [];
  const flush = () => {
    queued = false;
    run(changes.splice(0));
  };
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && queued) flush();
  });
  return store.subscribe((change) => {
    if (changes.length >= MOST_CHANGES_KEPT) changes = [{ kind: "snapshot" }];
    else changes.push(change);
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      if (queued) flush();
    });
  });
}
