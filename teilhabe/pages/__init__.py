"""Pages that combine several apps, above all of them in the layering (docs/architecture.md).

The home page and a process's page show the process (processes) together with its figures (monitoring);
monitoring builds on contributions, which builds on processes, so these views cannot live in processes.
They keep the URL namespace ``processes`` and render the templates of the processes app.
"""
