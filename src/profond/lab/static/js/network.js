// The network diagram: feature nodes (click to toggle), hidden neurons with live thumbnails,
// links coloured by sign with width by |w|; hover a link or bias to read it, click to edit it.

import { diverging, rgb } from "./colors.js";
import { decode, paintSigned } from "./heatmap.js";
import { t } from "./i18n.js";

const NODE = 38;
const GAP = 14;
const SVG_NS = "http://www.w3.org/2000/svg";
const FEATURE_IDS = { x1: "x1", x2: "x2", "x1^2": "x1sq", "x2^2": "x2sq", "x1*x2": "x1x2",
  "sin(x1)": "sinx1", "sin(x2)": "sinx2" };
const FEATURE_LABELS = { x1: "X₁", x2: "X₂", "x1^2": "X₁²", "x2^2": "X₂²", "x1*x2": "X₁X₂",
  "sin(x1)": "sin(X₁)", "sin(x2)": "sin(X₂)" };

const FEATURE_FNS = { x1: (a) => a, x2: (a, b) => b, "x1^2": (a) => a * a,
  "x2^2": (a, b) => b * b, "x1*x2": (a, b) => a * b, "sin(x1)": (a) => Math.sin(a),
  "sin(x2)": (a, b) => Math.sin(b) };

// A feature over [-6, 6]² on a 20 x 20 grid, as bytes (the server sends only active ones).
function featureBytes(name) {
  const bytes = new Uint8Array(400);
  for (let r = 0; r < 20; r++) {
    for (let c = 0; c < 20; c++) {
      const v = FEATURE_FNS[name](-6 + (12 * c) / 19, 6 - (12 * r) / 19);
      bytes[r * 20 + c] = Math.round((Math.max(-1, Math.min(1, v)) + 1) * 127.5);
    }
  }
  return bytes;
}

function el(tag, attrs = {}, ns = null) {
  const node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

export class Network {
  // actions: toggleFeature(name), layers(delta), neurons(layer, delta), edit(l, node, src, v),
  // hover(id | null)
  constructor(root, card, allFeatures, actions) {
    Object.assign(this, { root, card, allFeatures, actions });
    this.key = "";
    this.pinned = null;
    const input = card.querySelector("input");
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && this.pinned && Number.isFinite(Number(input.value))) {
        const { layer, node, source } = this.pinned;
        actions.edit(layer, node, source, Number(input.value));
        this.unpin();
      } else if (event.key === "Escape") this.unpin();
    });
    document.addEventListener("mousedown", (event) => {
      if (this.pinned && !card.contains(event.target)) this.unpin();
    });
  }

  // Rebuild when the shape changes: features, hidden sizes, outputs.
  layout(config, nOut) {
    const key = JSON.stringify([config.features, config.hidden, nOut]);
    if (key === this.key) return;
    this.key = key;
    this.features = config.features;
    this.sizes = [config.features.length, ...config.hidden, nOut];
    const columns = config.hidden.length + 2;
    const width = Math.max(this.root.clientWidth, 420);
    // the left margin leaves room for the feature labels (sin(X₁)) beside the input column
    this.colX = (c) => 62 + (c * (width - 70 - NODE)) / (columns - 1);
    const rows = Math.max(this.allFeatures.length, ...config.hidden);
    this.height = rows * (NODE + GAP) + 40;
    this.rowY = (c, i) => {
      const count = c === 0 ? this.allFeatures.length : this.sizes[c];
      return 36 + (rows - count) * (NODE + GAP) / 2 + i * (NODE + GAP);
    };
    this.root.replaceChildren();
    this.root.style.height = `${this.height}px`;
    this.svg = el("svg", { width, height: this.height, class: "links" }, SVG_NS);
    this.root.append(this.svg);
    this.buildLinks();
    this.buildFeatureNodes();
    this.buildHiddenNodes(config.hidden);
    this.buildOutputNodes(nOut);
  }

  nodeCenter(c, i) {
    const row = c === 0 ? this.allFeatures.indexOf(this.features[i]) : i;
    return [this.colX(c) + NODE / 2, this.rowY(c, row) + NODE / 2];
  }

  buildLinks() {
    this.links = [];
    for (let c = 1; c < this.sizes.length; c++) {
      const layer = [];
      for (let j = 0; j < this.sizes[c]; j++) {
        const row = [];
        for (let i = 0; i < this.sizes[c - 1]; i++) {
          const [x1, y1] = this.nodeCenter(c - 1, i);
          const [x2, y2] = this.nodeCenter(c, j);
          const mid = (x1 + x2) / 2;
          const d = `M${x1 + NODE / 2},${y1} C${mid},${y1} ${mid},${y2} ${x2 - NODE / 2},${y2}`;
          const path = el("path", { d, class: "link" }, SVG_NS);
          const hit = el("path", { d, class: "link-hit", "data-testid": `link-${c}-${j}-${i}` },
            SVG_NS);
          this.bindEditable(hit, { layer: c, node: j, source: i });
          this.svg.append(path, hit);
          row.push(path);
        }
        layer.push(row);
      }
      this.links.push(layer);
    }
  }

  nodeBox(c, row, testid, cls) {
    const box = el("div", { class: `node ${cls}`, "data-testid": testid });
    box.style.left = `${this.colX(c)}px`;
    box.style.top = `${this.rowY(c, row)}px`;
    this.root.append(box);
    return box;
  }

  buildFeatureNodes() {
    this.canvases = [[]];
    this.allFeatures.forEach((name, row) => {
      const active = this.features.includes(name);
      const box = this.nodeBox(0, row, `feature-${FEATURE_IDS[name]}`,
        active ? "feature active" : "feature");
      const label = el("span", { class: "feature-label" });
      label.textContent = FEATURE_LABELS[name];
      const canvas = el("canvas", { width: 20, height: 20 });
      box.append(canvas, label);
      box.addEventListener("click", () => this.actions.toggleFeature(name));
      if (active) {
        const j = this.features.indexOf(name);
        this.canvases[0][j] = canvas;
        // as TFP: hovering an input shows its value over the whole plane in the big heatmap
        box.addEventListener("mouseenter", () => this.actions.hover(`0,${j}`));
        box.addEventListener("mouseleave", () => this.actions.hover(null));
      } else paintSigned(canvas, featureBytes(name), 20);
    });
  }

  buildHiddenNodes(hidden) {
    hidden.forEach((count, l) => {
      const c = l + 1;
      const head = el("div", { class: "layer-head" });
      head.style.left = `${this.colX(c) + NODE / 2}px`;
      const plus = el("button", { class: "icon tiny", "data-testid": `add-neuron-${c}` });
      plus.textContent = "+";
      plus.addEventListener("click", () => this.actions.neurons(l, +1));
      const minus = el("button", { class: "icon tiny", "data-testid": `remove-neuron-${c}` });
      minus.textContent = "−";
      minus.addEventListener("click", () => this.actions.neurons(l, -1));
      const label = el("div", { class: "layer-label" });
      label.textContent = `${count} ${t(count === 1 ? "neuron" : "neurons")}`;
      head.append(plus, minus, label);
      this.root.append(head);
      this.canvases[c] = [];
      for (let j = 0; j < count; j++) this.neuronBox(c, j);
    });
  }

  neuronBox(c, j) {
    const box = this.nodeBox(c, j, `node-${c}-${j}`, "hidden");
    const canvas = el("canvas", { width: 20, height: 20 });
    const bias = el("div", { class: "bias", "data-testid": `bias-${c}-${j}` });
    this.bindEditable(bias, { layer: c, node: j, source: null });
    box.append(canvas, bias);
    box.addEventListener("mouseenter", () => this.actions.hover(`${c},${j}`));
    box.addEventListener("mouseleave", () => this.actions.hover(null));
    this.canvases[c].push(canvas);
    return box;
  }

  buildOutputNodes(nOut) {
    const c = this.sizes.length - 1;
    for (let j = 0; j < nOut; j++) {
      const box = this.nodeBox(c, j, `output-${j}`, "output");
      const bias = el("div", { class: "bias", "data-testid": `bias-${c}-${j}` });
      this.bindEditable(bias, { layer: c, node: j, source: null });
      box.append(bias);
    }
  }

  bindEditable(target, where) {
    target.addEventListener("mouseenter", (event) => this.showCard(event, where, false));
    target.addEventListener("mouseleave", () => {
      this.shown = null;
      if (!this.pinned) this.card.style.display = "";
    });
    target.addEventListener("click", (event) => {
      event.stopPropagation();
      this.showCard(event, where, true);
    });
  }

  value({ layer, node, source }) {
    if (!this.params) return 0;
    const value = source === null ? this.params.biases[layer - 1][node]
      : this.params.weights[layer - 1][node][source];
    return value ?? NaN;  // a diverged weight travels as null; TFP shows it as NaN
  }

  showCard(event, where, pin) {
    if (this.pinned && !pin) return;
    const card = this.card;
    card.querySelector(".kind").textContent = t(where.source === null ? "bias" : "weight");
    const value = this.value(where);
    this.shown = where;
    card.querySelector(".val").textContent = value.toFixed(3);
    card.style.left = `${event.pageX + 12}px`;
    card.style.top = `${event.pageY - 12}px`;
    card.style.display = "block";
    card.classList.toggle("editing", pin);
    if (pin) {
      this.pinned = where;
      const input = card.querySelector("input");
      input.value = value.toFixed(3);
      input.focus();
      input.select();
    }
  }

  unpin() {
    this.pinned = null;
    this.card.style.display = "";
    this.card.classList.remove("editing");
  }

  update(frame, discrete) {
    this.params = { weights: frame.weights, biases: frame.biases };
    if (this.shown && !this.pinned) {  // the value under the mouse changes as it trains
      this.card.querySelector(".val").textContent = this.value(this.shown).toFixed(3);
    }
    frame.weights.forEach((W, l) => W.forEach((row, j) => row.forEach((w, i) => {
      const path = this.links[l] && this.links[l][j] && this.links[l][j][i];
      if (!path) return;
      path.setAttribute("stroke", rgb(diverging(w)));
      path.setAttribute("stroke-width", String(1 + 9 * Math.min(Math.abs(w), 5) / 5));
    })));
    frame.nodes.forEach((layer, c) => layer.forEach((b64, j) => {
      const canvas = this.canvases[c] && this.canvases[c][j];
      if (canvas) paintSigned(canvas, decode(b64), frame.thumb, discrete);
    }));
    for (const bias of this.root.querySelectorAll(".bias")) {
      const [, c, j] = bias.dataset.testid.split("-").map(Number);
      const b = frame.biases[c - 1] ? frame.biases[c - 1][j] : 0;
      bias.style.background = rgb(diverging(b ?? 0));
    }
  }
}
