// Numbers beside the heatmap (losses, accuracy, confusion matrix), downloads, and the classroom
// panel that hides chosen controls through the link.

import { showErrorIn, t } from "./i18n.js";
import { hashFor, view } from "./state.js";

const $ = (id) => document.getElementById(id);

// a loss the server sends as null because it is NaN (frame.nan) reads NaN, as in TFP
function fmt(value, nan = false) {
  if (value === null || value === undefined) return nan ? "NaN" : "–";
  return value.toFixed(3);
}

// Multiclass maps are painted in the class colours: the legend says which is which.
export function renderLegend(multiclass, nClasses, color) {
  $("class-legend").closest(".legend").classList.toggle("multiclass", multiclass);
  $("class-legend").innerHTML = multiclass ? Array.from({ length: nClasses }, (_, k) =>
    `<i><b style="background:rgb(${color(k).join(",")})"></b>${t("class")} ${k}</i>`).join("")
    : "";
}

export function renderMetrics(frame) {
  const nan = frame.nan ?? [];
  $("epoch").textContent = String(frame.epoch).padStart(6, "0").replace(/(\d{3})$/, ",$1");
  $("train-loss").textContent = fmt(frame.train_loss, nan.includes("train_loss"));
  $("test-loss").textContent = fmt(frame.test_loss, nan.includes("test_loss"));
  const acc = frame.test_acc ?? frame.train_acc;
  $("test-acc").textContent = acc === null || acc === undefined ? "–"
    : `${(100 * acc).toFixed(1)} %`;
  renderConfusion(frame.confusion);
}

function renderConfusion(matrix) {
  const table = $("confusion");
  table.closest(".confusion").hidden = !matrix;
  if (!matrix) return;
  const rows = [`<tr><th>${t("truth")} \\ ${t("predicted")}</th>`
    + matrix.map((_, k) => `<th>${k}</th>`).join("") + "</tr>"];
  const max = Math.max(1, ...matrix.flat());
  matrix.forEach((row, k) => {
    rows.push(`<tr><th>${k}</th>` + row.map((n, j) => {
      const alpha = (0.08 + 0.6 * n / max).toFixed(2);
      const hue = k === j ? "8,119,189" : "245,147,34";
      return `<td style="background:rgba(${hue},${alpha})">${n}</td>`;
    }).join("") + "</tr>");
  });
  table.innerHTML = rows.join("");
}

export function download(filename, mime, bytesOrText) {
  const blob = new Blob([bytesOrText], { type: mime });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

export function downloadBase64(message) {
  const text = atob(message.data);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  download(message.filename, message.mime, bytes);
}

// `error`: an error frame or a list of them (i18n.js says them in the page's language)
export function showError(error) {
  const toast = $("toast");
  showErrorIn(toast, error);
  toast.classList.add("shown");
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => toast.classList.remove("shown"), 5000);
}

// Controls that a teacher may hide: every element with data-ctl.
export function applyHidden() {
  for (const node of document.querySelectorAll("[data-ctl]")) {
    node.classList.toggle("ctl-hidden", view.hide.includes(node.dataset.ctl)
      && node.dataset.ctl !== "classroom");
  }
}

// The label of each hideable group that is not a setting (settings carry data-ctl-label).
const CTL_LABELS = { timeline: "ctlTimeline", dataset: "data", regenerate: "regenerate",
  "custom-data": "opt_dataset_custom", layers: "hiddenLayers", "show-test": "showTest",
  discretize: "discretize", confusion: "confusion", export: "exportModel" };

export function buildClassroom(getConfig, onChange) {
  const nodes = [...document.querySelectorAll("[data-ctl]")];
  const labels = Object.fromEntries(nodes.map((n) => [n.dataset.ctl,
    n.dataset.ctlLabel ?? CTL_LABELS[n.dataset.ctl] ?? n.dataset.ctl]));
  const names = Object.keys(labels).filter((n) => n !== "classroom");
  const list = $("hide-list");
  list.replaceChildren(...names.map((name) => {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.dataset.testid = `hide-${name}`;
    box.checked = view.hide.includes(name);
    box.addEventListener("change", () => {
      view.hide = names.filter((n) => n === name ? box.checked : view.hide.includes(n));
      onChange();
    });
    const text = document.createElement("span");
    text.dataset.i18n = labels[name];
    text.textContent = t(text.dataset.i18n);
    label.append(box, text);
    return label;
  }));
  const link = $("classroom-link");
  const refresh = () => { link.href = hashFor(getConfig(), view); };
  link.addEventListener("mouseenter", refresh);
  link.addEventListener("focus", refresh);
  return refresh;
}
