"""The build itself: orchestration, incremental state, workers, output."""
