"""The app's UI edge: the only place with ``st.cache_*``, session state and Streamlit
workarounds. Page scripts import from here; the logic lives in flag3d_core.

- ``routing``: the legacy pages-directory workaround (:func:`ensure_navigation`).
- ``state``: settings, the catalog connection per version, cached catalog views.
- ``sequences``: sequence records (loaded once per catalog version and id), player payloads,
  render and export.
- ``models``: body model, render backend, compute device, recognition models.
- ``clicks``: turning chart selection events into values.
- ``player``: the three.js player component.
"""
