"""Background jobs: long work runs outside the request, with visible progress.

With Redis configured, jobs go to an RQ queue served by ``flask worker``;
without Redis (or while it is down) they run in the app's own process.
"""
