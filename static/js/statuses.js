// Statuses as the pages show them. Which unit status may follow which, and their labels, are the
// server's own table (units/choices.py), served with the page as #unit-statuses: the console
// offers only the changes the server accepts. The codes are the console's command verbs.

export const STATUS_CODE = {
  available: "AV", dispatched: "DP", enroute: "ER", onscene: "OS", transporting: "TR",
  at_hospital: "AH", out_of_service: "OOS", off_duty: "OFF",
};

const served = JSON.parse(document.getElementById("unit-statuses")?.textContent || "{}");

export const UNIT_STATUS = Object.fromEntries(Object.entries(served).map(
  ([status, info]) => [status, { label: info.label, code: STATUS_CODE[status] || status.toUpperCase() }]));

export const NEXT_STATUSES = Object.fromEntries(Object.entries(served).map(
  ([status, info]) => [status, info.next]));

export const CALL_STATUS_LABEL = {
  pending: "Pending", dispatched: "Dispatched", enroute: "En route", onscene: "On scene",
  cleared: "Cleared", closed: "Closed",
};
