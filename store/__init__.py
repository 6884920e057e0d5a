"""The case store: cases, their event log, the notification outbox and the firm's pros (SQLAlchemy)."""
