// The backprop page: the slides' 2-H-1 (or 2-H-2) sigmoid MLP, one layer forward or backward per
// click; the "slide" preset loads deck 001's 2-2-2 example (Mazur's weights).

import { t } from "/static/js/i18n.js";
import { $, fmt, isTyping, startPage } from "./common.js";

const NS = "http://www.w3.org/2000/svg";
const COL = [60, 290, 500];
const state = { r: null, phase: 0, weights: null, preset: false };

function request(extra = {}) {
  const message = { type: "backprop", x: [Number($("x1").value), Number($("x2").value)],
    t: Number($("t").value), hidden: Number($("hidden").value), lr: Number($("lr").value),
    seed: Number($("seed").value) };
  if ($("outputs").value === "2") message.t2 = Number($("t2").value);
  if (state.weights) Object.assign(message, state.weights);
  send(Object.assign(message, extra));
}

function preset() {
  state.preset = true;
  request({ preset: "mazur" });
}

function showOutputs() { $("t2").disabled = $("outputs").value !== "2"; }

function restart() {
  state.weights = null;
  request();
}

function received(message) {
  if (state.preset) {  // the server sent the slide's example: show its values, keep its weights
    state.preset = false;
    [$("x1").value, $("x2").value] = message.x;
    [$("t").value, $("t2").value] = message.t;
    Object.assign($("outputs"), { value: String(message.t.length) });
    Object.assign($("hidden"), { value: String(message.y_hidden.length) });
    $("lr").value = message.lr;
    showOutputs();
    state.weights = { W_hidden: message.W_hidden, W_output: message.W_output };
  }
  state.r = message;
  state.phase = 0;
  render();
}

const rows = (n) => Array.from({ length: n }, (_, i) => 40 + (i * 290) / Math.max(1, n - 1));

function render() {
  const { r, phase } = state;
  $("phase").textContent = t(`phase${phase}`);
  $("error-value").textContent = r && phase >= 2 ? fmt(r.error, 5) : "–";
  for (let i = 1; i <= 5; i++) $(`f${i}`).classList.toggle("active", i === phase);
  $("backward").disabled = phase < 2 || phase >= 5;
  $("forward").disabled = phase >= 2;
  $("apply").disabled = phase < 5;
  if (!r) return;
  numbers(r, phase);
  draw(r, phase);
}

const SUB = "₀₁₂₃";

function numbers(r, phase) {
  const j = 0, yh = r.y_hidden[j], dk = r.delta_output[0];
  const xs = [1, ...r.x], ys = [1, ...r.y_hidden], K = r.y_output.length;
  const name = (k) => (K > 1 ? SUB[k + 1] : "");
  $("n1").textContent = phase < 1 ? "" : `s₁ = ${r.W_hidden[j].map((w, i) => `${fmt(w)}·${fmt(xs[i])}`).join(" + ")} = ${fmt(r.s_hidden[j])},  y₁ = ${fmt(yh, 4)}`;
  $("n2").textContent = phase < 2 ? "" : r.W_output.map((row, k) => `s${name(k)} = ${row.map((w, i) => `${fmt(w)}·${fmt(ys[i])}`).join(" + ")} = ${fmt(r.s_output[k])},  y${name(k)} = ${fmt(r.y_output[k], 4)}`).join(";  ");
  $("n3").textContent = phase < 3 ? "" : r.y_output.map((y, k) => `δ${name(k)} = ${fmt(y, 4)} × (1 − ${fmt(y, 4)}) × (${fmt(r.t[k])} − ${fmt(y, 4)}) = ${fmt(r.delta_output[k], 5)}`).join(";  ");
  const sum = r.delta_output.map((d, k) => `${fmt(d, 5)} × ${fmt(r.W_output[k][1])}`).join(" + ");
  $("n4").textContent = phase < 4 ? "" : `δ₁ = ${fmt(yh, 4)} × (1 − ${fmt(yh, 4)}) × (${sum}) = ${fmt(r.delta_hidden[j], 5)}`;
  $("n5").textContent = phase < 5 ? "" : `Δw₁₁ = ${fmt(r.lr)} × ${fmt(dk, 5)} × ${fmt(yh, 4)} = ${fmt(r.dW_output[0][1], 5)},  Δw₁₁ (x₁) = ${fmt(r.lr)} × ${fmt(r.delta_hidden[0], 5)} × ${fmt(r.x[0])} = ${fmt(r.dW_hidden[0][1], 5)}`;
}

function draw(r, phase) {
  const svg = $("net"), nodes = [], H = r.y_hidden.length;
  const add = (tag, attrs, text) => {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    nodes.push(node);
  };
  const K = r.y_output.length;
  const inY = rows(3), hidY = rows(H + 1), outY = K === 1 ? [190] : [115, 265];
  const link = (x1, y1, x2, y2, w, dw, id) => {
    add("line", { x1, y1, x2, y2, stroke: w > 0 ? "#f59322" : "#0877bd", "stroke-width": 1 + Math.min(4, Math.abs(w) * 2), opacity: 0.7 });
    const mx = x1 + (x2 - x1) * 0.27, my = y1 + (y2 - y1) * 0.27 - 3;
    add("text", { x: mx, y: my, "text-anchor": "middle", "data-testid": id, class: "halo" }, phase >= 5 ? `${fmt(w, 2)} Δ${fmt(dw, 4)}` : fmt(w, 2));
  };
  r.W_hidden.forEach((row, j) => row.forEach((w, i) => link(COL[0], inY[i], COL[1], hidY[j + 1], w, r.dW_hidden[j][i], `dw-hidden-${j + 1}-${i}`)));
  r.W_output.forEach((row, k) => row.forEach((w, j) => link(COL[1], hidY[j], COL[2], outY[k], w, r.dW_output[k][j], k ? `dw-output-${k + 1}-${j}` : `dw-output-${j}`)));
  const node = (x, y, label, lines, id) => {
    add("circle", { cx: x, cy: y, r: 24, fill: "#fff", stroke: "#202124", "stroke-width": 1.5 });
    add("text", { x, y: y + 4, "text-anchor": "middle", "font-weight": 600 }, label);
    lines.forEach((line, k) => add("text", { x, y: y + 38 + 13 * k, "text-anchor": "middle",
      class: "halo", "data-testid": `${id}-${k}` }, line));
  };
  node(COL[0], inY[0], "1", [], "x0");
  r.x.forEach((v, i) => node(COL[0], inY[i + 1], fmt(v, 2), [`x${i + 1}`], `x${i + 1}`));
  node(COL[1], hidY[0], "1", [], "y0");
  r.y_hidden.forEach((y, j) => node(COL[1], hidY[j + 1], `y${j + 1}`, [
    phase >= 1 ? `s=${fmt(r.s_hidden[j])} y=${fmt(y, 4)}` : "",
    phase >= 4 ? `δ=${fmt(r.delta_hidden[j], 5)}` : ""], `hidden-${j + 1}`));
  r.y_output.forEach((y, k) => node(COL[2], outY[k], K > 1 ? `y${k + 1}` : "y", [
    phase >= 2 ? `s=${fmt(r.s_output[k])} y=${fmt(y, 4)}` : "",
    phase >= 3 ? `δ=${fmt(r.delta_output[k], 5)}` : "", `t=${fmt(r.t[k])}`],
  k ? `output${k + 1}` : "output"));
  svg.replaceChildren(...nodes);
}

function forward() { if (state.phase < 2) { state.phase += 1; render(); } }
function backward() { if (state.phase >= 2 && state.phase < 5) { state.phase += 1; render(); } }
function apply() {
  if (state.phase < 5) return;
  state.weights = { W_hidden: state.r.W_hidden_after, W_output: state.r.W_output_after };
  request();
}

const send = startPage({ backprop: received }, render);
$("forward").addEventListener("click", forward);
$("backward").addEventListener("click", backward);
$("apply").addEventListener("click", apply);
$("reset").addEventListener("click", restart);
$("preset").addEventListener("click", preset);
for (const id of ["x1", "x2", "t", "t2", "lr"]) $(id).addEventListener("change", () => request());
for (const id of ["hidden", "seed"]) $(id).addEventListener("change", restart);
$("outputs").addEventListener("change", () => { showOutputs(); restart(); });
document.addEventListener("keydown", (event) => {
  if (isTyping(event)) return;
  ({ f: forward, b: backward, u: apply, r: restart, s: preset })[event.key]?.();
});
showOutputs();
restart();
