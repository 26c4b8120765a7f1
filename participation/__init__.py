"""The participation pool web application; `participation.app.create_app` builds it.

This file imports nothing, so that importing any module of the package does
not pull in the whole application.
"""
