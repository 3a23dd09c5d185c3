// Fetch helpers: JSON in and out, the token (when the server needs one) on state-changing requests,
// and errors as exceptions carrying the field the server named.
let token = sessionStorage.getItem("ponder-token");
const fromHash = /token=([0-9a-f]+)/.exec(location.hash);
if (fromHash) {
  token = fromHash[1];
  sessionStorage.setItem("ponder-token", token);
  history.replaceState(null, "", location.pathname);
}

export class ApiError extends Error {
  constructor(status, field, message) {
    super(field ? `${field}: ${message}` : message);
    this.status = status;
    this.field = field;
  }
}

export async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!response.ok) {
    throw new ApiError(response.status, data && data.field, (data && data.error) || text || response.statusText);
  }
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body);
