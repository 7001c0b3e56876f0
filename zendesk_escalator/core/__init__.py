"""The pure decision core (no I/O): at the root the shared vocabulary (a webhook, the ticket as read, the policy and
its conditions, the mirror on the ticket, wording); below it one sub-package per concern."""
