// Render the formulas that pymdownx.arithmatex (generic mode) wraps in .arithmatex elements,
// with the KaTeX the site serves itself. `document$` is Material's page-load stream: it also
// fires after instant navigation.
document$.subscribe(({ body }) => {
  for (const element of body.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  }
});
