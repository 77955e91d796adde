# scrapyd-deploy builds its egg with `python setup.py bdist_egg`; without this file it writes its own,
# which leaves out settings.py, models.py and the YAML data. All the configuration is in pyproject.toml.
from setuptools import setup

setup()
