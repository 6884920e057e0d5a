"""Benchmark of the tax assistant against a stock ``rasa init`` bot: latency, throughput, memory,
start-up and training time.

Run ``python -m bench`` (``make bench``) for the full benchmark, ``python -m bench --quick`` for a
smoke run, and ``python -m bench.profile`` to profile the Rasa server under load.
"""
