"""SLA timers from Zendesk's clock, its history, business hours and the schedules and time-zone names behind them."""
