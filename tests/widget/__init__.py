"""Tests of the website chat widget (widget/): its pure logic under Node, and the real thing in Chromium."""
