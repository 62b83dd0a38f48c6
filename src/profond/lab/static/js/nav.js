// The navigation bar of every lab page, built from the server's page registry (/api/pages,
// profond/lab/pages/registry.py): a new page is one entry there, no HTML to copy.

import { addStrings, getLang, setLang } from "./i18n.js";

export async function mountNav() {
  const response = await fetch("/api/pages");
  if (!response.ok) return;
  const pages = await response.json();
  const strings = { en: {}, fr: {} };
  const nav = document.createElement("nav");
  nav.className = "pages-nav";
  nav.dataset.testid = "pages-nav";
  for (const page of pages) {
    for (const code of ["en", "fr"]) strings[code][`nav_${page.name}`] = page.title[code];
    const link = document.createElement("a");
    link.href = page.route;
    link.dataset.i18n = `nav_${page.name}`;
    if (page.route === location.pathname) link.setAttribute("aria-current", "page");
    nav.append(link);
  }
  addStrings(strings);
  document.querySelector(".masthead h1").after(nav);
  setLang(getLang());  // its labels, and links that carry the language along
}
