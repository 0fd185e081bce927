"""RunIdentity and OutputArtifact behave as the dataclasses they were (_dataclass_compat.py).

Each is compared with its twin, the same fields declared with ``@dataclass``: what users
may do with a dataclass (repr, ==, hash, frozenness, match, asdict, astuple, replace,
fields, is_dataclass, pickle, copy, subclassing) must give the same answers.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import itertools
import pickle

import pytest
from component_runtime import OutputArtifact, RunIdentity

CLASSES = [RunIdentity, OutputArtifact]

# Arguments each class is made with: positional, keyword, defaults.
SAMPLES = {
    RunIdentity: [((), {}), (("run", "id-1", "task"), {}), ((), {"task": "t"}), (("r",), {"run_id": None})],
    OutputArtifact: [
        (("model", "file:///m", "system.Model"), {}),
        (("metrics", "gs://b/m", None), {"metadata": {"rmse": 0.5}}),
        ((), {"name": "n", "uri": "", "schema_title": None, "metadata": None}),  # None is kept, as a dataclass keeps it
    ],
}


def twin(cls: type) -> type:
    return cls._dataclass_twin()


def shown(value: object) -> str:
    """repr, with the twin's name (``X._dataclass_twin.<locals>.X``) as the class's own."""
    return repr(value).replace("._dataclass_twin.<locals>.", ".").replace(f"{type(value).__name__}.", "")


def pairs(cls: type):
    """(ours, the twin's) for each sample."""
    reference = twin(cls)
    for args, kwargs in SAMPLES[cls]:
        yield (
            cls(*copy.deepcopy(args), **copy.deepcopy(kwargs)),
            reference(*copy.deepcopy(args), **copy.deepcopy(kwargs)),
        )


@pytest.mark.parametrize("cls", CLASSES)
def test_repr_equality_and_hash_as_the_twin(cls: type) -> None:
    made = list(pairs(cls))
    for ours, theirs in made:
        assert repr(ours) == shown(theirs)
        assert ours == cls(*[getattr(ours, f.name) for f in dataclasses.fields(theirs)])
        assert (ours == theirs) is False  # another class: NotImplemented both ways, as between two dataclasses
        assert ours != object()
        if theirs.__hash__ is None:
            with pytest.raises(TypeError, match="unhashable"):
                hash(ours)
        else:
            assert hash(ours) == hash(theirs)  # the same tuple of values hashed
    for (a, ta), (b, tb) in itertools.product(made, repeat=2):
        assert (a == b) == (ta == tb)


@pytest.mark.parametrize("cls", CLASSES)
def test_dataclasses_functions_answer_as_for_the_twin(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    for ours, theirs in pairs(cls):
        assert dataclasses.is_dataclass(ours)
        assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)
        assert dataclasses.astuple(ours) == dataclasses.astuple(theirs)
        assert [(f.name, f.type, f.default, f.default_factory) for f in dataclasses.fields(ours)] == [
            (f.name, f.type, f.default, f.default_factory) for f in dataclasses.fields(theirs)
        ]
        first = dataclasses.fields(theirs)[0].name
        changed = dataclasses.replace(ours, **{first: "changed"})
        assert type(changed) is cls
        assert dataclasses.asdict(changed) == dataclasses.asdict(dataclasses.replace(theirs, **{first: "changed"}))
    assert cls.__dataclass_params__.frozen == twin(cls).__dataclass_params__.frozen
    assert cls.__match_args__ == twin(cls).__match_args__


@pytest.mark.parametrize("cls", CLASSES)
def test_parameters_as_the_twins(cls: type) -> None:
    # (the return annotation differs in form only: dataclasses writes None, this module the text "None")
    def parameters(of: type) -> list[str]:
        return [str(parameter) for parameter in inspect.signature(of).parameters.values()]

    assert parameters(cls) == parameters(twin(cls))


def test_a_frozen_identity_refuses_changes_as_a_frozen_dataclass() -> None:
    identity, reference = RunIdentity("r", "i", "t"), twin(RunIdentity)("r", "i", "t")
    for change in (lambda o: setattr(o, "task", "x"), lambda o: setattr(o, "other", 1), lambda o: delattr(o, "task")):
        with pytest.raises(dataclasses.FrozenInstanceError) as ours:
            change(identity)
        with pytest.raises(dataclasses.FrozenInstanceError) as theirs:
            change(reference)
        assert str(ours.value) == str(theirs.value)
    assert identity == RunIdentity("r", "i", "t")


def test_an_artifact_is_mutable_and_each_gets_its_own_metadata() -> None:
    first, second = OutputArtifact("a", "", None), OutputArtifact("b", "", None)
    first.metadata["k"] = 1
    first.uri = "file:///a"
    assert second.metadata == {}
    assert first == OutputArtifact("a", "file:///a", None, {"k": 1})


def test_match_pickle_copy_and_a_repr_that_contains_itself() -> None:
    match RunIdentity("r", None, "t"):
        case RunIdentity(run, None, task):
            assert (run, task) == ("r", "t")
        case _:
            pytest.fail("RunIdentity did not match positionally")
    artifact = OutputArtifact("m", "file:///m", "system.Metrics", {"rmse": 0.1})
    for value in (RunIdentity("r", "i", "t"), artifact):
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.deepcopy(value) == value
    artifact.metadata["self"] = artifact
    reference = twin(OutputArtifact)("m", "file:///m", "system.Metrics", {"rmse": 0.1})
    reference.metadata["self"] = reference
    assert repr(artifact) == shown(reference)


def test_a_dataclass_subclass_inherits_the_fields() -> None:
    @dataclasses.dataclass(frozen=True)
    class Traced(RunIdentity):
        trace: str = ""

    traced = Traced("r", "i", "t", "x")
    assert [f.name for f in dataclasses.fields(traced)] == ["run_name", "run_id", "task", "trace"]
    assert dataclasses.replace(traced, trace="y").trace == "y"


def test_a_plain_subclass_keeps_hash_and_frozenness_of_the_fields() -> None:
    class Named(RunIdentity):
        pass

    class TwinNamed(twin(RunIdentity)):
        pass

    named = Named("r", "i", "t")
    assert hash(named) == hash(RunIdentity("r", "i", "t"))
    # equal only within one class, as dataclasses compare
    assert (named == RunIdentity("r", "i", "t")) == (TwinNamed("r", "i", "t") == twin(RunIdentity)("r", "i", "t"))
    assert named != RunIdentity("r", "i", "t")
    with pytest.raises(dataclasses.FrozenInstanceError):
        named.task = "x"
    named.note = "a plain subclass may add attributes, as with a frozen dataclass"
    assert named.note.startswith("a plain")
