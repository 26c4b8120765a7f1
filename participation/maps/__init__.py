"""Maps with GIS layers on any page that has one: which layers, in which order, which shown at first.

Projects have such a map today; statutes and surveys get theirs the same way
(`HasMap`). The layers themselves are the GIS team's (`participation.layers`).
"""
