"""The client's own screens: the client blueprint (views.py) with client.people nested in it (people.py)."""
