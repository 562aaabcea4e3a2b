"""Partner API v1: appointments for clients who linked the partner. Bearer tokens, problem+json errors."""

from flask import Blueprint

bp = Blueprint("partner_api", __name__, url_prefix="/api/v1")
