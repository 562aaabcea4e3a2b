"""The client's own screens, one blueprint: views.py (trajectory) and people.py (sharing)."""

from flask import Blueprint

bp = Blueprint("client", __name__)
