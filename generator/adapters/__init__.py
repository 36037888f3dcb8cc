"""Adapters that translate other tools' worlds into engine calls.

The command line is ``cli`` and the MkDocs plugin is ``mkdocs_plugin``; the cookiecutter hooks live
beside the template in ``hooks/``. Nothing is imported here, so the command line does not load MkDocs.
"""
