"""Delivery: the Slack app, terminal console, command line and scheduler; wires everything."""
