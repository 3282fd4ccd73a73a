"""Forms of the staff workspace, the notification settings and the consideration table."""
