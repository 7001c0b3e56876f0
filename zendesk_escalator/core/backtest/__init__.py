"""The backtest: a past period's ticket histories replayed through the decision sequence, and its findings."""
