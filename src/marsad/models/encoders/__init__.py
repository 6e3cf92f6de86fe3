"""Encoders: text to vectors (sentence embeddings, their disk store) and checkpoint builders."""
