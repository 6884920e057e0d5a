"""SMS helpers of the Twilio channel (channels/twilio.py): keywords, opt-outs, menus, rendering, sending."""
