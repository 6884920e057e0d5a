"""The IRS knowledge base: the YAML files beside this package (English, and es/ for Spanish), their
schema, code normalisation, figures, lookups, the Spanish overlay and the review tools."""
