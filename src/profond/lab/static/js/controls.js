// The top bar selects, the data column (dataset thumbnails, sliders, custom points) and the
// view checkboxes. Each control calls change({field: value}); render(config) shows the state.

import { pointColor, rgb } from "./colors.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

function fillSelect(id, values, labelKey) {
  const select = $(id);
  select.replaceChildren(...values.map((v) => {
    const option = document.createElement("option");
    option.value = String(v);
    const key = labelKey && labelKey(v);
    if (key) option.dataset.i18nOption = key;
    option.textContent = key ? t(key) : String(v);
    return option;
  }));
}

function drawThumbnail(canvas, points) {
  const ctx = canvas.getContext("2d");
  const size = canvas.width;
  ctx.fillStyle = "#f7f8f9";
  ctx.fillRect(0, 0, size, size);
  const nClasses = points.some((p) => !Number.isInteger(p[2])) ? 0 : 6;
  for (const [x, y, label] of points) {
    ctx.fillStyle = rgb(pointColor(label, nClasses));
    ctx.beginPath();
    ctx.arc((x + 6) / 12 * size, (6 - y) / 12 * size, 1.6, 0, 2 * Math.PI);
    ctx.fill();
  }
}

function buildDatasets(choices, thumbnails, change) {
  const box = $("datasets");
  const names = [...choices.classify_datasets, ...choices.regress_datasets]
    .filter((name) => name !== "custom").concat(["custom"]);
  box.replaceChildren(...names.map((name) => {
    const cell = document.createElement("button");
    cell.className = "dataset";
    cell.dataset.name = name;
    cell.dataset.testid = `dataset-${name}`;
    cell.dataset.i18nTitle = `ds_${name}`;
    cell.title = t(`ds_${name}`);
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 64;
    if (thumbnails[name]) drawThumbnail(canvas, thumbnails[name]);
    else canvas.classList.add("custom-thumb");
    cell.append(canvas);
    cell.addEventListener("click", () => {
      const problem = choices.regress_datasets.includes(name) && name !== "custom"
        ? "regression" : (name === "custom" ? undefined : "classification");
      change(problem ? { dataset: name, problem } : { dataset: name });
    });
    return cell;
  }));
}

function bindSlider(id, change) {
  const input = $(id);
  input.addEventListener("input", () => { $(`${id}-value`).textContent = input.value; });
  input.addEventListener("change", () => change({ [id]: Number(input.value) }));
}

export function buildControls(choices, thumbnails, change) {
  fillSelect("lr", choices.learning_rates);
  fillSelect("activation", ["relu", "tanh", "sigmoid", "linear"], (v) => v);
  fillSelect("regularization", ["none", "L1", "L2"], (v) => (v === "none" ? "none" : null));
  fillSelect("reg_rate", choices.reg_rates);
  fillSelect("problem", ["classification", "regression"], (v) => v);
  fillSelect("optimizer", ["sgd", "momentum", "adagrad", "adam"], (v) => v);
  fillSelect("output", ["tanh", "softmax"], (v) => `out_${v}`);
  fillSelect("dropout", [0, 0.1, 0.2, 0.3, 0.5]);
  fillSelect("init", ["tfp", "xavier", "he", "zeros"], (v) => `init_${v}`);
  fillSelect("speed", choices.speeds, (v) => `speed_${v}`);
  const numeric = new Set(["lr", "reg_rate", "dropout"]);
  for (const id of ["lr", "activation", "regularization", "reg_rate", "problem", "optimizer",
    "output", "dropout", "init", "speed"]) {
    $(id).addEventListener("change", () => {
      const value = $(id).value;
      change({ [id]: numeric.has(id) ? Number(value) : value });
    });
  }
  $("max_epochs").addEventListener("change", () => {
    change({ max_epochs: Math.max(0, Math.round(Number($("max_epochs").value) || 0)) });
  });
  for (const id of ["n_classes", "train_ratio", "noise", "batch_size"]) bindSlider(id, change);
  buildDatasets(choices, thumbnails, change);
}

export function renderControls(config, nClasses) {
  for (const id of ["lr", "activation", "regularization", "reg_rate", "problem", "optimizer",
    "output", "dropout", "init", "speed", "max_epochs", "n_classes", "train_ratio", "noise",
    "batch_size"]) {
    const el = $(id);
    if (document.activeElement !== el) el.value = String(config[id]);
    const label = $(`${id}-value`);
    if (label) label.textContent = String(config[id]);
  }
  for (const cell of document.querySelectorAll(".dataset")) {
    const name = cell.dataset.name;
    const regression = ["reg-plane", "reg-gauss"].includes(name);
    cell.classList.toggle("selected", name === config.dataset);
    cell.classList.toggle("other-problem", regression !== (config.problem === "regression")
      && name !== "custom");
  }
  if (nClasses > 2) $("output").value = "softmax";  // more than two classes: always softmax
  $("output").disabled = nClasses > 2 || config.problem === "regression";
  $("n-classes-row").hidden = !["blobs", "spirals"].includes(config.dataset);
  document.body.classList.toggle("custom-data", config.dataset === "custom");
  const classes = config.problem === "regression" ? [1, 0.5, 0, -0.5, -1]
    : Array.from({ length: Math.max(nClasses, 2) + 1 }, (_, k) => k)
      .slice(0, Math.min(nClasses + 1, 6));
  $("point-label").dataset.i18n = config.problem === "regression" ? "pointValue" : "pointClass";
  $("point-label").textContent = t($("point-label").dataset.i18n);
  const select = $("point-class");
  const previous = select.value;
  if (select.options.length !== classes.length || select.dataset.problem !== config.problem) {
    fillSelect("point-class", classes);
    select.dataset.problem = config.problem;
    if (classes.map(String).includes(previous)) select.value = previous;
  }
}
