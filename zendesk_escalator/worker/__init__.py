"""The worker: the loop that claims inbox rows, one handler per row kind, the periodic jobs; its ports to Zendesk."""
