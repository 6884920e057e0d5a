"""Settings read from the environment and .env: the shared base, and the assistant settings."""
