from setuptools import setup, find_namespace_packages

setup(
    name="ckanext-liuzhou",
    version="0.1.0",
    description="柳州市数据共享交换平台 — Liuzhou government data sharing and exchange platform on CKAN",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    packages=find_namespace_packages(include=["ckanext.liuzhou", "ckanext.liuzhou.*"]),
    include_package_data=True,
    package_data={"ckanext.liuzhou": [
        "config_declaration.yaml", "schemas/*.yaml", "schemas/*.json", "templates/**/*",
        "public/**/*", "assets/**/*", "i18n/*/LC_MESSAGES/*", "demo/*.json", "demo/*.csv",
        "migration/liuzhou/*.ini", "migration/liuzhou/*.mako", "migration/liuzhou/versions/*.py",
        "search/data/*.txt",
    ]},
    entry_points={
        "ckan.plugins": [
            "liuzhou = ckanext.liuzhou.plugin:LiuzhouPlugin",
            "liuzhou_region_harvester = ckanext.liuzhou.cascade.harvester:LiuzhouRegionHarvester",
        ],
        # ckanext-dcat's profiles (ckanext.dcat.rdf.profiles = liuzhou in portal.ini)
        "ckan.rdf.profiles": [
            "liuzhou = ckanext.liuzhou.dcat.profile:LiuzhouProfile",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
    },
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
