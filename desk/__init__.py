"""The agent desk: a small Sanic app where the firm's tax pros read cases and talk to taxpayers.

Start it with ``python -m desk``; manage desk users with ``python -m desk.cli``.
"""
