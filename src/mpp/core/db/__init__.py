"""PostgreSQL, as Django ships it, with health checks only for connections that have been idle."""
