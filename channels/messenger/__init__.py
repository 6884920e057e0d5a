"""Messenger helpers of the Facebook channel (channels/facebook.py): events, the Graph API, rendering."""
