"""Deck 003, "Limitations - Impact environnementaux": accuracy against the energy and CO2e of
training, measured by CodeCarbon (profond.train.energy), beside the slide's GPT-3 estimates.
"""

from pathlib import Path

from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.models import n_params, new_model
from profond.plotting import pyplot, save_png
from profond.train.energy import EmissionsMeter
from profond.train.recipe import accuracy, fit_model

# (model name, create_model options) trained on digits; epochs by `quick`
MODELS = (("logistic", {}), ("mlp", {"hidden": (256, 256)}), ("lenet5", {}))
EPOCHS = {True: 3, False: 30}
GPT3_TRAINING_KWH = 1_287_000  # slide: 1,287 MWh, ~500 t CO2e (Freitag et al. 2021)
CHATGPT_KWH_PER_DAY = 564_000  # slide: 564 MWh, ~220 t CO2e per day (Patel & Ahmad 2023)


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per model: parameters, test accuracy, kWh, g CO2e, and GPT-3's multiple of it."""
    data = load("digits")
    rows = []
    for name, options in MODELS:
        model = new_model(name, (1, 8, 8), 10, **options, seed=seed)
        meter = EmissionsMeter()
        learner, _ = fit_model(model, (data.X_train, data.y_train), epochs=EPOCHS[quick], lr=1e-3,
                         seed=seed, eval_train=False, callbacks=[meter])
        kwh = meter.energy_kwh
        rows.append({"model": name, "# Param.": n_params(model),
                     "test %": round(100 * accuracy(learner, data.X_test, data.y_test), 2),
                     "energy (kWh)": float(f"{kwh:.3g}"),
                     "CO2e (g)": float(f"{1000 * meter.co2e_kg:.3g}"),
                     "GPT-3 training / this": float(f"{GPT3_TRAINING_KWH / max(kwh, 1e-12):.3g}")})
    figure = _plot(rows, out_dir / "energy.png")
    return ExperimentResult(
        name="energy", rows=rows,
        title=f"Accuracy vs training energy on digits ({EPOCHS[quick]} epochs, CodeCarbon)",
        figures=[str(figure)],
        claims={"country": meter.country, "gpt3_training_kwh": GPT3_TRAINING_KWH,
                "chatgpt_inference_kwh_per_day": CHATGPT_KWH_PER_DAY},
        notes=["Slide: training GPT-3 took ~1,287 MWh (~500 t CO2e); ChatGPT inference ~564 MWh "
               "(~220 t CO2e) per day, ~80,000 t CO2e per year.",
               f"CodeCarbon OfflineEmissionsTracker, grid of {meter.country} (set "
               "PROFOND_CARBON_COUNTRY); without RAPL access the CPU power is estimated from its "
               "TDP, so these are estimates of a few seconds of a shared CPU."])


def _plot(rows: list[dict], path: Path) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for row in rows:
        ax.scatter(row["energy (kWh)"], row["test %"])
        ax.annotate(row["model"], (row["energy (kWh)"], row["test %"]), fontsize=8)
    ax.set(xscale="log", xlabel="training energy (kWh, CodeCarbon estimate)",
           ylabel="test accuracy (%)", title="Accuracy vs energy (GPT-3 training: 1.287e6 kWh)")
    # Runs span one or two decades: label 1, 2 and 5 per decade, short, never the crowded minors
    ax.xaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
    ax.xaxis.set_major_formatter(FormatStrFormatter("%.0e"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    fig.tight_layout()
    return save_png(fig, path)
