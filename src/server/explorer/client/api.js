// The query API from the browser. With API keys configured, a 401 asks for a key, kept in
// sessionStorage: for this tab, until it closes, and sent to this execlens only.
import { byId } from "./dom.js";

const KEY = "execlens.apiKey";

/** An answer of the API other than 2xx (after any key prompt). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/** @returns {Record<string, string>} */
function authorization() {
  const key = sessionStorage.getItem(KEY);
  return key === null ? {} : { authorization: `Bearer ${key}` };
}

/**
 * @param {string} path
 * @param {Record<string, string | number | undefined>} query
 */
function urlOf(path, query) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") url.searchParams.set(name, String(value));
  }
  return url;
}

/**
 * The API's own message for a failed request (`{error, message}`), else the status.
 * @param {Response} response
 */
async function messageOf(response) {
  try {
    const body = await response.json();
    if (typeof body?.message === "string") return body.message;
  } catch {
    // not JSON: say the status
  }
  return `the API answered ${response.status}`;
}

/** @type {Promise<void> | undefined} */
let prompting;

/**
 * Shows the key dialog and resolves once a key is entered; requests waiting on a 401 then retry.
 * One dialog for every request that is waiting.
 * @param {string} problem why the key is asked for (the API's 401 message)
 * @returns {Promise<void>}
 */
function askForKey(problem) {
  const hadKey = sessionStorage.getItem(KEY) !== null;
  sessionStorage.removeItem(KEY);
  showKeyButton();
  if (prompting !== undefined) return prompting;
  const dialog = /** @type {HTMLDialogElement} */ (byId("key-dialog"));
  const form = /** @type {HTMLFormElement} */ (byId("key-form"));
  const input = /** @type {HTMLInputElement} */ (byId("key-input"));
  const error = byId("key-error");
  error.textContent = hadKey ? `That key was refused: ${problem}.` : "";
  error.hidden = !hadKey;
  input.value = "";
  prompting = new Promise((resolve) => {
    /** @param {SubmitEvent} event */
    const submitted = (event) => {
      event.preventDefault();
      const key = input.value.trim();
      if (key === "") return;
      sessionStorage.setItem(KEY, key);
      form.removeEventListener("submit", submitted);
      dialog.close();
      prompting = undefined;
      showKeyButton();
      resolve();
    };
    form.addEventListener("submit", submitted);
  });
  // Dismissed (Escape): the requests wait; the header's button opens the dialog again.
  dialog.addEventListener(
    "cancel",
    () => {
      const status = document.querySelector('main [role="status"]');
      if (status !== null)
        status.textContent = "An API key is needed to see executions: use “Enter API key” above.";
    },
    { once: true },
  );
  if (!dialog.open) dialog.showModal();
  input.focus();
  return prompting;
}

/** The header's button: forget the key in use, or enter one after the dialog was dismissed. */
function showKeyButton() {
  const button = byId("forget-key");
  const hasKey = sessionStorage.getItem(KEY) !== null;
  button.textContent = hasKey ? "Forget API key" : "Enter API key";
  button.hidden = !hasKey && prompting === undefined;
}

/** Wires the header's key button; every page calls it once. */
export function setUpKeyButton() {
  const button = byId("forget-key");
  showKeyButton();
  button.addEventListener("click", () => {
    if (sessionStorage.getItem(KEY) !== null) {
      sessionStorage.removeItem(KEY);
      location.reload();
      return;
    }
    /** @type {HTMLDialogElement} */ (byId("key-dialog")).showModal();
  });
}

/**
 * The response early.js requested for this path, if it did (once: a retry fetches anew).
 * @param {URL} url
 * @returns {Promise<Response> | undefined}
 */
function takeEarly(url) {
  const holder = /** @type {{ execlensEarly?: { path: string, response: Promise<Response> } }} */ (
    globalThis
  );
  const early = holder.execlensEarly;
  if (
    early === undefined ||
    url.search !== "" ||
    // decoded: the URL bar and encodeURIComponent may escape an id differently
    decodeURIComponent(new URL(early.path, location.origin).pathname) !== decodeURIComponent(url.pathname)
  ) {
    return undefined;
  }
  holder.execlensEarly = undefined;
  return early.response;
}

/**
 * GET a JSON route of the API.
 * @template T
 * @param {string} path
 * @param {Record<string, string | number | undefined>} [query]
 * @returns {Promise<T>}
 */
export async function getJson(path, query = {}) {
  const url = urlOf(path, query);
  let early = takeEarly(url);
  for (;;) {
    const response = await (early ?? fetch(url, { headers: authorization() }));
    early = undefined;
    if (response.status === 401) {
      await askForKey(await messageOf(response));
      continue;
    }
    if (!response.ok) throw new ApiError(response.status, await messageOf(response));
    return /** @type {T} */ (await response.json());
  }
}

/**
 * Reads a Server-Sent Events route until the server closes it. fetch() rather than EventSource,
 * which cannot send the Authorization header.
 * @param {string} path
 * @param {(event: string, data: string) => void} onEvent
 * @returns {Promise<void>}
 */
export async function readEvents(path, onEvent) {
  for (;;) {
    const response = await fetch(urlOf(path, {}), {
      headers: { ...authorization(), accept: "text/event-stream" },
    });
    if (response.status === 401) {
      await askForKey(await messageOf(response));
      continue;
    }
    if (!response.ok || response.body === null)
      throw new ApiError(response.status, await messageOf(response));
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      const blocks = buffer.split(/\r?\n\r?\n/);
      buffer = blocks.pop() ?? "";
      for (const block of blocks) {
        let event = "message";
        const data = [];
        for (const line of block.split(/\r?\n/)) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        }
        if (data.length > 0) onEvent(event, data.join("\n"));
      }
    }
  }
}
