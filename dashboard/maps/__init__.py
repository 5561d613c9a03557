"""Map rendering: the folium map and its event layers, the canvas path for many events, offline Leaflet assets."""
