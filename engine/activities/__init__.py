"""Reading the activities that watches and apps record: FIT, GPX and TCX files.

Each format has its own module with one pure function of the file's bytes that returns
:class:`~engine.activities.model.Activity` models (or raises
:class:`~engine.activities.model.ActivityFileError` saying why the file is refused). Nothing
here touches storage or the clock; :mod:`engine.app.imports` stores what these return.
"""
