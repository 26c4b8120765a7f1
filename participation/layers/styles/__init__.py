"""How a layer looks on the map and what its popups show."""
