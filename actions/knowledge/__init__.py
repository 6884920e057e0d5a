"""The IRS knowledge base: schema, code normalisation and lookups."""
