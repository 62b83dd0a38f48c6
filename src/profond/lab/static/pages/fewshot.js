// The few-shot page: classes made of drawings, classified by nearest mean and k-NN on the
// CNN's penultimate layer; the accuracy curve on held-out digits with the same embedding.

import { showErrorIn, t } from "/static/js/i18n.js";
import { $, bars, el, fmt, startPage } from "./common.js";
import { bindTools, DrawPad } from "./draw.js";
import { modelPanel } from "./model.js";

const NS = "http://www.w3.org/2000/svg";
let pad = null, send = null, classes = { labels: [], counts: [] }, curve = null;

function predict() {
  if (!pad) return;
  if (pad.isEmpty() || classes.labels.length < 2) {
    $("prediction").textContent = "–";
    return;
  }
  send({ type: "fewshot_predict", bitmap: pad.bitmap() });
}

function add() {
  const label = $("class-name").value.trim();
  if (!label || !pad || pad.isEmpty()) return;
  send({ type: "fewshot_add", label, bitmap: pad.bitmap() });
  pad.clear();
}

function classesShown(message) {
  classes = message;
  $("classes").replaceChildren(...message.labels.map((label, i) => {
    const chip = el("button", { class: "class-chip", "data-testid": `class-${i}` },
      `${label} (${message.counts[i]})`);
    chip.addEventListener("click", () => { $("class-name").value = label; });
    return chip;
  }));
  if (message.labels.length < 2) {
    $("prediction").textContent = "–";
    $("mean-bars").replaceChildren(el("p", { class: "hint" }, t("needTwo")));
    $("knn-bars").replaceChildren();
  }
}

function predicted(m) {
  const best = m.mean.indexOf(Math.max(...m.mean));
  $("prediction").textContent = m.labels[best];
  bars($("mean-bars"), m.labels.map((label, i) => [label, m.mean[i]]), "mean");
  bars($("knn-bars"), m.labels.map((label, i) => [`${label} (k=${m.k})`, m.knn[i]]), "knn");
}

function curveShown(m) {
  curve = m;
  const svg = $("curve"), nodes = [], W = 420, H = 260, L = 44, B = 30;
  const x = (i) => L + (i / (m.rows.length - 1)) * (W - L - 14);
  const y = (acc) => H - B - acc * (H - B - 12);
  const add = (tag, attrs, text) => {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    nodes.push(node);
  };
  for (const acc of [0, 0.5, 1]) {
    add("line", { x1: L, x2: W - 14, y1: y(acc), y2: y(acc), stroke: "#dadce0" });
    add("text", { x: L - 6, y: y(acc) + 4, "text-anchor": "end" }, `${acc * 100} %`);
  }
  m.rows.forEach((row, i) => add("text", { x: x(i), y: H - 12, "text-anchor": "middle" }, row.shots));
  add("text", { x: W / 2, y: H, "text-anchor": "middle" }, t("shots"));
  for (const [key, colour] of [["mean", "#f59322"], ["knn", "#0877bd"], ["pixels", "#5f6368"]]) {
    add("polyline", { points: m.rows.map((row, i) => `${x(i)},${y(row[key])}`).join(" "),
      fill: "none", stroke: colour, "stroke-width": 2.5, "data-testid": `curve-${key}` });
    m.rows.forEach((row, i) => add("circle", { cx: x(i), cy: y(row[key]), r: 3.5, fill: colour },
      undefined));
  }
  add("text", { x: L + 8, y: y(1) + 16, fill: "#f59322" }, `${t("nearestMean").split(" (")[0]}: ${fmt(100 * m.rows.at(-1).mean, 1)} %`);
  add("text", { x: L + 8, y: y(1) + 32, fill: "#0877bd" }, `1-NN: ${fmt(100 * m.rows.at(-1).knn, 1)} %`);
  add("text", { x: L + 8, y: y(1) + 48, fill: "#5f6368" }, `${t("pixelsMean")}: ${fmt(100 * m.rows.at(-1).pixels, 1)} %`);
  svg.replaceChildren(...nodes);
}

// feature-detected: a webcam frame becomes 32x32 on/off pixels. The ink is whichever side of the
// mean brightness (by 40 levels) holds fewer pixels: dark ink on paper, or chalk on a board.
async function snapshot() {
  const video = $("video");
  if (!video.srcObject) {
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
    video.hidden = false;
    await video.play();
  }
  const canvas = el("canvas", { width: 32, height: 32 });
  const ctx = canvas.getContext("2d");
  ctx.drawImage(video, 0, 0, 32, 32);
  const rgba = ctx.getImageData(0, 0, 32, 32).data;
  const grey = Array.from({ length: 1024 }, (_, i) => (rgba[4 * i] + rgba[4 * i + 1] + rgba[4 * i + 2]) / 3);
  const mean = grey.reduce((a, b) => a + b, 0) / grey.length;
  const dark = grey.map((g) => (g < mean - 40 ? 1 : 0)), light = grey.map((g) => (g > mean + 40 ? 1 : 0));
  const count = (bits) => bits.reduce((a, b) => a + b, 0);
  const darkInk = count(dark) > 0 && (count(light) === 0 || count(dark) <= count(light));
  pad.load(darkInk ? dark : light);
}

const panel = modelPanel(() => send, predict);
send = startPage({ ...panel.handlers, fewshot_classes: classesShown, fewshot_predict: predicted,
  fewshot_curve: curveShown, error: panel.failed }, () => { panel.show(); if (curve) curveShown(curve); });
pad = new DrawPad($("draw"), predict);
bindTools(pad, $);
$("add-example").addEventListener("click", add);
$("class-name").addEventListener("keydown", (event) => { if (event.key === "Enter") add(); });
$("reset-classes").addEventListener("click", () => send({ type: "fewshot_reset" }));
$("compute-curve").addEventListener("click", () => send({ type: "fewshot_curve" }));
$("webcam").hidden = !navigator.mediaDevices?.getUserMedia;
$("webcam").addEventListener("click", () => snapshot().catch((exc) => showErrorIn($("error"), { message: String(exc) })));
classesShown(classes);
