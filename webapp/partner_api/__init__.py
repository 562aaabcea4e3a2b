"""Partner API v1 (views.py, at /api/v1): appointments for clients who linked the partner. Bearer tokens,
problem+json errors."""
