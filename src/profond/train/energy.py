"""Energy (kWh) and CO2-equivalent (kg) of a training run, measured by CodeCarbon's
OfflineEmissionsTracker: no network, no files. On a CPU without RAPL access CodeCarbon falls back
to an estimate from the processor's TDP, so the figures are estimates, not meter readings.
"""

import contextlib
import importlib.util
import os

from profond.train.callbacks import Callback

COUNTRY_ENV = "PROFOND_CARBON_COUNTRY"


class EmissionsMeter(Callback):
    """Trainer callback: tracks from on_train_begin to on_train_end; `summary()` gives
    {"energy_kwh", "co2e_kg", "carbon_country"}; `country`: ISO 3166 alpha-3 (its grid mix)."""

    def __init__(self, country: str | None = None):
        self.country = country or os.environ.get(COUNTRY_ENV, "FRA")
        self.tracker = None
        self.energy_kwh = self.co2e_kg = None

    def on_train_begin(self) -> None:
        import logging
        import warnings

        from codecarbon import OfflineEmissionsTracker

        # its import-time logger speaks before log_level applies
        logging.getLogger("codecarbon").setLevel(logging.ERROR)
        # codecarbon >= 3 names outputs (none: no CSV); 2.x only knows save_to_file
        outputs = ({"output_methods": []} if _has_output_methods(OfflineEmissionsTracker)
                   else {"save_to_file": False})
        with warnings.catch_warnings():  # codecarbon 3 warns about its own save_to_* defaults
            warnings.simplefilter("ignore", DeprecationWarning)
            self.tracker = OfflineEmissionsTracker(country_iso_code=self.country,
                                                   log_level="error", measure_power_secs=1,
                                                   **outputs)
        self.tracker.start()

    def on_train_end(self) -> None:
        if self.tracker is None:
            return
        self.co2e_kg = float(self.tracker.stop() or 0.0)
        data = getattr(self.tracker, "final_emissions_data", None)
        self.energy_kwh = float(data.energy_consumed) if data is not None else 0.0
        self.tracker = None

    def summary(self) -> dict:
        return {"energy_kwh": self.energy_kwh, "co2e_kg": self.co2e_kg,
                "carbon_country": self.country}


def _has_output_methods(tracker_cls) -> bool:
    import inspect

    return "output_methods" in inspect.signature(tracker_cls).parameters


def emissions_meters() -> list[EmissionsMeter]:
    """[EmissionsMeter()] when codecarbon is installed (the `carbon` extra), else []."""
    return [EmissionsMeter()] if importlib.util.find_spec("codecarbon") else []


@contextlib.contextmanager
def measured(enabled: bool = True):
    """`with measured() as energy:` for training outside the Trainer (RL); on exit `energy` holds
    {"energy_kwh", "co2e_kg", "carbon_country"} when enabled and the carbon extra is installed,
    else {}."""
    energy, meters = {}, emissions_meters() if enabled else []
    for meter in meters:
        meter.on_train_begin()
    try:
        yield energy
    finally:
        for meter in meters:
            meter.on_train_end()
            energy.update(meter.summary())
