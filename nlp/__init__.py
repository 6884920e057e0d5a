"""The project's own spaCy pipeline, built from code."""
