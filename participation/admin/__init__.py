"""The admin area (``/verwaltung``): towns, accounts, invitations — for accounts with role ADMIN."""
