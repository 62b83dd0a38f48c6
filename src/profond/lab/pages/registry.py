"""The lab's pages, in the order of the navigation bar: one entry each.

The server serves each page's HTML at its route (`router.add_pages`), lists the pages at
/api/pages for the navigation bar every page builds (static/js/nav.js), and routes each message
type of /ws/pages to the handler of the page that declares it. A handler takes the tab's
`PageSession` and the validated message (`pages/schema.py`); a plain function runs in a thread
and returns the reply frame, a coroutine function runs on the event loop and sends its own.
The playground keeps its own socket, /ws, and its session (`lab/session.py`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from profond.lab.pages import classic, cnn
from profond.lab.pages.fewshot import accuracy_curve


@dataclass(frozen=True)
class Page:
    """A page: `name` (its HTML is static/<file>), `route`, its title in English and French for
    the navigation bar, and the /ws/pages messages it answers."""

    name: str
    route: str
    en: str
    fr: str
    file: str = ""
    handlers: Mapping[str, Callable] = field(default_factory=dict)

    @property
    def html(self) -> str:
        return self.file or f"{self.name}.html"


async def _train(session, msg) -> None:
    await session.start_training(msg.epochs, msg.data)


PAGES = (
    Page("playground", "/", "Playground", "Terrain de jeu", file="index.html"),
    Page("perceptron", "/perceptron", "Perceptron", "Perceptron", handlers={
        "perceptron": lambda s, m: classic.perceptron_trace(m.points, m.w, m.lr, m.max_epochs),
        "delta": lambda s, m: classic.delta_descent(m.points, m.lr, m.max_epochs)}),
    Page("backprop", "/backprop", "Backprop", "Rétropropagation", handlers={
        "backprop": lambda s, m: classic.backprop_step(**classic.backprop_args(m))}),
    Page("cnn", "/cnn", "CNN explorer", "Explorateur CNN", handlers={
        "conv_size": lambda s, m: classic.conv_size(m.dim_in, m.kernel_size, m.stride,
                                                    m.padding),
        "cnn_status": lambda s, m: cnn.status(m.data),
        "cnn_predict": lambda s, m: cnn.explore(m.bitmap, m.data),
        "cnn_patch": lambda s, m: cnn.patch(m.bitmap, m.layer, m.channel, m.row, m.col,
                                            m.data),
        "cnn_train": _train}),
    Page("fewshot", "/fewshot", "Few-shot", "Few-shot", handlers={
        "fewshot_add": lambda s, m: s.fewshot.add(m.label, m.bitmap),
        "fewshot_predict": lambda s, m: s.fewshot.predict(m.bitmap),
        "fewshot_reset": lambda s, m: s.reset_fewshot(),
        "fewshot_curve": lambda s, m: accuracy_curve()}),
)


def nav(pages=PAGES) -> list[dict]:
    """What the navigation bar shows: each page's name, route and titles, in order."""
    return [{"name": p.name, "route": p.route, "title": {"en": p.en, "fr": p.fr}} for p in pages]


def handlers(pages=PAGES) -> dict[str, Callable]:
    """Message type -> handler over all pages, "ping" included; a type claimed twice raises."""
    table: dict[str, Callable] = {"ping": lambda s, m: {"type": "pong"}}
    for page in pages:
        for kind, handler in page.handlers.items():
            if kind in table:
                raise ValueError(f"handlers: expected one page per message type; {kind!r} "
                                 f"is claimed again by {page.name!r}")
            table[kind] = handler
    return table
