# Solr 9 with the project's configset (CKAN's schema plus the Chinese analysis chain).
# Generate the schema first (needs ckan installed):
#   python solr/make_schema.py --variant liuzhou -o solr/configsets/liuzhou/conf/schema.xml
FROM solr:9.10
COPY --chown=solr:solr solr/configsets/liuzhou /opt/solr/server/solr/configsets/liuzhou
