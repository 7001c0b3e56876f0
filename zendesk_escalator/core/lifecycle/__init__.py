"""The episode and its state machine, the state table, each step's update, the review, and the one decision sequence."""
