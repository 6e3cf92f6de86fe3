"""MLflow tracking: the run context, what each run logs, and sweep grouping."""
