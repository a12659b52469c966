"""The Sphinx side of guidebook: the ``guidebook`` builder and what it writes per part.

One environment is read for the whole tree; the builder then writes each guide and part in
turn (:mod:`.part_scope`), each with its own search index (:mod:`.search`), inventory and
general index (:mod:`.inventory`) and navigation (:mod:`.navigation`, :mod:`.navcache`),
and finally the site's own outputs: portal and manifest (:mod:`.site_outputs`).
"""
