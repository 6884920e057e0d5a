"""Operations entry points: the hardened action server, Rasa with a short action timeout, retention.

Each module is runnable with ``python -m ops.<module>`` and reads its settings from the environment.
"""
