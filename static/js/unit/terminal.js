// The unit terminal's state: what GET /api/v1/terminal/ answered, kept current by the live stream.
// The stream sends this terminal only its own unit's events, its call's, and those of the units on
// its call (the server decides); each handler says whether the whole terminal must be read again.

export class Terminal {
  constructor() {
    this.data = null;
  }

  get unit() { return this.data?.unit || null; }
  get call() { return this.data?.call || null; }
  get signedOn() { return Boolean(this.data?.shift); }

  load(data) {
    this.data = data;
  }

  // Apply one stream event; true when the terminal should be read again from the server.
  apply(event, data) {
    const unit = this.unit;
    if (!unit || !data) return false;
    if (event === "unit.updated") {
      if (data.callsign === unit.callsign) return true; // its status, call and day moved
      const onCall = this.call?.units?.find((u) => u.callsign === data.callsign);
      if (onCall && data.call === this.call.id) {
        onCall.status = data.status;
        return false;
      }
      return Boolean(this.call && data.call === this.call.id);
    }
    if (event === "call.note") {
      if (!this.call || data.call !== this.call.id) return false;
      const chronology = this.call.chronology || (this.call.chronology = []);
      if (!chronology.some((e) => e.id === data.entry.id)) chronology.push(data.entry);
      return false;
    }
    if (event === "call.created" || event === "call.updated" || event === "call.closed") {
      if (this.call && data.id === this.call.id) {
        const { chronology, assignments } = this.call;
        this.data.call = { ...this.call, ...data, chronology, assignments };
        return event === "call.closed";
      }
      return (data.units || []).some((u) => u.callsign === unit.callsign);
    }
    return false;
  }
}

// Officer-safety flags first, then the rest in the server's order.
export function flagsInOrder(flags) {
  const list = [...(flags || [])];
  return [...list.filter((f) => f.kind === "officer_safety"), ...list.filter((f) => f.kind !== "officer_safety")];
}

// The statuses the terminal offers: the field's five, those the unit's status allows.
export const FIELD_STATUSES = ["enroute", "onscene", "transporting", "at_hospital", "available"];

export function offeredStatuses(allowed) {
  return FIELD_STATUSES.filter((s) => (allowed || []).includes(s));
}
