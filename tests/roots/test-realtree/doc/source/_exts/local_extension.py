"""An extension of the tree's own, found through conf.py's sys.path."""


def setup(app):
    return {"parallel_read_safe": True, "parallel_write_safe": True}
