"""New handoffs from Rasa's event broker: consume tracker events from RabbitMQ, react at once.

With ``RABBITMQ_URL`` set, Rasa's pika broker publishes every tracker event as JSON
(``{"sender_id": ..., "event": "slot", "name": ..., "value": ..., "timestamp": ...}``) to a
fanout exchange (``RABBITMQ_EXCHANGE``). The desk consumes a durable queue bound to it
(``RABBITMQ_QUEUE``: the queue endpoints.production.yml gives Rasa; both declare it alike) and
recognises a handoff in the events of ``action_submit_case``: the ``action`` event, then the
``slot`` event of ``case_reference`` (the case exists) and, within business hours on a chat that
can receive messages, a ``pause`` event (a pro should reply live). For each it kicks the
notification delivery and tells signed-in pros' browsers (:mod:`desk.hub`). The outbox sweep
stays as a slow safety net for anything missed (an outage, a restart).

One module a step: ``messages`` (a broker message as a tracker event), ``detector`` (which events
make a handoff), ``relay`` (what the desk does about one) and ``consumer`` (the RabbitMQ queue).
"""
