// The playground's settings from the server's schema (hello.schema, profond/lab/settings.py):
// the controls, the values read from the URL hash, and the checks before a change is sent.
// Field f's label is the i18n key `set_f`, its value v's label `opt_f_v`.

import { addStrings, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

export function fieldsOf(schema) {
  return Object.fromEntries(schema.map((field) => [field.name, field]));
}

export function addLabels(schema) {
  const strings = { en: {}, fr: {} };
  for (const field of schema) {
    for (const code of ["en", "fr"]) strings[code][`set_${field.name}`] = field.label[code];
    for (const choice of field.choices ?? []) {
      if (!choice.label) continue;
      for (const code of ["en", "fr"]) {
        strings[code][`opt_${field.name}_${choice.value}`] = choice.label[code];
      }
    }
  }
  addStrings(strings);
}

// A value of `field` as typed in a link or a control (text) -> the value sent to the server.
export function parseValue(field, text) {
  if (field.type === "list") {
    return text === "" ? [] : text.split(",").map((item) => parseValue(field.items, item));
  }
  if (field.type === "integer" || field.type === "number") return text === "" ? NaN : Number(text);
  return text;
}

function same(value, option) {  // as schema._in_list: floats from a link need not be exact
  return typeof value === typeof option && (value === option || (typeof value === "number"
    && Math.abs(value - option) <= 1e-9 * Math.max(1, Math.abs(option))));
}

// What a client sent, quoted in an error as the server quotes it (errors.got).
const got = (value) => (typeof value === "number" ? value : JSON.stringify(value)?.slice(0, 60));

// Why `value` is not allowed for `field` as the server says it ({code, params}, errors.py), or
// null when it is.
export function problem(field, value) {
  if (field.type === "list") {
    if (!Array.isArray(value)) return { code: "list_type", params: { got: got(value) } };
    const length = { min_length: field.min_length, max_length: field.max_length,
      actual_length: value.length };
    if (value.length < field.min_length) return { code: "too_short", params: length };
    if (field.max_length !== null && value.length > field.max_length) {
      return { code: "too_long", params: length };
    }
    if (field.unique && new Set(value).size !== value.length) {
      return { code: "distinct", params: { got: got(value) } };
    }
    const bad = value.map((item) => problem(field.items, item)).find((p) => p);
    return bad ?? null;
  }
  if (field.choices) {
    if (field.choices.some((c) => same(value, c.value))) return null;
    return { code: "literal_error", params: { expected: field.choices.map((c) => c.value),
      got: got(value) } };
  }
  const integer = field.type === "integer";
  if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    return { code: integer ? "int_parsing" : "float_parsing", params: { got: got(value) } };
  }
  if (field.min !== null && value < field.min) {
    return { code: "greater_than_equal", params: { ge: field.min, got: value } };
  }
  if (field.max !== null && value > field.max) {
    return { code: "less_than_equal", params: { le: field.max, got: value } };
  }
  return null;
}

// {field: value} -> the problems, one per bad field ({field, code, params}, as an error frame
// says them); unknown fields are bad.
export function validate(fields, partial) {
  return Object.entries(partial).flatMap(([name, value]) => {
    const field = fields[name];
    const found = field ? problem(field, value)
      : { code: "extra_forbidden", params: { got: got(value) } };
    return found ? [{ field: name, ...found }] : [];
  });
}

function select(field) {
  const node = document.createElement("select");
  node.replaceChildren(...field.choices.map((choice) => {
    const option = document.createElement("option");
    option.value = String(choice.value);
    if (choice.label) option.dataset.i18nOption = `opt_${field.name}_${choice.value}`;
    option.textContent = choice.label ? t(option.dataset.i18nOption) : String(choice.value);
    return option;
  }));
  return node;
}

function control(field, change) {
  const { widget, ctl, step, unit } = field.control;
  const input = widget === "select" ? select(field) : document.createElement("input");
  if (widget !== "select") {
    input.type = widget === "slider" ? "range" : "number";
    Object.assign(input, { min: field.min, max: field.max, step });
  }
  input.id = field.name;
  input.dataset.testid = ctl;
  input.addEventListener("change", () => change({ [field.name]: parseValue(field, input.value) }));
  const title = document.createElement("span");
  title.dataset.i18n = `set_${field.name}`;
  title.textContent = t(title.dataset.i18n);
  const box = document.createElement(widget === "slider" ? "div" : "label");
  box.dataset.ctl = ctl;
  box.dataset.ctlLabel = title.dataset.i18n;
  if (widget !== "slider") {
    box.className = "ctl";
    box.append(title, input);
    return box;
  }
  const label = document.createElement("label");
  label.htmlFor = field.name;
  const shown = document.createElement("b");
  shown.id = `${field.name}-value`;
  input.addEventListener("input", () => { shown.textContent = input.value; });
  label.append(title, ": ", shown, unit);
  box.className = "slider";
  box.append(label, input);
  return box;
}

// Every field with a control, appended in the schema's order to its [data-settings=group].
export function buildSettings(schema, change) {
  for (const field of schema.filter((f) => f.control)) {
    document.querySelector(`[data-settings=${field.control.group}]`).append(control(field, change));
  }
}

export function renderSettings(schema, config) {
  for (const field of schema.filter((f) => f.control)) {
    const input = $(field.name);
    if (document.activeElement !== input) input.value = String(config[field.name]);
    const shown = $(`${field.name}-value`);
    if (shown) shown.textContent = String(config[field.name]);
  }
}
