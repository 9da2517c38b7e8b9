"""Web security of the portal: security headers and CSP, sign-in throttling, password rules,
and the search parameters no user may send to Solr (see docs/security.md)."""
