"""Whole-message understanding: what a taxpayer's message says (notices, amounts, dates, situation,
questions) and one short answer composed for all of it from the knowledge base.

Pure logic apart from the knowledge base: no Rasa imports, so it is tested with plain tables.
"""
