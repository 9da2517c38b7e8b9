"""The catalog as DCAT (ckanext-dcat), the exchange format of the open-data ecosystem.

- :mod:`.profile`: the platform's RDF profile (``ckanext.dcat.rdf.profiles = liuzhou``): the
  catalog schema's fields in DCAT / DCAT-AP terms, the sharing type (Art 22) as
  ``dct:accessRights``, and a distribution's location only for a reader who may read it
  (Art 10–11: the platform's route, never the provider's address).
- :mod:`.auth`, :mod:`.actions`, :mod:`.views`: every DCAT action and route for signed-in users
  only, whatever ``ckanext.liuzhou.anonymous_access`` says, in the platform's profile only.
- :mod:`.indexing`: ckanext-dcat's index hook kept off the entry's information items.

The endpoints, who sees what and the mapping table: docs/dcat.md.
"""
