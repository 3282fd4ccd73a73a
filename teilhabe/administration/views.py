"""The staff workspace of the answer path: department queues, routing, statements, decisions, notes; the
residents' notification settings; the consideration table. Views parse input, call a service or selector and
render; permissions are decided once per page."""
