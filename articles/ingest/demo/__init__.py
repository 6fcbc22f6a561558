"""
The demo newsroom that ``load_demo`` brings in: ``content`` (the stories, sections,
sources and authors, as data files) and ``pictures`` (drawn with Pillow).
"""
