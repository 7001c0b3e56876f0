"""The escalation rules (triggers, email, recurring incidents, hotline) and the one ticket update a decision becomes."""
