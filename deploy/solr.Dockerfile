# Solr 9 with the project's configset (CKAN's schema plus the Chinese analysis chain).
# Generate the schema first: python solr/make_schema.py (needs ckan installed).
FROM solr:9.10
COPY --chown=solr:solr solr/configsets/liuzhou /opt/solr/server/solr/configsets/liuzhou
