"""Pure logic shared by the actions, channels, desk and ops: dates and deadlines, amounts, PII masking,
triage, intake values and plans, business hours, GSM-7 text, and the case spool, e-mail and webhook
delivery around the case store."""
