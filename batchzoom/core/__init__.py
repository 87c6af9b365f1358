"""The vocabulary every layer shares: the exception tree and the secret type."""
