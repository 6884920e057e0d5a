"""Rasa NLU component: mark each message's language as a `language` entity (en or es).

The domain maps the entity to the `language` slot: the role `requested` ("en español") at any
time, the role `detected` only outside forms, so a name typed during the intake ("María de la
Cruz") never switches the conversation. A message that shows no clear language adds no entity and
the slot keeps its value. Nothing is trained; lingua's models load once when the model loads.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlp.language import read_language, warm_up

ENTITY = "language"
ROLE_REQUESTED, ROLE_DETECTED = "requested", "detected"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    """Adds `{"entity": "language", "value": "es", "role": "detected"}` when the text shows a language."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        warm_up()
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            reading = read_language(text) if text and not text.startswith("/") else None
            if reading is None:
                continue
            entity = {
                "entity": ENTITY,
                "value": reading.language,
                "start": 0,
                "end": len(text),
                "confidence": 1.0,
                "role": ROLE_REQUESTED if reading.requested else ROLE_DETECTED,
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
