"""Read-aloud over HTTP: phrase clips, dynamic text spoken on the fly, and the staff recording page."""
