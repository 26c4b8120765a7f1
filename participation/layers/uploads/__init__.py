"""Uploads in the browser: the file, its check job, the review, publish or discard."""
