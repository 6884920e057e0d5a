"""Pure logic the actions use: dates and deadlines."""
