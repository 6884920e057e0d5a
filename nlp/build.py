"""Build the project's own spaCy pipeline from code, with no downloaded model.

Blank English + the lookup lemmatizer from spacy-lookups-data + an entity ruler for notice codes,
forms, tax years and amounts. Rasa's SpacyNLP loads the result by path (see config.yml).

Usage: ``python -m nlp.build [OUTPUT_DIR]`` (default ``build/spacy/en_tax_notices``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokenizer import Tokenizer

from nlp.patterns import TOKEN_MATCH, all_patterns

DEFAULT_OUTPUT = Path("build/spacy/en_tax_notices")
PIPELINE_NAME = "tax_notices"
PIPELINE_VERSION = "1.0.0"


def create_pipeline() -> Language:
    """Return the pipeline, ready to use or save."""
    nlp = spacy.blank("en")
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = PIPELINE_VERSION
    nlp.meta["description"] = "Blank English with IRS notice-code entity rules (built from code)"
    # spaCy types the tokenizer as any callable and add_pipe as returning any pipe; a blank English
    # pipeline has spaCy's Tokenizer, and the "entity_ruler" factory makes an EntityRuler.
    cast(Tokenizer, nlp.tokenizer).token_match = TOKEN_MATCH.match
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"}))
    nlp.initialize()  # loads the lemma tables; it also empties the ruler, so patterns come after
    ruler.add_patterns(all_patterns())
    return nlp


def build(output: Path = DEFAULT_OUTPUT) -> Path:
    """Build the pipeline and save it to ``output``."""
    nlp = create_pipeline()
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return output


def main() -> None:
    """Command-line entry point."""
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    path = build(output)
    print(f"spaCy pipeline written to {path}")


if __name__ == "__main__":
    main()
