"""Operator commands and endpoints: setup, check, report, backtest, simulate, dead letters, dashboard, sidebar."""
