"""WSGI entry point for gunicorn (serve, benchmarks, and the docker-compose deployment).

    CKAN_INI=/path/to/ckan.ini gunicorn deploy.wsgi:application
"""
import os
from logging.config import fileConfig

from ckan.cli import load_config
from ckan.config.middleware import make_app

_ini = os.environ.get("CKAN_INI", "/srv/app/ckan.ini")
fileConfig(_ini, disable_existing_loggers=False)
application = make_app(load_config(_ini))
