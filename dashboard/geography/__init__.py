"""Geography: ISO 3166 countries, divisions, the offline gazetteer, the geocoding chain and geometry."""
