"""The dataset: schema and vocabularies, loading, uploads (ingest), validation, filters, export, synthetic data."""
