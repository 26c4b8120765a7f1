"""Cross-cutting web concerns: security headers, languages, errors, pages."""
