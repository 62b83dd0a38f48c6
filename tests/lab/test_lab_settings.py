"""The playground's settings schema (hello.schema): its menus are profond.names' subsets, its
defaults, choices and bounds are pydantic's, every value has both labels, and the builders
(scratch engine, compiled epoch, exported script) cover the menus."""

import json

import pytest
from pydantic import ValidationError

from helpers.lab import lab_client, until
from profond import names
from profond.lab import fast, schema
from profond.lab.export import _torch_optimizer
from profond.lab.schema import Config
from profond.lab.settings import CONTROLS, settings_schema
from profond.scratch.models import ACTIVATIONS as SCRATCH_ACTIVATIONS

FIELDS = {f["name"]: f for f in settings_schema()}


def _values(field):
    return [c["value"] for c in field["choices"]]


def _valid(**changes) -> bool:
    try:
        Config(**changes)
    except ValidationError:
        return False
    return True


def test_one_descriptor_per_config_field_controls_first_in_page_order():
    assert set(FIELDS) == set(Config.model_fields)
    assert list(FIELDS)[:len(CONTROLS)] == list(CONTROLS)


def test_menus_are_subsets_of_the_names_tables():
    assert _values(FIELDS["activation"]) == ["relu", "tanh", "sigmoid", "linear"]
    assert set(_values(FIELDS["activation"])) < set(names.ACTIVATIONS)
    assert _values(FIELDS["optimizer"]) == list(names.OPTIMIZERS)


def test_a_subset_with_a_name_the_table_lacks_fails():
    with pytest.raises(KeyError, match="got \\['swish'\\]"):
        names.subset(names.ACTIVATIONS, "relu", "swish")


def test_the_builders_cover_the_menus():
    for name in _values(FIELDS["activation"]):
        assert name in SCRATCH_ACTIVATIONS and name in fast.ACTIVATIONS
    for name in _values(FIELDS["optimizer"]):
        assert name in fast.OPTIMIZERS
    assert _torch_optimizer("momentum", 0.1) == \
        "torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)"


def test_defaults_are_pydantics():
    assert {name: f["default"] for name, f in FIELDS.items()} == Config().model_dump()


@pytest.mark.parametrize("name", [n for n, f in FIELDS.items() if "choices" in f])
def test_every_choice_validates_and_others_do_not(name):
    for value in _values(FIELDS[name]):
        assert _valid(**{name: value}), (name, value)
    assert not _valid(**{name: "nonsense"})


@pytest.mark.parametrize("name", [n for n, f in FIELDS.items() if "min" in f])
def test_bounds_are_pydantics(name):
    low, high = FIELDS[name]["min"], FIELDS[name]["max"]
    assert _valid(**{name: low}) and _valid(**{name: high})
    assert not _valid(**{name: low - 1}) and not _valid(**{name: high + 1})


def test_list_fields_lengths_items_and_uniqueness_are_pydantics():
    features, hidden = FIELDS["features"], FIELDS["hidden"]
    assert _values(features["items"]) == list(schema.FEATURES)
    # none is allowed, as in TFP (issue #18): the net then sees only its biases
    assert features["min_length"] == 0 and _valid(features=[])
    assert features["unique"] and not _valid(features=["x1", "x1"])
    assert hidden["max_length"] == schema.MAX_LAYERS
    assert _valid(hidden=[hidden["items"]["max"]] * hidden["max_length"])
    assert not _valid(hidden=[1] * (hidden["max_length"] + 1))
    assert not _valid(hidden=[hidden["items"]["max"] + 1])


def test_every_label_is_in_english_and_french():
    for field in FIELDS.values():
        assert field["label"]["en"] and field["label"]["fr"]
        for choice in field.get("choices", []):
            assert "label" not in choice or (choice["label"]["en"] and choice["label"]["fr"])


def test_dataset_groups_split_the_datasets_by_problem():
    groups = FIELDS["dataset"]["groups"]
    assert set(groups["classification"]) | set(groups["regression"]) == \
        set(_values(FIELDS["dataset"]))
    for name in groups["regression"]:
        assert Config(problem="regression", dataset=name).dataset_for_problem() == name


def test_hello_carries_the_schema():
    with lab_client() as client, client.websocket_connect("/ws") as ws:
        hello = until(ws, "hello")
    assert hello["schema"] == json.loads(json.dumps(settings_schema()))
    assert hello["limits"] == {"max_points": schema.MAX_POINTS,
                               "max_csv_bytes": schema.MAX_CSV_BYTES}
