"""The shared tracking server: Debian's PostgreSQL as MLflow's backend store, and `mlflow server`
serving runs and artifacts on top of it. Both are the real programs, started and stopped here."""
