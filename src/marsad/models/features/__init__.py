"""Feature builders: scikit-learn transformers from texts or (claim, text) pairs to features."""
