"""The command-line driver: staging, the output lock, atomic publish and the spare copy.

It runs Sphinx (with :mod:`guidebook.engine`'s builder) into a staging directory and swaps
the result in only when the build succeeded. Import :mod:`guidebook.driver.run` for
:func:`~guidebook.driver.run.run_build`; this package imports nothing itself, so a Sphinx
process that loads ``extensions = ["guidebook"]`` never loads the driver.
"""
