// The page state: the server's Config plus view options, all mirrored in the URL hash so that a
// link reproduces the run (seed included) and can hide controls (classroom mode). The config's
// values are read with the settings schema (settings.js), once the server has sent it.

const VIEW_KEYS = { show_test: "bool", discretize: "bool", lang: "str", hide: "list" };

export const view = { show_test: false, discretize: false, lang: "en", hide: [] };

// A hand-edited link may hold a lone "%": keep that text as typed rather than stop the page.
function decode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseView(kind, text) {
  if (kind === "bool") return text === "true";
  if (kind === "list") return text === "" ? [] : text.split(",");
  return text;
}

// Returns {config: {key: text}, view} read from location.hash; config values stay text.
export function readHash() {
  const config = {};
  const found = {};
  for (const pair of location.hash.slice(1).split("&")) {
    const [rawKey, rawValue = ""] = pair.split("=");
    const key = decode(rawKey || "");
    const value = decode(rawValue);
    if (key in VIEW_KEYS) found[key] = parseView(VIEW_KEYS[key], value);
    else if (key) config[key] = value;
  }
  return { config, view: found };
}

function encode(value) {
  const text = Array.isArray(value) ? value.join(",") : String(value);
  return encodeURIComponent(text).replace(/%2C/g, ",").replace(/%5E/g, "^");
}

// The server's config, in its order, then the view.
export function hashFor(config, viewState) {
  const parts = Object.entries(config).map(([key, value]) => `${key}=${encode(value)}`);
  for (const key of Object.keys(VIEW_KEYS)) parts.push(`${key}=${encode(viewState[key])}`);
  return "#" + parts.join("&");
}

export function writeHash(config) {
  history.replaceState(null, "", hashFor(config, view));
}
