"""Operations (Art 29; docs/resilience.md): clean failure when a service is down, catching up the
search index, e-mail jobs that are never lost nor sent twice, backup and restore (the soak run
is bench/soak.py)."""
