// What every course page shares: the /ws/pages socket, the navigation bar, the language switch,
// errors, bars.

import {
  addStrings, chosenLang, getLang, loadErrors, setLang, showErrorIn,
} from "/static/js/i18n.js";
import { mountNav } from "/static/js/nav.js";
import { connect } from "/static/js/socket.js";
import { STRINGS } from "./strings.js";

addStrings(STRINGS);

export const $ = (id) => document.getElementById(id);

export function fmt(value, digits = 3) {
  return Number(value).toFixed(digits).replace(/\.?0+$/, "").replace(/^-0$/, "0") || "0";
}

export function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== "") node.textContent = text;
  return node;
}

// The course pages' header: the title, the connection and the language switch (the
// navigation comes from mountNav); the playground's, with its tagline and guide, is its own.
function mountMasthead() {
  document.body.insertAdjacentHTML("afterbegin", `<header class="masthead">
    <h1><b>profond</b> lab</h1>
    <div class="header-tools">
      <span class="conn" id="conn" data-testid="connection"></span>
      <button class="chip" id="lang" data-testid="lang">FR</button>
    </div>
  </header>`);
}

// handlers: {type: (message) => void}; onLang re-renders text built by the page
export function startPage(handlers, onLang = () => {}) {
  mountMasthead();
  // the link's #lang, else the browser's language; the user's choice goes into the link
  const lang = chosenLang(new URLSearchParams(location.hash.slice(1)).get("lang"));
  const apply = (code) => {
    setLang(code);
    onLang();
  };
  const toggle = () => {
    apply(getLang() === "en" ? "fr" : "en");
    history.replaceState(null, "", `#lang=${getLang()}`);
  };
  $("lang").addEventListener("click", toggle);
  document.addEventListener("keydown", (event) => {
    if (event.key === "l" && !isTyping(event)) toggle();
  });
  const socket = connect("/ws/pages", (message) => {
    if (message.type === "error") {
      showErrorIn($("error"), message);
      handlers.error?.(message);
      return;
    }
    if (message.type === "pong") return;  // the keep-alive answers nothing
    showErrorIn($("error"), null);
    handlers[message.type]?.(message);
  });
  apply(lang);
  mountNav();
  loadErrors();  // until they come, an error shows the server's English words
  return socket.send;
}

export function isTyping(event) {
  return ["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName);
}

// Horizontal bars: rows of [label, fraction in 0..1]; each row gets data-testid `${id}-${i}`
export function bars(container, rows, id) {
  container.replaceChildren(...rows.map(([label, p], i) => {
    const row = el("div", { class: "bar-row", "data-testid": `${id}-${i}` });
    const fill = el("span", { class: "bar-fill", style: `width:${(100 * p).toFixed(1)}%` });
    row.append(el("span", { class: "bar-label" }, label), el("span", { class: "bar" }),
      el("span", { class: "bar-value" }, `${(100 * p).toFixed(1)} %`));
    row.children[1].append(fill);
    return row;
  }));
}
