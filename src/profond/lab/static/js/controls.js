// The controls: the settings' selects and sliders (settings.js), the dataset thumbnails and the
// custom points. Each control calls change({field: value}); renderControls(config) shows the state.

import { pointColor, rgb } from "./colors.js";
import { t } from "./i18n.js";
import { buildSettings, renderSettings } from "./settings.js";

const $ = (id) => document.getElementById(id);

function fillSelect(id, values) {
  $(id).replaceChildren(...values.map((v) => {
    const option = document.createElement("option");
    option.value = option.textContent = String(v);
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

function buildDatasets(dataset, thumbnails, change) {
  const { classification, regression } = dataset.groups;
  const box = $("datasets");
  box.replaceChildren(...dataset.choices.map(({ value: name }) => {
    const cell = document.createElement("button");
    cell.className = "dataset";
    cell.dataset.name = name;
    cell.dataset.testid = `dataset-${name}`;
    cell.dataset.i18nTitle = `opt_dataset_${name}`;
    cell.title = t(cell.dataset.i18nTitle);
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 64;
    if (thumbnails[name]) drawThumbnail(canvas, thumbnails[name]);
    else canvas.classList.add("custom-thumb");
    cell.append(canvas);
    cell.addEventListener("click", () => {
      // a dataset of one problem only switches the problem too
      const only = classification.includes(name) !== regression.includes(name);
      const problem = regression.includes(name) ? "regression" : "classification";
      change(only ? { dataset: name, problem } : { dataset: name });
    });
    return cell;
  }));
}

// fields: the schema by name (settings.fieldsOf)
export function buildControls(schema, fields, thumbnails, change) {
  buildSettings(schema, change);
  buildDatasets(fields.dataset, thumbnails, change);
}

export function renderControls(schema, fields, config, nClasses) {
  renderSettings(schema, config);
  const groups = fields.dataset.groups;
  for (const cell of document.querySelectorAll(".dataset")) {
    cell.classList.toggle("selected", cell.dataset.name === config.dataset);
    cell.classList.toggle("other-problem", !groups[config.problem].includes(cell.dataset.name));
  }
  if (nClasses > 2) $("output").value = "softmax";  // more than two classes: always softmax
  $("output").disabled = nClasses > 2 || config.problem === "regression";
  document.querySelector("[data-ctl=n-classes]").hidden = !groups.multiclass
    .filter((name) => name !== "custom").includes(config.dataset);
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
