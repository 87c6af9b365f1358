"""The run engine: scheduling and syncing runs, the journal, the lock, configuration and planning."""
