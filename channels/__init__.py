"""Custom Rasa input and output channels (one module per channel)."""
