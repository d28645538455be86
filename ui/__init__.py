"""The Streamlit side of the dashboard: pages' helpers, figures, texts and the report's files.

Importing this package loads no Streamlit (the command line and the report builder use parts of it);
the modules that draw import it themselves.
"""
