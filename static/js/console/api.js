// REST calls for actions and the call detail. Every error comes back as a readable message.

const BASE = "/api/v1/";

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export class ApiError extends Error {
  constructor(status, body) {
    super(describeError(status, body));
    this.status = status;
    this.body = body;
    this.fields = body && typeof body === "object" && !Array.isArray(body) ? body : {};
  }
}

export async function api(method, path, body) {
  const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body instanceof FormData) {
    options.body = body; // multipart: the browser writes the Content-Type with its boundary
  } else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  if (method !== "GET") options.headers["X-CSRFToken"] = csrfToken();
  let response;
  try {
    response = await fetch(BASE + path, options);
  } catch {
    throw new ApiError(0, { detail: "The server cannot be reached; nothing was changed. Try again." });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text.slice(0, 200) };
  }
  if (!response.ok) {
    if (response.status === 401 || response.status === 403) {
      const detail = data?.detail || "";
      if (/credentials|authenticat/i.test(detail)) data = { detail: "Your session has ended: sign in again (reload the page)." };
    }
    throw new ApiError(response.status, data);
  }
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body = {}) => api("POST", path, body);

// "units: Unknown unit 9Z9." from {"units": ["Unknown unit 9Z9."]}, or the detail.
export function describeError(status, body) {
  if (!body) return `Error ${status}.`;
  if (typeof body === "string") return body;
  if (body.detail) return String(body.detail);
  const parts = [];
  const walk = (value, prefix) => {
    if (Array.isArray(value)) {
      if (value.every((v) => typeof v !== "object")) parts.push(`${prefix ? prefix + ": " : ""}${value.join(" ")}`);
      else value.forEach((v) => walk(v, prefix));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, k === "non_field_errors" ? prefix : (prefix ? `${prefix}.${k}` : k));
    } else if (value !== null && value !== undefined) {
      parts.push(`${prefix ? prefix + ": " : ""}${value}`);
    }
  };
  walk(body, "");
  return parts.join(" · ") || `Error ${status}.`;
}
