// The perceptron page: deck 003's table built row by row while the line moves on the plot.

import { t } from "/static/js/i18n.js";
import { $, el, fmt, isTyping, startPage } from "./common.js";

const CORNERS = [[0, 0], [0, 1], [1, 0], [1, 1]];
const PRESETS = {
  or: (a, b) => a | b, and: (a, b) => a & b, xor: (a, b) => a ^ b,
};
const LO = -0.5, HI = 1.5, SIZE = 320;
// pending: the steps asked for while the server was still computing the run (a click on "to
// the end" right after choosing a preset), replayed when the run arrives; waiting: requests sent
// and not answered yet (the socket answers in order: only the last answer is the current run)
const state = { preset: "or", points: [], result: null, cursor: 0, timer: null, pending: 0,
  waiting: 0 };

function answered() {
  state.waiting = Math.max(0, state.waiting - 1);
}

function received(message) {
  answered();
  if (state.waiting) return;  // a run for settings changed since
  state.result = message;
  state.cursor = 0;
  const pending = state.pending;
  state.pending = 0;
  if (pending) step(pending);
  else render();
}

function usePreset(name) {
  state.preset = name;
  if (name !== "custom") state.points = CORNERS.map(([a, b]) => ({ x1: a, x2: b, t: PRESETS[name](a, b) }));
  for (const b of document.querySelectorAll(".preset")) b.classList.toggle("selected", b.dataset.preset === name);
  $("class-ctl").hidden = name !== "custom";
  request();
}

function request() {
  stop();
  state.result = null;
  state.pending = 0;
  render();
  if (!state.points.length) return;
  const mode = $("mode").value;
  const message = { type: mode, points: state.points, lr: Number($("lr").value),
    max_epochs: Number($("max_epochs").value) };
  if (mode === "perceptron") message.w = ["w0", "w1", "w2"].map((id) => Number($(id).value));
  state.waiting += 1;
  send(message);
}

function total() {
  const r = state.result;
  if (!r) return 0;
  return r.type === "perceptron" ? r.steps.length : r.path.length - 1;
}

function step(n = 1) {
  if (!state.result) {
    state.pending += n;
    return;
  }
  state.cursor = Math.min(total(), state.cursor + n);
  render();
  if (state.cursor >= total()) stop();
}

function stop() {
  clearInterval(state.timer);
  state.timer = null;
}

function play() {
  if (state.timer) stop();
  else state.timer = setInterval(() => step(), 500);
}

function weightsNow() {
  const r = state.result, c = state.cursor;
  if (!r) return ["w0", "w1", "w2"].map((id) => Number($(id).value));
  if (r.type === "delta") return r.path[c];
  return c ? r.steps[c - 1].w_after : r.steps[0]?.w_before ?? [0, 0, 0];
}

function render() {
  const r = state.result, c = state.cursor, w = weightsNow();
  $("weights").textContent = `(${w.map((v) => fmt(v)).join(", ")})`;
  const done = r && c >= total();
  if (r?.type === "perceptron") {
    const seen = r.steps.slice(0, c);
    $("epoch").textContent = c ? seen[c - 1].epoch : 0;
    $("updates").textContent = seen.filter((s) => s.y !== s.t).length;
    $("status").textContent = !done ? "" : r.converged
      ? `${t("converged")} ${r.epochs} ${t("epochsWord")}`
      : `${t("noConvergence")} ${r.epochs} ${t("epochsWord")} ${t("notSeparable")}`;
    perceptronTable(seen);
  } else {
    $("epoch").textContent = c;
    $("updates").textContent = c;
    $("status").textContent = r ? "" : t("running");
    if (r) deltaTable(r, c);
  }
  $("surface-box").hidden = r?.type !== "delta";
  if (r?.type === "delta") surface(r, c);
  plot(w, r?.type === "delta" ? 0.5 : 0, r?.type === "perceptron" && c ? r.steps[c - 1].x : null);
}

function perceptronTable(seen) {
  $("trace").querySelector("thead").hidden = false;
  $("trace-body").replaceChildren(...seen.map((s, i) => {
    const dw = s.w_after.map((v, j) => v - s.w_before[j]);
    const dot = s.w_before.reduce((sum, v, j) => sum + v * s.x[j], 0);
    const row = el("tr", { "data-testid": "trace-row", class: i === seen.length - 1 ? "current" : "" });
    for (const cell of [s.epoch, vec(s.x), vec(s.w_before), fmt(dot), s.y, s.t, vec(dw)]) {
      row.append(el("td", {}, String(cell)));
    }
    if (s.y !== s.t) row.classList.add("update");
    return row;
  }));
}

function deltaTable(r, c) {
  $("trace").querySelector("thead").hidden = true;
  $("loss").textContent = c ? fmt(r.loss[c - 1], 4) : "";
  const first = Math.max(1, c - 14);  // the last 15 epochs: the table stays readable
  $("trace-body").replaceChildren(...r.path.slice(first, c + 1).map((w, i) => {
    const row = el("tr", { "data-testid": "trace-row" });
    row.append(el("td", {}, `${t("epoch")} ${first + i}`), el("td", {}, `w = ${vec(w)}`),
      el("td", {}, `E = ${fmt(r.loss[first + i - 1], 4)}`));
    return row;
  }));
}

const vec = (v) => `(${v.map((x) => fmt(x)).join(", ")})`;
const px = (v) => ((v - LO) / (HI - LO)) * SIZE;
const py = (v) => SIZE - px(v);

function plot(w, threshold, current) {
  const svg = $("plot"), ns = "http://www.w3.org/2000/svg", nodes = [];
  const cells = 16, step = (HI - LO) / cells;
  const make = (tag, attrs) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    nodes.push(node);
    return node;
  };
  for (let i = 0; i < cells; i++) {
    for (let j = 0; j < cells; j++) {
      const a = LO + (i + 0.5) * step, b = LO + (j + 0.5) * step;
      const on = w[0] + w[1] * a + w[2] * b > threshold;
      make("rect", { x: px(a - step / 2), y: py(b + step / 2), width: SIZE / cells + 0.5,
        height: SIZE / cells + 0.5, fill: on ? "#f59322" : "#0877bd", opacity: 0.18 });
    }
  }
  make("line", { x1: px(0), y1: 0, x2: px(0), y2: SIZE, stroke: "#999" });
  make("line", { x1: 0, y1: py(0), x2: SIZE, y2: py(0), stroke: "#999" });
  boundary(w, threshold, make);
  for (const p of state.points) {
    const here = current && current[1] === p.x1 && current[2] === p.x2;
    make("circle", { cx: px(p.x1), cy: py(p.x2), r: here ? 11 : 8, fill: p.t ? "#f59322" : "#0877bd",
      stroke: here ? "#000" : "#fff", "stroke-width": here ? 3 : 1.5, "data-testid": "point" });
  }
  svg.replaceChildren(...nodes);
}

// w0 + w1 x1 + w2 x2 = threshold, drawn across the plot's whole range
function boundary(w, threshold, make) {
  const [w0, w1, w2] = w;
  if (Math.abs(w1) < 1e-12 && Math.abs(w2) < 1e-12) return;
  const ends = Math.abs(w2) > Math.abs(w1)
    ? [LO, HI].map((a) => [a, (threshold - w0 - w1 * a) / w2])
    : [LO, HI].map((b) => [(threshold - w0 - w2 * b) / w1, b]);
  make("line", { x1: px(ends[0][0]), y1: py(ends[0][1]), x2: px(ends[1][0]), y2: py(ends[1][1]),
    stroke: "#202124", "stroke-width": 2.5, "data-testid": "boundary" });
}

function surface(r, c) {
  const canvas = $("surface"), ctx = canvas.getContext("2d"), n = r.surface.length;
  const flat = r.surface.flat(), lo = Math.log(Math.min(...flat) + 1e-3);
  const hi = Math.log(Math.max(...flat) + 1e-3), cell = canvas.width / n;
  r.surface.forEach((row, i) => row.forEach((E, j) => {
    const u = (Math.log(E + 1e-3) - lo) / (hi - lo || 1);
    ctx.fillStyle = `hsl(${210 - 180 * u}, 70%, ${30 + 35 * u}%)`;
    ctx.fillRect(j * cell, canvas.height - (i + 1) * cell, cell + 1, cell + 1);
  }));
  const [a, b] = r.range, sx = (v) => ((v - a) / (b - a)) * canvas.width;
  const sy = (v) => canvas.height - sx(v);
  ctx.strokeStyle = "#fff";
  ctx.lineWidth = 2;
  ctx.beginPath();
  r.path.slice(0, c + 1).forEach((w, i) => (i ? ctx.lineTo(sx(w[1]), sy(w[2])) : ctx.moveTo(sx(w[1]), sy(w[2]))));
  ctx.stroke();
  const w = r.path[c];
  ctx.fillStyle = "#fff";
  ctx.beginPath();
  ctx.arc(sx(w[1]), sy(w[2]), 5, 0, 2 * Math.PI);
  ctx.fill();
}

function addPoint(event) {
  if (state.preset !== "custom") return;
  const box = $("plot").getBoundingClientRect();
  const x1 = LO + ((event.clientX - box.left) / box.width) * (HI - LO);
  const x2 = HI - ((event.clientY - box.top) / box.height) * (HI - LO);
  state.points.push({ x1: Number(x1.toFixed(2)), x2: Number(x2.toFixed(2)), t: Number($("point_class").value) });
  request();
}

for (const b of document.querySelectorAll(".preset")) {
  b.addEventListener("click", () => {
    if (b.dataset.preset === "custom") state.points = [];
    usePreset(b.dataset.preset);
  });
}
$("mode").addEventListener("change", () => {
  const delta = $("mode").value === "delta";
  $("lr").value = delta ? 0.1 : 1;
  $("max_epochs").value = delta ? 60 : 20;
  request();
});
for (const id of ["lr", "w0", "w1", "w2", "max_epochs"]) $(id).addEventListener("change", request);
$("plot").addEventListener("click", addPoint);
$("step").addEventListener("click", () => step());
$("to_end").addEventListener("click", () => step(Infinity));
$("reset").addEventListener("click", () => { stop(); state.cursor = 0; render(); });
$("play").addEventListener("click", play);
document.addEventListener("keydown", (event) => {
  if (isTyping(event)) return;
  const keys = { n: () => step(), a: () => step(Infinity), r: () => $("reset").click(), p: play };
  keys[event.key]?.();
});
const send = startPage({ perceptron: received, delta: received, error: answered }, render);
usePreset("or");
