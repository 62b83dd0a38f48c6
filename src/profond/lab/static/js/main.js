// Entry point: connects to the server, wires every control to a message, draws each frame.

import { LossChart } from "./chart.js";
import { buildControls, renderControls } from "./controls.js";
import { Heatmap } from "./heatmap.js";
import { chosenLang, getLang, loadErrors, setLang, t } from "./i18n.js";
import { Network } from "./network.js";
import { classColor } from "./colors.js";
import { mountNav } from "./nav.js";
import { applyHidden, buildClassroom, download, downloadBase64, renderLegend, renderMetrics,
  showError } from "./panels.js";
import { addLabels, fieldsOf, parseValue, validate } from "./settings.js";
import { connect } from "./socket.js";
import { readHash, view, writeHash } from "./state.js";

const $ = (id) => document.getElementById(id);
const fromHash = readHash();
Object.assign(view, fromHash.view);
let config = null;
let schema = null;  // the settings (settings.js), from the server's hello
let fields = null;  // the same by name
let limits = null;
let playing = false;
let lastFrame = null;
let nOut = 1;
let nClasses = 2;
let built = false;
let startup = null;  // the config asked for at connection, until the server accepts it

// the browser's language until the user (or the link) chose one
view.lang = chosenLang(fromHash.view.lang);
setLang(view.lang);
mountNav();
await loadErrors();  // before the first error: the page's own checks are said with them

const socket = connect("/ws", onMessage);
const send = (message) => socket.send(message);

// Checked against the schema first: a bad value is said at once and the controls show the
// config again; the server checks it too (pydantic's Config).
function change(partial) {
  const problems = validate(fields, partial);
  if (problems.length) {
    showError(problems);
    if (config) onConfig(config);
    return;
  }
  send({ type: "config", config: partial });
}
const chart = new LossChart($("chart"));
const heatmap = new Heatmap($("heatmap"), $("points"), addPoint);
let network = null;
let refreshClassroom = () => {};

function addPoint(x, y, shift) {
  if (!config || config.dataset !== "custom") return;
  let label = Number($("point-class").value);
  if (shift && config.problem === "classification") label = label === 0 ? 1 : 0;
  send({ type: "add_point", x, y, label });
}

function onMessage(message) {
  switch (message.type) {
    case "hello": return onHello(message);
    case "config": return onConfig(message.config);
    case "data": return onData(message);
    case "frame": return onFrame(message);
    case "status": return setPlaying(message.playing);
    case "error": return onError(message);
    case "csv": return download(message.filename, "text/csv", message.text);
    case "export": return downloadBase64(message);
    default: return undefined;
  }
}

function onHello(message) {
  ({ schema, limits } = message);
  fields = fieldsOf(schema);
  if (!built) build(message);
  // the link (or the page before a reconnect) wins over the server's defaults
  const wanted = config ?? fromLink();
  onConfig(message.config);
  startup = { ...wanted };
  if (Object.keys(startup).length) change(startup);
}

// The link's settings that the schema allows; the others are said and left out.
function fromLink() {
  const values = {};
  for (const [name, text] of Object.entries(fromHash.config)) {
    values[name] = fields[name] ? parseValue(fields[name], text) : text;
  }
  const problems = validate(fields, values);
  if (problems.length) showError(problems);
  for (const { field } of problems) delete values[field];
  return values;
}

// A hand-edited link with one bad value: drop that field, keep the rest of the link.
function onError(message) {
  showError(message);
  const field = message.field.split(".")[0];
  if (startup && field in startup) {
    delete startup[field];
    change(startup);
  }
}

function build(message) {
  built = true;
  addLabels(schema);
  buildControls(schema, fields, message.thumbnails, change);
  const allFeatures = fields.features.items.choices.map((c) => c.value);
  network = new Network($("network"), $("hovercard"), allFeatures, {
    // as TFP, the last one can go too: each first-layer neuron then sees only its bias
    toggleFeature: (name) => {
      const features = config.features.includes(name)
        ? config.features.filter((f) => f !== name)
        : allFeatures.filter((f) => f === name || config.features.includes(f));
      change({ features });
    },
    neurons: (layer, delta) => {
      const hidden = [...config.hidden];
      const { min, max } = fields.hidden.items;
      hidden[layer] = Math.max(min, Math.min(max, hidden[layer] + delta));
      change({ hidden });
    },
    edit: (layer, node, source, value) => send({ type: "edit", layer, node, source, value }),
    hover: (node) => {
      const [layer, j] = node ? node.split(",").map(Number) : [];
      $("hover-label").textContent = !node ? "" : layer === 0 ? config.features[j]
        : `${t("neuron")} ${node}`;
      send({ type: "hover", node });
    },
  });
  bindButtons();
  refreshClassroom = buildClassroom(() => config, () => { applyHidden(); saveView(); });
  setLang(view.lang);
  $("show_test").checked = view.show_test;
  $("discretize").checked = view.discretize;
  applyHidden();
}

function layers(delta) {
  const hidden = [...config.hidden];
  if (delta > 0 && hidden.length < fields.hidden.max_length) hidden.push(2);
  if (delta < 0) hidden.pop();
  change({ hidden });
}

function toggleLang() {
  view.lang = setLang(getLang() === "en" ? "fr" : "en");
  if (config) network.key = "";
  redraw();
  saveView();
}

function bindButtons() {
  $("play").addEventListener("click", () => send({ type: playing ? "pause" : "play" }));
  $("step").addEventListener("click", () => send({ type: "step" }));
  $("reset").addEventListener("click", () => send({ type: "reset" }));
  $("regenerate").addEventListener("click", () => send({ type: "regenerate" }));
  $("add-layer").addEventListener("click", () => layers(+1));
  $("remove-layer").addEventListener("click", () => layers(-1));
  $("lang").addEventListener("click", toggleLang);
  // a first-time student sees the guide once; "?" brings it back
  $("guide").hidden = localStorage.getItem("profond.guide") === "seen";
  $("guide-close").addEventListener("click", () => {
    $("guide").hidden = true;
    localStorage.setItem("profond.guide", "seen");
  });
  $("guide-open").addEventListener("click", () => { $("guide").hidden = !$("guide").hidden; });
  $("clear-points").addEventListener("click", () => send({ type: "clear_points" }));
  $("csv-download").addEventListener("click", () => send({ type: "download_csv" }));
  $("export-model").addEventListener("click", () => send({ type: "export", format: "safetensors" }));
  $("export-torch").addEventListener("click", () => send({ type: "export", format: "pytorch" }));
  $("csv-upload").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    if (file.size > limits.max_csv_bytes) {  // the server's own refusal, said before sending
      const params = { max: limits.max_csv_bytes, got: file.size };
      showError({ field: "csv", code: "too_big", params });
    } else send({ type: "upload_csv", text: await file.text() });
    event.target.value = "";
  });
  for (const id of ["show_test", "discretize"]) {
    $(id).addEventListener("change", () => { view[id] = $(id).checked; redraw(); saveView(); });
  }
  document.addEventListener("keydown", onKey);
  window.addEventListener("resize", () => { network.key = ""; redraw(); });
}

function onKey(event) {
  if (event.target.closest("input, select, textarea") || event.ctrlKey || event.metaKey) return;
  const actions = { " ": () => send({ type: playing ? "pause" : "play" }),
    s: () => send({ type: "step" }), r: () => send({ type: "reset" }),
    g: () => send({ type: "regenerate" }), l: toggleLang };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
}

function saveView() {
  if (config) writeHash(config);
  refreshClassroom();
}

function onConfig(next) {
  if (config) startup = null;
  config = next;
  renderControls(schema, fields, config, nClasses);
  $("num-layers").textContent = String(config.hidden.length);
  $("layers-label").dataset.i18n = config.hidden.length === 1 ? "hiddenLayer" : "hiddenLayers";
  $("layers-label").textContent = t($("layers-label").dataset.i18n);
  writeHash(config);
  refreshClassroom();
}

function onData(message) {
  nClasses = message.n_classes;
  heatmap.setPoints(message);
  chart.reset();
  if (config) renderControls(schema, fields, config, nClasses);
  drawPoints();
}

// Your own points are all drawn (test ones ringed in dark, as TFP's "show test data"): a click
// that lands in the test split must still show its point.
function drawPoints() {
  heatmap.drawPoints(view.show_test || config?.dataset === "custom");
}

function setPlaying(value) {
  playing = value;
  document.body.classList.toggle("playing", playing);
}

function onFrame(frame) {
  lastFrame = frame;
  setPlaying(frame.playing);
  nOut = frame.weights[frame.weights.length - 1].length;
  chart.add(frame.epoch, frame.train_loss, frame.test_loss);
  redraw();
}

function redraw() {
  if (!lastFrame || !config) return;
  network.layout(config, nOut);
  network.update(lastFrame, view.discretize);
  heatmap.paint(lastFrame.hover ?? lastFrame.heatmap, view.discretize);
  drawPoints();
  renderMetrics(lastFrame);
  renderLegend(!lastFrame.hover && lastFrame.heatmap.kind === "classes", nClasses, classColor);
}
