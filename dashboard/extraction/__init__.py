"""Drafting from articles: place names in text, the event extractor and its evaluation on gold toponyms."""
