"""Classifiers: the estimators a model config names, and their helpers."""
