"""The Sphinx side of guidebook: the ``guidebook`` builder and what it writes per part.

One environment is read for the whole tree (:mod:`.safety` guards what is read); the
builder (:mod:`.builder`) then writes each guide and part in turn inside
:func:`.part_writer.writing` (every swap of shared state one part needs lives in
:mod:`.part_writer`), each with its own search index (:mod:`.search`),
inventory and general index (:mod:`.inventory`), navigation (:mod:`.part_navigation`,
:mod:`.navigation`, :mod:`.navcache`) and guide bar (:mod:`.page_bar`), and finally the
site's own outputs: portal and manifest (:mod:`.site_outputs`) and the not-found page
(:mod:`.not_found`). Nothing here imports the command-line driver (:mod:`guidebook.driver`).
"""
