"""Django's PostgreSQL backend, checking a busy connection's health less often."""
