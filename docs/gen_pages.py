"""The pages generated at build time (added to the site by docs/hooks.py, see `pages`).

- `reference/cli.md`: every command and sub-command of the typer app, with arguments and options;
- `reference/api/<module>.md`: one page per public module of profond (docstrings, read statically
  by griffe through mkdocstrings: nothing here imports torch);
- `reference/experiments.md`: every registered experiment, one `## name` heading each, with the
  figure of its quick run where docs/assets/experiments/ has one;
- `notebooks/<name>.md`: each course notebook as a page (its cells as written, not executed).
"""

import ast
import json
import re
from pathlib import Path

import typer

from profond.cli import app
from profond.experiments.registry import EXPERIMENTS

SRC = Path(__file__).resolve().parents[1] / "src"
DOCS = Path(__file__).resolve().parent
RESULTS = DOCS / "results.md"
FIGURES = DOCS / "assets" / "experiments"
NOTEBOOKS = DOCS.parent / "notebooks"
# The CLI modules are documented by reference/cli.md (their docstrings are the commands' help).
NOT_API = ("profond.cli",)
CLI_PAGE, EXPERIMENTS_PAGE = "reference/cli.md", "reference/experiments.md"
API_DIR = "reference/api/"
NOTEBOOKS_DIR = "notebooks/"
GENERATED = (CLI_PAGE, EXPERIMENTS_PAGE, API_DIR, NOTEBOOKS_DIR)


def public_modules() -> list[str]:
    """Dotted names of the public modules under src/profond: no `_private` part, no __main__."""
    names = []
    for path in sorted((SRC / "profond").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if any(part.startswith("_") for part in parts):
            continue
        name = ".".join(parts)
        if not any(name == skip or name.startswith(skip + ".") for skip in NOT_API):
            names.append(name)
    return names


def module_docstring(module: str) -> str:
    path = SRC / Path(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def api_page(module: str) -> str:
    return f"::: {module}\n"


def api_index(modules: list[str]) -> str:
    """The API's front page: every module with the first line of its docstring."""
    lines = ["# API reference", "",
             "Generated from the docstrings of the public modules of `src/profond/`. A package's",
             "page also shows what it re-exports, so `profond.scratch.nn.Conv2d` and",
             "`profond.scratch.nn.conv.Conv2d` both lead to the class.", "",
             "| Module | Summary |", "| --- | --- |"]
    for module in modules:
        summary = _cell(module_docstring(module).split("\n\n")[0])
        lines.append(f"| [`{module}`]({module}.md) | {summary} |")
    return "\n".join(lines) + "\n"


def cli_page() -> str:
    root = typer.main.get_command(app)
    lines = ["# Command line", "",
             "Generated from the typer app (`profond.cli`): every command and sub-command,",
             "with its arguments and options. `profond COMMAND --help` prints the same.", ""]
    lines += _command(root, ["profond"], level=2)
    return "\n".join(lines) + "\n"


def _command(command, path: list[str], level: int) -> list[str]:
    """One heading per command; typer's objects (its own click, lately) are read by duck typing."""
    usage = " ".join(path + [_usage(p) for p in command.params if _usage(p)])
    lines = [f"{'#' * min(level, 6)} `{' '.join(path)}`", ""]
    if _is_group(command):
        usage += " COMMAND"
    lines += ["```", usage + (" [OPTIONS]" if _options(command) else ""), "```", ""]
    if command.help:
        lines += [_help(command.help), ""]
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    if arguments:
        lines += ["| Argument | Help |", "| --- | --- |"]
        lines += [f"| `{p.name.upper()}` | {_cell(getattr(p, 'help', '') or '')} |"
                  for p in arguments]
        lines.append("")
    options = _options(command)
    if options:
        lines += ["| Option | Help | Default |", "| --- | --- | --- |"]
        lines += [_option_row(p) for p in options]
        lines.append("")
    if _is_group(command):
        for name in sorted(command.commands):
            lines += _command(command.commands[name], path + [name], level + 1)
    return lines


def _is_group(command) -> bool:
    return hasattr(command, "commands")


def _usage(param) -> str:
    if param.param_type_name == "argument":
        name = param.name.upper()
        return name if param.required else f"[{name}]"
    return ""


def _options(command) -> list:
    return [p for p in command.params if p.param_type_name == "option" and not p.hidden]


def _option_row(option) -> str:
    names = ", ".join(f"`{name}`" for name in option.opts + option.secondary_opts)
    if not option.is_flag:
        names += f" *{_type_name(option)}*"
    default = option.default
    if option.is_flag and option.secondary_opts:
        default = option.opts[0] if default else option.secondary_opts[0]
    shown = "" if default is None or default == () or callable(default) else f"`{default}`"
    if option.required:
        shown = "required"
    return f"| {names} | {_cell(option.help or '')} | {shown} |"


def _type_name(param) -> str:
    if getattr(param, "metavar", None):
        return param.metavar
    if hasattr(param, "type"):
        return param.type.name.upper()
    annotation = param.type_descriptor.annotation
    return getattr(annotation, "__name__", str(annotation)).upper()


def _help(text: str) -> str:
    return _escape("\n".join(line.strip() for line in text.replace("\b", "").splitlines()))


def _cell(text: str) -> str:
    return _escape(" ".join(text.split())).replace("|", "\\|")


def _escape(text: str) -> str:
    """Help text is plain: `<run_id>` outside backticks must not become an HTML tag."""
    parts = text.split("`")
    parts[::2] = [part.replace("<", "&lt;").replace(">", "&gt;") for part in parts[::2]]
    return "`".join(parts)


def experiments_page() -> str:
    lines = ["# Experiments", "",
             "Every experiment of the registry (`profond.experiments.registry.EXPERIMENTS`): one",
             "course table or claim, reproduced by one command. `--quick` runs the reduced budget",
             "CI uses; `--json` prints one JSON object last. Each run writes `result.json` and",
             "its figures into `runs/experiments/NAME-TIME/` (`--out DIR` to choose).", ""]
    measured = measured_experiments()
    for name, (module, description) in EXPERIMENTS.items():
        lines += [f"## {name}", "", f"*{description}*", "",
                  "```bash", f"profond experiment run {name} [--quick] [--seed S] [--json]", "```",
                  ""]
        doc = module_docstring(module)
        if doc:
            lines += [doc, ""]
        link = f" Measured: [results](../results.md#{name})." if name in measured else ""
        lines += [f"Code: [`{module}`][{module}].{link}", ""]
        if (FIGURES / f"{name}.png").is_file():
            lines += [f"![{name}: the figure of its quick run](../assets/experiments/{name}.png)",
                      "", f"*The figure of `profond experiment run {name} --quick --seed 0`.*", ""]
    return "\n".join(lines) + "\n"


def measured_experiments() -> set[str]:
    """The experiments that docs/results.md has a heading for (its anchor is the name)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    return set(re.findall(r"^#+ ([\w-]+)\s*$", text, flags=re.M)) & set(EXPERIMENTS)


def notebook_page(path: Path) -> str:
    """A notebook as a page: markdown cells as written, code cells fenced; not executed.

    Exercises stay visible: they are the notebook's own `Exercice` headings and code cells.
    """
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines = [f'!!! info "{path.name}"', "    Le notebook tel qu'il est écrit, sans ses sorties : "
             f"[téléchargez-le]({path.name}) et ouvrez-le avec Jupyter pour l'exécuter "
             "(The notebook as written, without outputs: download it and run it in Jupyter.)", ""]
    for cell in cells:
        source = "".join(cell["source"]).strip("\n")
        if cell["cell_type"] == "markdown":
            lines += [source, ""]
        elif cell["cell_type"] == "code" and source:
            fence = "`" * max(3, _longest_backtick_run(source) + 1)
            lines += [f"{fence}python", source, fence, ""]
    return "\n".join(lines)


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def notebooks_index() -> str:
    lines = ["# Notebooks", "",
             "Les TP du cours, en français, rendus tels qu'ils sont écrits (sans exécution) ;",
             "chaque page permet de télécharger le notebook.",
             "The course's notebooks, in French, as written.",
             "", "| Notebook | Titre |", "| --- | --- |"]
    for path in notebooks():
        title = _notebook_title(path)
        lines.append(f"| [{path.stem}]({path.stem}.md) | {_cell(title)} |")
    return "\n".join(lines) + "\n"


def _notebook_title(path: Path) -> str:
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        found = re.search(r"^# (.+)$", "".join(cell["source"]), flags=re.M)
        if cell["cell_type"] == "markdown" and found:
            return found.group(1).strip()
    return path.stem


def pages() -> dict[str, str]:
    """Every generated page, by its path in the site's sources."""
    modules = public_modules()
    out = {CLI_PAGE: cli_page(), EXPERIMENTS_PAGE: experiments_page(),
           f"{API_DIR}index.md": api_index(modules)}
    out |= {f"{API_DIR}{module}.md": api_page(module) for module in modules}
    out[f"{NOTEBOOKS_DIR}index.md"] = notebooks_index()
    out |= {f"{NOTEBOOKS_DIR}{path.stem}.md": notebook_page(path) for path in notebooks()}
    return out
