"""All SQL: the database handle and the tables on it (the inbox, episodes, cursors, comment marks), migrations."""
