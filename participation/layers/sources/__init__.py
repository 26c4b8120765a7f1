"""Where a layer's map comes from: uploaded data or an external WMS/WMTS (`registry`)."""
