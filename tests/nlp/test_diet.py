"""nlp/diet.py: DIET trained by the plain loop learns, reports every epoch, persists and loads, and
never goes through Keras' ``Model.fit``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
import tensorflow as tf
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import nlp.diet
from nlp.diet import LoopTrainedDIET, LoopTrainedDIETClassifier

EXAMPLES = {
    "greet": ["hello", "hi there", "good morning", "hey", "hello friend", "hi"],
    "levy": ["they froze my bank", "wage levy", "bank levy notice", "they took my paycheck", "levy on wages"],
    "lien": ["a lien on my house", "federal tax lien", "lien filed", "remove the lien", "lien on my home"],
}
EPOCHS = 40


def _messages() -> List[Message]:
    return [Message(data={"text": text, "intent": intent}) for intent, texts in EXAMPLES.items() for text in texts]


@pytest.fixture
def parts(tmp_path: Path) -> Dict[str, Any]:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test-diet")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizer = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(), storage, Resource("counts"), context
    )
    return {"storage": storage, "context": context, "tokenizer": tokenizer, "featurizer": featurizer}


def _featurized(parts: Dict[str, Any], messages: List[Message]) -> TrainingData:
    data = TrainingData(messages)
    parts["tokenizer"].process_training_data(data)
    return data


def test_the_loop_trains_without_fit_and_the_model_persists(
    parts: Dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _featurized(parts, _messages())
    parts["featurizer"].train(data)
    parts["featurizer"].process_training_data(data)
    config = {
        **LoopTrainedDIETClassifier.get_default_config(),
        "epochs": EPOCHS,
        "number_of_transformer_layers": 0,
        "batch_size": [4, 8],
        "random_seed": 7,
        "entity_recognition": False,
    }
    epochs_seen: List[Dict[str, float]] = []
    loop = nlp.diet.train_in_a_loop

    def recording_loop(model: Any, batches: Any, epochs: int, callbacks: Any) -> Any:
        class Record(tf.keras.callbacks.Callback):
            def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
                epochs_seen.append(dict(logs or {}))

        return loop(model, batches, epochs, [*callbacks, Record()])

    def no_fit(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("Keras' Model.fit was called")

    monkeypatch.setattr(nlp.diet, "train_in_a_loop", recording_loop)
    monkeypatch.setattr(tf.keras.Model, "fit", no_fit)
    resource = Resource("diet")
    classifier = LoopTrainedDIETClassifier.create(config, parts["storage"], resource, parts["context"])
    classifier.train(data)

    assert isinstance(classifier.model, LoopTrainedDIET)
    assert len(epochs_seen) == EPOCHS and {"t_loss", "i_acc"} <= set(epochs_seen[-1])
    assert epochs_seen[-1]["t_loss"] < epochs_seen[0]["t_loss"]  # it learned
    assert epochs_seen[-1]["i_acc"] == pytest.approx(1.0)

    loaded = LoopTrainedDIETClassifier.load(config, parts["storage"], resource, parts["context"])
    probes = _featurized(parts, [Message(data={"text": t}) for t in ("hi there", "bank levy notice", "lien filed")])
    parts["featurizer"].process(probes.training_examples)
    predicted = [m.get("intent")["name"] for m in loaded.process(probes.training_examples)]
    assert predicted == ["greet", "levy", "lien"]


def test_the_project_config_uses_the_loop_trained_classifier() -> None:
    import yaml

    config = yaml.safe_load((Path(__file__).resolve().parents[2] / "config.yml").read_text(encoding="utf-8"))
    names = [component["name"] for component in config["pipeline"]]
    assert "nlp.diet.LoopTrainedDIETClassifier" in names and "DIETClassifier" not in names
