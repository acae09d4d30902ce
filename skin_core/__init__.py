"""SkinLens core: everything that decides, importable and testable without Streamlit.

Entry points: `pipeline.analyze`, `registry.list_models` / `registry.load_model`, `images.load_image`.
"""
__version__ = "0.1.0"
