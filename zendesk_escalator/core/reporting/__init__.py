"""What the service shows and tells: the report and its formats, the dashboard, the sidebar's view, chat notices."""
