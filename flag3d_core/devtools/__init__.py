"""Tools for the project's own tests and benchmarks (no streamlit import, no test framework).

* ``server``  :class:`~flag3d_core.devtools.server.StreamlitServer`: serve a Streamlit script
  on a free localhost port and wait until it answers.
"""
