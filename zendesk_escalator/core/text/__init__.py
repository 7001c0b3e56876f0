"""What people wrote, read as text: mail bodies, the details of a request, the cases an email names, the checklist."""
