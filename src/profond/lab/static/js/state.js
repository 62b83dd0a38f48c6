// The page state: the server's Config plus view options, all mirrored in the URL hash so that a
// link reproduces the run (seed included) and can hide controls (classroom mode).

export const CONFIG_KEYS = {
  problem: "str", dataset: "str", n_classes: "int", noise: "int", train_ratio: "int",
  batch_size: "int", seed: "int", features: "list", hidden: "ints", activation: "str",
  regularization: "str", reg_rate: "num", lr: "num", output: "str", optimizer: "str",
  dropout: "num", init: "str", max_epochs: "int", speed: "str",
};
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

function parseValue(kind, text) {
  switch (kind) {
    case "int": case "num": return Number(text);
    case "bool": return text === "true";
    case "list": return text === "" ? [] : text.split(",");
    case "ints": return text === "" ? [] : text.split(",").map(Number);
    default: return text;
  }
}

// Returns {config, view} read from location.hash; unknown keys are ignored.
export function readHash() {
  const config = {};
  const found = {};
  for (const pair of location.hash.slice(1).split("&")) {
    const [rawKey, rawValue = ""] = pair.split("=");
    const key = decode(rawKey || "");
    const value = decode(rawValue);
    if (key in CONFIG_KEYS) config[key] = parseValue(CONFIG_KEYS[key], value);
    else if (key in VIEW_KEYS) found[key] = parseValue(VIEW_KEYS[key], value);
  }
  return { config, view: found };
}

function encode(value) {
  const text = Array.isArray(value) ? value.join(",") : String(value);
  return encodeURIComponent(text).replace(/%2C/g, ",").replace(/%5E/g, "^");
}

export function hashFor(config, viewState) {
  const parts = [];
  for (const key of Object.keys(CONFIG_KEYS)) {
    if (config[key] !== undefined) parts.push(`${key}=${encode(config[key])}`);
  }
  for (const key of Object.keys(VIEW_KEYS)) parts.push(`${key}=${encode(viewState[key])}`);
  return "#" + parts.join("&");
}

export function writeHash(config) {
  history.replaceState(null, "", hashFor(config, view));
}
