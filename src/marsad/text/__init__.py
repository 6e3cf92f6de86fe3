"""Arabic text normalisation and tokenisation helpers."""
