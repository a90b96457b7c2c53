"""FLAG3D Explorer core library: catalog, loaders, body models, synthetic data, models.

This package never imports streamlit; pyrender/OpenGL are imported lazily inside
``flag3d_core.render`` only.
"""

__version__ = "0.1.0"
