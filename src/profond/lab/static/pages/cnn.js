// The CNN explorer: draw, see what LeNet-5 sees layer by layer, ask why a cell has its value.

import { showErrorIn, t } from "/static/js/i18n.js";
import { $, el, fmt, startPage } from "./common.js";
import { bindTools, DrawPad } from "./draw.js";
import { modelPanel } from "./model.js";

const CONVS = ["conv1", "conv2"];
const SIDES = { digits: 8, mnist: 28 };  // the input each dataset's LeNet-5 reads
const MAP_PX = 44;  // a map's side on screen: 16 maps a row and every layer beside the pad at 1280×800
let bitmap = null, pad = null, send = null, data = "digits";

function predict() {
  if (!pad || !panel.trained() || pad.isEmpty()) return;
  bitmap = pad.bitmap();
  send({ type: "cnn_predict", bitmap, data });
}

function clearShown() {
  for (const id of ["top3", "maps", "patch", "pre-grid"]) $(id).replaceChildren();
}

function onDraw() {
  if (pad && pad.isEmpty()) {
    clearShown();
    bitmap = null;
  } else if (pad) predict();
}

// The dataset menu: its model, its preprocessing caption, its input size in the conv widget.
function chooseData(value) {
  data = value;
  clearShown();
  panel.forget();
  const caption = $("pre-caption");
  caption.dataset.i18n = data === "mnist" ? "preprocessMnist" : "preprocess";
  caption.textContent = t(caption.dataset.i18n);
  $("ca-input").value = SIDES[data];
  convSize();
  send({ type: "cnn_status", data });
}

function availability(message) {
  const option = $("cnn-data").querySelector('option[value="mnist"]');
  option.disabled = !message.available.mnist;
  if (option.disabled) option.dataset.i18nTitle = "mnistMissing";
  else delete option.dataset.i18nTitle;
  option.title = option.disabled ? t("mnistMissing") : "";
}

function shown(message) {
  if (message.data !== data) return;
  const n = message.input.length, small = n <= 8;
  $("pre-grid").style.gridTemplateColumns = `repeat(${n}, ${small ? 22 : 8}px)`;
  $("pre-grid").classList.toggle("fine", !small);
  $("pre-grid").replaceChildren(...message.input.flat().map((count) => el("span",
    { style: `background:rgba(32,33,36,${count / message.input_max})`,
      class: count > message.input_max / 2 ? "light" : "" }, small ? count : "")));
  $("top3").replaceChildren(...message.top.map((top, i) => el("div",
    { "data-testid": `top-${i + 1}` }, `${top.digit} · ${fmt(100 * top.p, 1)} %`)));
  $("maps").replaceChildren(...message.layers.map(layerRow));
}

function color(v, scale) {
  const u = Math.max(-1, Math.min(1, v / scale));
  return u >= 0 ? `rgba(245,147,34,${u})` : `rgba(8,119,189,${-u})`;
}

function layerRow(layer) {
  const row = el("div", { class: "maps-layer", "data-testid": `layer-${layer.name}` });
  row.append(el("span", { class: "name" }, layer.name));
  const maps = layer.shape.length === 3 ? layer.values : [[layer.values]];
  const scale = Math.max(1e-6, ...maps.flat(2).map(Math.abs));
  maps.forEach((map, c) => row.append(mapCanvas(layer.name, map, c, scale)));
  return row;
}

function mapCanvas(name, map, channel, scale) {
  const h = map.length, w = map[0].length;
  const canvas = el("canvas", { width: w, height: h, "data-testid": `map-${name}-${channel}` });
  canvas.style.width = `${h === 1 ? Math.min(480, w * 4) : MAP_PX}px`;
  canvas.style.height = `${h === 1 ? 14 : MAP_PX}px`;
  const ctx = canvas.getContext("2d");
  map.forEach((row, i) => row.forEach((v, j) => {
    ctx.fillStyle = "#fff";
    ctx.fillRect(j, i, 1, 1);
    ctx.fillStyle = color(v, scale);
    ctx.fillRect(j, i, 1, 1);
  }));
  if (CONVS.includes(name)) clickable(canvas, name, channel, h, w);
  return canvas;
}

function clickable(canvas, layer, channel, h, w) {
  canvas.classList.add("clickable");
  canvas.tabIndex = 0;
  canvas.setAttribute("aria-label", `${layer} ${channel}`);
  let cell = [0, 0];
  const ask = () => send({ type: "cnn_patch", bitmap, layer, channel, row: cell[0], col: cell[1],
    data });
  canvas.addEventListener("click", (event) => {
    const box = canvas.getBoundingClientRect();
    cell = [Math.floor(((event.clientY - box.top) / box.height) * h),
      Math.floor(((event.clientX - box.left) / box.width) * w)];
    ask();
  });
  canvas.addEventListener("keydown", (event) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (!(event.key in moves) && event.key !== "Enter") return;
    event.preventDefault();
    const [di, dj] = moves[event.key] ?? [0, 0];
    cell = [Math.max(0, Math.min(h - 1, cell[0] + di)), Math.max(0, Math.min(w - 1, cell[1] + dj))];
    ask();
  });
}

function matrix(values, digits = 2) {
  const box = el("div", { class: "mat", style: `grid-template-columns:repeat(${values[0].length},38px)` });
  const scale = Math.max(1e-6, ...values.flat().map(Math.abs));
  for (const v of values.flat()) box.append(el("span", { style: `background:${color(v, scale)}` }, fmt(v, digits)));
  return box;
}

// One row per input channel: its patch ⊙ its kernel slice and that channel's sum; then the total.
function patchShown(m) {
  const sum = m.products.reduce((a, b) => a + b, 0);
  const rows = m.patch.map((patch, c) => {
    const row = el("div", { class: "patch-row", "data-testid": `patch-channel-${c}` });
    const head = c === 0 ? `${m.layer}[${m.channel}](${m.row}, ${m.col}) =` : "+";
    row.append(el("b", {}, head), el("span", { class: "channel" }, `${t("channel")} ${c}`),
      matrix(patch), el("span", {}, "⊙"), matrix(m.kernel[c]),
      el("span", {}, `= ${fmt(m.products[c], 4)}`));
    return row;
  });
  const terms = m.products.length > 1 ? ` (${t("sumWord")}: ${m.products.map((p) => fmt(p)).join(" + ")})` : ` = ${fmt(sum)}`;
  $("patch").replaceChildren(...rows, el("p", { "data-testid": "patch-sum" },
    `Σ${terms} + ${t("patchBias")} ${fmt(m.bias)} = ${fmt(sum + m.bias, 4)}`),
  el("p", { "data-testid": "patch-value" }, `${t("outputSize")}: ${fmt(m.value, 4)}`));
}

function convSize() {
  const value = (id) => Number($(id).value);
  send({ type: "conv_size", dim_in: value("ca-input"), kernel_size: value("ca-kernel"),
    stride: value("ca-stride"), padding: value("ca-padding") });
}

function convShown(m) {
  $("ca-output").textContent = m.out;
  $("ca-output").classList.remove("invalid");
  const notes = [!m.exact && t("notExact"), m.padding_too_big && t("padBig")].filter(Boolean);
  showErrorIn($("ca-note"), null);
  $("ca-note").textContent = notes.join(" · ");
}

function failed(message) {
  panel.failed(message);
  // the formula's own refusal (no window fits) comes back as field "conv_output_size"
  if (["dim_in", "kernel_size", "stride", "padding", "conv_output_size"].includes(message.field)) {
    $("ca-output").textContent = "✗";
    $("ca-output").classList.add("invalid");
    showErrorIn($("ca-note"), message);
  }
}

const panel = modelPanel(() => send, predict, { data: () => data, onStatus: availability });
send = startPage({ ...panel.handlers, cnn_predict: shown, cnn_patch: patchShown,
  conv_size: convShown, error: failed }, panel.show);
$("cnn-data").addEventListener("change", (event) => chooseData(event.target.value));
pad = new DrawPad($("draw"), onDraw);
bindTools(pad, $);
for (const id of ["ca-input", "ca-kernel", "ca-padding", "ca-stride"]) $(id).addEventListener("input", convSize);
convSize();
